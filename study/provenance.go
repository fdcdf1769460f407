package study

import (
	"strings"
	"time"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// Provenance says where a study file came from: the surfscope that wrote it, when, by which
// command, and from which model files and data.
type Provenance struct {
	Surfscope string     `json:"surfscope"`
	Commit    string     `json:"commit,omitempty"`
	Go        string     `json:"go"`
	BLAS      string     `json:"blas"`
	Time      string     `json:"time"`
	Command   string     `json:"command,omitempty"`
	Models    []ModelRef `json:"models,omitempty"`
	Data      string     `json:"data,omitempty"`
	Split     string     `json:"split,omitempty"`
	Seed      *uint64    `json:"seed,omitempty"`
}

// ModelRef names a model file by path and SHA-256.
type ModelRef struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// newProvenance returns the provenance of a file written now by command.
func newProvenance(command string) Provenance {
	return Provenance{Surfscope: buildinfo.Version(), Commit: buildinfo.Commit(), Go: buildinfo.GoVersion(),
		BLAS: buildinfo.BLAS(), Time: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339), Command: command}
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
