package study

import "github.com/surfscope/surfscope/provenance"

// Provenance says where a study file came from: the surfscope that wrote it, when, by which
// command, and from which model files and data (the record every surfscope file carries).
type Provenance = provenance.Record

// ModelRef names a model file by path and SHA-256.
type ModelRef = provenance.Model

// newProvenance returns the provenance of a file written now by command.
func newProvenance(command string) Provenance { return provenance.New(command) }
