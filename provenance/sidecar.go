package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
)

// Sidecar is the JSON file beside an NPY file (SidecarPath) that holds its provenance: the record
// and what identifies the NPY file it belongs to.
type Sidecar struct {
	Provenance Record     `json:"provenance"`
	NPY        SidecarNPY `json:"npy"`
}

// SidecarNPY identifies the NPY file a sidecar describes.
type SidecarNPY struct {
	File   string `json:"file"`   // base name of the NPY file
	Shape  []int  `json:"shape"`  // the array's shape, C order
	Dtype  string `json:"dtype"`  // numpy dtype, "<f4"
	SHA256 string `json:"sha256"` // SHA-256 of the whole NPY file, hex
}

// SidecarPath is the sidecar of the NPY file npy: npy + ".json" ("grid.npy" → "grid.npy.json"),
// so that it never collides with a JSON report written beside it under the NPY's stem.
func SidecarPath(npy string) string { return npy + ".json" }

// WriteSidecar writes the sidecar of the NPY file npy, whose bytes have SHA-256 sum, holding a
// float32 array of the given shape, through a temporary file. An NPY written to something that is
// not a regular file (a device, a pipe) gets no sidecar: there is no file to put it beside.
func WriteSidecar(npy string, r Record, shape []int, sum []byte) error {
	if fi, err := os.Stat(npy); err == nil && !fi.Mode().IsRegular() {
		return nil
	}
	sc := Sidecar{Provenance: r, NPY: SidecarNPY{File: filepath.Base(npy), Shape: shape, Dtype: "<f4", SHA256: hex.EncodeToString(sum)}}
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(SidecarPath(npy), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadSidecar reads the sidecar of the NPY file npy and checks that it belongs to it: the SHA-256
// of npy's bytes must be the one the sidecar names. Errors name the file at fault.
func ReadSidecar(npy string) (*Sidecar, error) {
	path := SidecarPath(npy)
	b, err := readRegular(path, maxJSON)
	if err != nil {
		return nil, err
	}
	var sc Sidecar
	if err := json.Unmarshal(b, &sc); err != nil {
		return nil, fmt.Errorf("%s: not a surfscope NPY sidecar: %v", path, err)
	}
	if sc.Provenance.IsZero() || sc.NPY.SHA256 == "" {
		return nil, fmt.Errorf("%s: not a surfscope NPY sidecar (no provenance or no sha256)", path)
	}
	sum, err := fileSHA256(npy)
	if err != nil {
		return nil, err
	}
	if sum != sc.NPY.SHA256 {
		return nil, fmt.Errorf("%s does not belong to %s: it names SHA-256 %s, the file has %s (the NPY was changed or replaced after the sidecar was written)",
			path, npy, sc.NPY.SHA256, sum)
	}
	return &sc, nil
}

// fileSHA256 returns the SHA-256 of a regular file's bytes, hex.
func fileSHA256(path string) (string, error) {
	f, err := openRegular(path)
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

// openRegular opens a file for reading after checking that it is a regular file (never a pipe or
// a device that would block or never end): internal/inputfile.
func openRegular(path string) (*os.File, error) { return inputfile.Open(path) }

// readRegular reads a regular file of at most limit bytes: internal/inputfile.
func readRegular(path string, limit int64) ([]byte, error) { return inputfile.ReadAll(path, limit) }
