package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A real Slurm: scripts/slurm/submit.sh submits a 4-shard atlas as a job array and the merge as a
// job after it, on a local single-node cluster; the merged atlas is the unsharded run's, byte for
// byte (provenance aside). The jobs run this test binary as surfscope (TestMain,
// SURFSCOPE_TEST_CLI).
func TestSlurmArrayAtlasEqualsTheUnshardedRun(t *testing.T) {
	slurm := startSlurm(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := slurm.path("work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	flags := atlasArgs(filepath.Join(dir, "whole.json"))
	mustRun(t, flags...)
	flags = flags[1 : len(flags)-2] // the atlas's flags, without the command and --json
	merged := filepath.Join(dir, "atlas.json")
	submit := slurm.command("scripts/slurm/submit.sh", append([]string{"atlas", "4", merged}, flags...)...)
	submit.Env = append(submit.Env, "SURFSCOPE="+exe, "SURFSCOPE_TEST_CLI=1")
	submit.Dir = "."
	out, err := submit.CombinedOutput()
	if err != nil {
		t.Fatalf("submit.sh: %v\n%s", err, out)
	}
	var jobs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if what, id, ok := strings.Cut(line, " "); ok && (what == "array" || what == "merge") {
			jobs = append(jobs, id)
		}
	}
	if len(jobs) != 2 {
		t.Fatalf("submit.sh printed no job ids:\n%s", out)
	}
	slurm.waitFor(t, 120*time.Second, "jobs "+strings.Join(jobs, ", "), func() bool {
		q, err := slurm.command("squeue", "-h", "-j", strings.Join(jobs, ",")).Output()
		return err == nil && len(bytes.TrimSpace(q)) == 0
	})
	logs, _ := filepath.Glob(merged + ".logs/*.log")
	var all strings.Builder
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		all.WriteString("--- " + filepath.Base(l) + "\n" + string(b))
	}
	if len(logs) != 5 {
		t.Fatalf("%d job logs, want 4 shards and the merge:\n%s", len(logs), all.String())
	}
	if _, err := os.Stat(merged); err != nil {
		t.Fatalf("the merge wrote nothing: %v\n%s", err, all.String())
	}
	if got, want := withoutProvenance(t, merged), withoutProvenance(t, filepath.Join(dir, "whole.json")); !bytes.Equal(got, want) {
		t.Fatalf("the atlas merged on Slurm differs from the unsharded one:\n%s", all.String())
	}
	parts, _ := filepath.Glob(merged + ".parts/part-*.json")
	if len(parts) != 4 {
		t.Errorf("parts %v, want 4", parts)
	}
}
