package provenance

import (
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// Record is the provenance of one file: which surfscope wrote it, how, when, and from what.
// Empty fields are left out of every format. docs/METRICS.md ("Provenance") defines each field.
type Record struct {
	Surfscope string    `json:"surfscope"`          // version, as buildinfo.Version
	Commit    string    `json:"commit,omitempty"`   // full commit hash, when known
	Go        string    `json:"go"`                 // Go release that built surfscope
	BLAS      string    `json:"blas"`               // openblas or gonum
	Time      string    `json:"time"`               // when the command or app action started, RFC 3339 UTC
	Command   string    `json:"command,omitempty"`  // the command line as run; in the app, the command that redoes the picture headless
	Action    string    `json:"action,omitempty"`   // in the app: the menu item that wrote the file, "app: File ▸ Export PNG"
	Models    []Model   `json:"models,omitempty"`   // the model(s) the numbers come from, in the command's order
	Data      string    `json:"data,omitempty"`     // dataset name (mnist, sample, …) or absolute folder path
	Split     string    `json:"split,omitempty"`    // train or test
	Probe     string    `json:"probe,omitempty"`    // probe spec, as --probe takes it
	Seed      *uint64   `json:"seed,omitempty"`     // seed of the randomness behind the numbers: the probe's, or the command's --seed
	Grid      []int     `json:"grid,omitempty"`     // points per axis: [s, t] for a plane, [s] for a line
	S         []float64 `json:"s,omitempty"`        // first and last coordinate along the first axis (λ for a line)
	T         []float64 `json:"t,omitempty"`        // first and last coordinate along the second axis
	Metric    string    `json:"metric,omitempty"`   // what the file's numbers are: the metric drawn, "logits", "loss", …
	Class     *int      `json:"class,omitempty"`    // the logit drawn or measured, when one is
	Renderer  string    `json:"renderer,omitempty"` // what drew a picture: the GL renderer or "cpu"
}

// Model is a model file a record's numbers come from.
type Model struct {
	Path   string `json:"path"`   // absolute path; "embedded" for the built-in model, "unsaved" for one trained in the app and not saved
	SHA256 string `json:"sha256"` // SHA-256 of the file's bytes (of the encoded checkpoint for an unsaved model), hex
}

// Unsaved is the Model path of a net trained in the app and not saved.
const Unsaved = "unsaved"

// New returns a record of this build of surfscope, started now, for the command line command (""
// for none). The time is now in UTC to the second, or $SOURCE_DATE_EPOCH when it is set, so that
// builds of reference files can be reproduced byte for byte.
func New(command string) Record {
	return Record{Surfscope: buildinfo.Version(), Commit: buildinfo.Commit(), Go: buildinfo.GoVersion(),
		BLAS: buildinfo.BLAS(), Time: now().Format(time.RFC3339), Command: command}
}

func now() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if sec, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(sec, 0).UTC()
		}
	}
	return time.Now().UTC().Truncate(time.Second)
}

// CommandLine joins args into one line for a POSIX shell, each argument quoted where the shell would
// not take it literally: CommandLine("surfscope", "render", "--model", "my net.onnx") is
// "surfscope render --model 'my net.onnx'".
func CommandLine(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// Quote returns s as one word of a POSIX shell: unchanged when it holds only characters the shell
// takes literally, else in single quotes.
func Quote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:,=+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// SetSeed sets the record's seed.
func (r *Record) SetSeed(seed uint64) { r.Seed = &seed }

// SetClass sets the logit the record's numbers are of.
func (r *Record) SetClass(k int) { r.Class = &k }

// AddModel appends a model file and its SHA-256.
func (r *Record) AddModel(path, sha256 string) {
	r.Models = append(r.Models, Model{Path: path, SHA256: sha256})
}

// SetGrid records a grid of len(s) × len(t) points (t nil or empty for a line) and the first and
// last coordinate along each axis; non-finite coordinates leave the range out.
func (r *Record) SetGrid(s, t []float64) {
	r.Grid, r.S, r.T = []int{len(s)}, span(s), nil
	if len(t) > 0 {
		r.Grid, r.T = append(r.Grid, len(t)), span(t)
	}
}

func span(v []float64) []float64 {
	if len(v) == 0 {
		return nil
	}
	lo, hi := v[0], v[len(v)-1]
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return nil
	}
	return []float64{lo, hi}
}

// IsZero reports whether r holds no provenance (no surfscope version).
func (r Record) IsZero() bool { return r.Surfscope == "" }

// Software is the one-line name of the surfscope that wrote the record, as PNG's "Software" chunk
// has it: "surfscope v1.2.0 (commit 1a2b3c4d5e6f)".
func (r Record) Software() string {
	if r.Commit == "" {
		return "surfscope " + r.Surfscope
	}
	return "surfscope " + r.Surfscope + " (commit " + r.Commit[:min(len(r.Commit), 12)] + ")"
}
