package atomicfile

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The test binary doubles as a writer process: with ATOMICFILE_TEST_WRITE=path it writes path
// (and with ATOMICFILE_TEST_HANG=1 stops half-way, forever, after creating path+".ready").
func TestMain(m *testing.M) {
	if path := os.Getenv("ATOMICFILE_TEST_WRITE"); path != "" {
		err := Write(path, func(w io.Writer) error {
			io.WriteString(w, "written by "+os.Getenv("ATOMICFILE_TEST_HANG"))
			if os.Getenv("ATOMICFILE_TEST_HANG") == "1" {
				w.(interface{ Flush() error }).Flush()
				os.WriteFile(path+".ready", nil, 0o644)
				time.Sleep(time.Hour)
			}
			return nil
		})
		if err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writer starts the test binary as a writer of path.
func writer(t *testing.T, path string, hang bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ATOMICFILE_TEST_WRITE="+path, "ATOMICFILE_TEST_HANG=0")
	if hang {
		cmd.Env[len(cmd.Env)-1] = "ATOMICFILE_TEST_HANG=1"
		os.Remove(path + ".ready")
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if hang {
		for i := 0; ; i++ {
			if _, err := os.Stat(path + ".ready"); err == nil {
				os.Remove(path + ".ready")
				break
			}
			if i > 1000 {
				cmd.Process.Kill()
				t.Fatal("the writer never started")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return cmd
}

func temps(t *testing.T, dir, base string) []string {
	var out []string
	for _, n := range names(t, dir) {
		if isTemp(base, n) {
			out = append(out, n)
		}
	}
	return out
}

// A writer killed with SIGKILL leaves its temporary file; the next process that writes the same
// name removes it. A writer still alive keeps its file, whatever its age.
func TestStaleTempFilesOfKilledWriters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")

	killed := writer(t, path, true)
	killed.Process.Kill()
	killed.Wait()
	left := temps(t, dir, "model.safetensors")
	if len(left) != 1 {
		t.Fatalf("a killed writer left %v, want one temporary file", left)
	}

	alive := writer(t, path, true)
	defer func() { alive.Process.Kill(); alive.Wait() }()
	time.Sleep(20 * time.Millisecond) // the next writer starts after both files were last touched
	if err := writer(t, path, false).Wait(); err != nil {
		t.Fatal(err)
	}
	now := temps(t, dir, "model.safetensors")
	if slices.Contains(now, left[0]) {
		t.Errorf("the killed writer's %s survived the next write", left[0])
	}
	if len(now) != 1 {
		t.Fatalf("temporary files %v; want the live writer's only", now)
	}
	if got := readFile(t, path); got != "written by 0" {
		t.Fatalf("the file holds %q", got)
	}

	alive.Process.Kill()
	alive.Wait()
	if err := writer(t, path, false).Wait(); err != nil {
		t.Fatal(err)
	}
	if now := temps(t, dir, "model.safetensors"); len(now) != 0 {
		t.Fatalf("after the live writer was killed too: %v", now)
	}
}

// Only files of the exact pattern, last modified before this process started and unlocked, are
// stale.
func TestStaleRule(t *testing.T) {
	old, fresh := started.Add(-time.Minute), started.Add(time.Second)
	cases := []struct {
		name     string
		modified time.Time
		locked   bool
		want     bool
	}{
		{".m.npy.tmp123", old, false, true},
		{".m.npy.tmp123", old, true, false},    // a live writer holds it
		{".m.npy.tmp123", fresh, false, false}, // could be this process's own
		{".m.npy.tmp", old, false, false},
		{".m.npy.tmp12a", old, false, false},
		{".m.npy.tmp-12", old, false, false},
		{".m.npy.tmp123.bak", old, false, false},
		{"m.npy.tmp123", old, false, false},
		{".x.npy.tmp123", old, false, false},
		{".m.npy.tmp123 ", old, false, false},
	}
	for _, c := range cases {
		if got := Stale("m.npy", c.name, c.modified, c.locked); got != c.want {
			t.Errorf("Stale(m.npy, %q, locked %v, modified %v after start) = %v", c.name, c.locked, c.modified.Sub(started), got)
		}
	}
}

// Write leaves alone every file that is not stale.
func TestWriteRemovesOnlyStaleFiles(t *testing.T) {
	dir := t.TempDir()
	old := started.Add(-48 * time.Hour)
	keep := []string{".m.npy.tmpx1", ".other.npy.tmp1", "m.npy.tmp1", ".m.npy.tmp2"}
	for _, n := range append(keep, ".m.npy.tmp1") {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600)
		os.Chtimes(filepath.Join(dir, n), old, old)
	}
	os.Chtimes(filepath.Join(dir, ".m.npy.tmp2"), time.Now(), time.Now()) // newer than this process
	mustWrite(t, filepath.Join(dir, "m.npy"), "new")
	got := names(t, dir)
	if slices.Contains(got, ".m.npy.tmp1") {
		t.Error("the stale .m.npy.tmp1 survived")
	}
	for _, n := range keep {
		if !slices.Contains(got, n) {
			t.Errorf("%s was removed", n)
		}
	}
}
