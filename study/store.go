package study

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
)

// Record is the file a stage writes: what it computed, from what, and how. A stage is done when
// its record exists and its ConfigHash equals the hash of the stage's configuration now.
type Record struct {
	Stage      string          `json:"stage"`
	Unit       string          `json:"unit"`        // "mnist/add/atlas", "mnist/figures"
	ConfigHash string          `json:"config_hash"` // hash of Config (and the model file's SHA-256)
	Config     json.RawMessage `json:"config"`      // the stage's configuration
	Provenance Provenance      `json:"provenance"`
	Seconds    float64         `json:"seconds"` // time the stage took
	Result     json.RawMessage `json:"result"`
}

// maxRecordBytes bounds a record read back (a full atlas with its per-probe values is a few MB).
const maxRecordBytes = 512 << 20

// hashConfig returns the configuration hash of a stage: SHA-256 of the stage's name and the JSON
// of cfg, in hex (the first 16 bytes).
func hashConfig(stage string, cfg any) (string, []byte, error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", nil, fmt.Errorf("study: %s configuration: %v", stage, err)
	}
	h := sha256.Sum256(append([]byte(stage+"\n"), b...))
	return hex.EncodeToString(h[:16]), b, nil
}

// readRecord reads the record at path; a missing file is (nil, nil).
func readRecord(path string) (*Record, error) {
	b, err := inputfile.ReadAll(path, maxRecordBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a study record: %v", path, err)
	}
	return &r, nil
}

// done reports whether the record at path exists with configuration hash hash. A record that
// cannot be read is not done (the stage runs again and replaces it).
func done(path, hash string) bool {
	r, err := readRecord(path)
	return err == nil && r != nil && r.ConfigHash == hash
}

// writeRecord writes r with result as its Result, atomically, creating the folder.
func writeRecord(path string, r *Record, result any) error {
	b, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	r.Result = b
	out, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(out, '\n'))
		return err
	})
}

// loadResult reads the record at path into v (its Result).
func loadResult(path string, v any) (*Record, error) {
	r, err := readRecord(path)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%s: missing", path)
	}
	if err := json.Unmarshal(r.Result, v); err != nil {
		return nil, fmt.Errorf("%s: result: %v", path, err)
	}
	return r, nil
}

// fileSHA256 returns the SHA-256 of a file's bytes in hex.
func fileSHA256(path string) (string, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close() // read-only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %v", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
