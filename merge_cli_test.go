package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// withoutProvenance returns the JSON document at path without its provenance block, indented as
// the commands write it.
func withoutProvenance(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	delete(doc, "provenance")
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// atlasArgs are the flags of a small atlas of two models over every kind of probe.
func atlasArgs(json string) []string {
	return []string{"atlas", "--model", "embedded", "--model", "embedded", "--images", "60", "--planes", "3",
		"--lines", "3", "--flips", "2", "--randoms", "1", "--grid", "5", "--points", "9", "--seed", "4", "--json", json}
}

// The parts of atlas --shard, merged, are the unsharded atlas file byte for byte (provenance aside),
// and merge prints the table the unsharded run prints.
func TestAtlasShardsMergeToTheUnshardedFile(t *testing.T) {
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole.json")
	wholeOut := mustRun(t, atlasArgs(whole)...)
	var parts []string
	for i := 3; i >= 0; i-- {
		part := filepath.Join(dir, fmt.Sprintf("part%d.json", i))
		mustRun(t, append(atlasArgs(part), "--shard", fmt.Sprintf("%d/4", i))...)
		parts = append(parts, part)
	}
	merged := filepath.Join(dir, "merged.json")
	mergeOut := mustRun(t, append([]string{"merge", "--out", merged}, parts...)...)
	if got, want := withoutProvenance(t, merged), withoutProvenance(t, whole); !bytes.Equal(got, want) {
		t.Fatalf("merged atlas differs from the unsharded one:\n%s\n---\n%s", got, want)
	}
	table := func(s string) string { s, _, _ = strings.Cut(s, "wrote "); return s }
	if table(mergeOut) != table(wholeOut) {
		t.Errorf("merge prints another table:\n%s\n---\n%s", mergeOut, wholeOut)
	}
	rec, err := os.ReadFile(merged)
	if err != nil || !bytes.Contains(rec, []byte(`"command": "surfscope merge --out`)) || !bytes.Contains(rec, []byte(`"sha256"`)) {
		t.Errorf("merged file's provenance does not name the merge and the models:\n%.600s", rec)
	}

	other := filepath.Join(dir, "other.json")
	args := atlasArgs(other)
	args[len(args)-3] = "5" // another seed
	mustRun(t, append(args, "--shard", "1/4")...)
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{parts[:3], "missing shard 0/4"},
		{append([]string{parts[0]}, parts...), "are both shard 3/4"},
		{[]string{parts[0], parts[1], other, parts[3]}, "is a part of another run"},
		{[]string{whole}, "not a part file"},
	} {
		code, _, errs := cli(append([]string{"merge", "--out", filepath.Join(dir, "x.json")}, c.parts...)...)
		if code != 1 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("merge %v: exit %d, %q; want one line saying %q", c.parts, code, errs, c.want)
		}
	}
	for _, bad := range [][]string{
		{"atlas", "--shard", "4/4", "--json", other},
		{"atlas", "--shard", "1/4"},
		{"merge", parts[0]},
	} {
		if code, _, errs := cli(bad...); code != 2 {
			t.Errorf("%v: exit %d, %q; want 2", bad, code, errs)
		}
	}
}

// The parts of landscape --shard, merged, are the unsharded loss and accuracy .npy files byte for
// byte, and the JSON summary is the same but for the timings.
func TestLandscapeShardsMergeToTheUnshardedFiles(t *testing.T) {
	dir := t.TempDir()
	args := []string{"landscape", "--model", "embedded", "--grid", "7", "--images", "30", "--hessian-steps", "5"}
	out := func(name string) string { return filepath.Join(dir, name) }
	mustRun(t, append(args, "--out", out("whole.npy"), "--acc", out("whole-acc.npy"), "--json", out("whole.json"))...)
	var parts []string
	for i := range 3 {
		parts = append(parts, out(fmt.Sprintf("part%d.json", i)))
		mustRun(t, append(args, "--shard", fmt.Sprintf("%d/3", i), "--out", parts[i])...)
	}
	mustRun(t, append([]string{"merge", "--out", out("merged.npy"), "--acc", out("merged-acc.npy"), "--json", out("merged.json")}, parts...)...)
	for _, f := range []string{".npy", "-acc.npy"} {
		a, err1 := os.ReadFile(out("whole" + f))
		b, err2 := os.ReadFile(out("merged" + f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("merged%s differs from whole%s (%v, %v)", f, f, err1, err2)
		}
	}
	untimed := func(path string) string {
		var doc map[string]any
		if err := json.Unmarshal(withoutProvenance(t, path), &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc, "seconds")
		delete(doc, "hessian_seconds")
		b, _ := json.Marshal(doc)
		return string(b)
	}
	if a, b := untimed(out("whole.json")), untimed(out("merged.json")); a != b || !strings.Contains(a, `"hessian"`) {
		t.Errorf("merged summary differs:\n%s\n%s", b, a)
	}
	if code, _, errs := cli("merge", "--out", out("x.npy"), parts[0], parts[2]); code != 1 || !strings.Contains(errs, "missing shard 1/3") {
		t.Errorf("a missing row shard: exit %d, %q", code, errs)
	}
	if code, _, errs := cli(append(args, "--shard", "0/2", "--out", out("p.json"), "--json", out("j.json"))...); code != 2 {
		t.Errorf("--shard with --json: exit %d, %q; want 2", code, errs)
	}
}
