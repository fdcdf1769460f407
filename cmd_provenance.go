package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
)

// provenanceConfig is what `surfscope provenance` is asked to do.
type provenanceConfig struct {
	files  []string
	json   bool
	models []string // model files whose SHA-256 each record must name
}

func cmdProvenance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseProvenance(args, stderr)
	if err != nil {
		return err
	}
	var want []provenance.Model
	for _, m := range c.models {
		id, err := modelfile.Identify(m)
		if err != nil {
			return err
		}
		want = append(want, id)
	}
	failed := 0
	for _, path := range c.files {
		if err := showProvenance(stdout, c, path, want); err != nil {
			fmt.Fprintf(stderr, "surfscope provenance: %v\n", err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files without the provenance asked for", failed, len(c.files))
	}
	return nil
}

// parseProvenance reads the flags and the files of `surfscope provenance`.
func parseProvenance(args []string, stderr io.Writer) (*provenanceConfig, error) {
	fs := newFlags("provenance", "[--json] [--model FILE] FILE...", stderr)
	c := &provenanceConfig{}
	fs.BoolVar(&c.json, "json", false, "print each file's record as one line of JSON: {\"file\", \"where\", \"provenance\"}")
	fs.Var((*modelList)(&c.models), "model", "model file (repeatable; \"embedded\" for the built-in model) whose SHA-256 every record must name: checks that a figure comes from this model")
	files, err := parseWithArgs(fs, args, map[string]flagRule{"json": {}}) // --json is a switch here, not a file
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &flagError{"name at least one file (PNG, GIF, NPY, VTK, JSON, CSV or checkpoint)"}
	}
	c.files = files
	return c, nil
}

// showProvenance prints the record of one file and checks it names the wanted models.
func showProvenance(w io.Writer, c *provenanceConfig, path string, want []provenance.Model) error {
	rec, where, err := provenance.Read(path)
	if err != nil {
		return err
	}
	for _, m := range want {
		if !namesModel(rec, m) {
			return fmt.Errorf("%s: does not come from %s (SHA-256 %s); it names %s", path, m.Path, m.SHA256, describeModels(rec))
		}
	}
	if c.json {
		b, err := json.Marshal(struct {
			File       string            `json:"file"`
			Where      string            `json:"where"`
			Provenance provenance.Record `json:"provenance"`
		}{path, where, rec})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
		return nil
	}
	fmt.Fprintf(w, "%s (%s):\n", path, where)
	for _, line := range strings.SplitAfter(rec.Text(), "\n") {
		if line != "" {
			fmt.Fprint(w, "  "+line)
		}
	}
	return nil
}

func namesModel(rec provenance.Record, m provenance.Model) bool {
	for _, have := range rec.Models {
		if have.SHA256 == m.SHA256 {
			return true
		}
	}
	return false
}

func describeModels(rec provenance.Record) string {
	if len(rec.Models) == 0 {
		return "no model"
	}
	var s []string
	for _, m := range rec.Models {
		s = append(s, m.Path+" ("+m.SHA256+")")
	}
	return strings.Join(s, ", ")
}
