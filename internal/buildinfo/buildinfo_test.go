package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A test binary has no version stamped in and no VCS information: the fallbacks show.
func TestFallbacks(t *testing.T) {
	if got := Version(); got != "devel" {
		t.Errorf("Version() = %q in a test binary, want devel", got)
	}
	if got := GoVersion(); got != runtime.Version() {
		t.Errorf("GoVersion() = %q, want %q", got, runtime.Version())
	}
	want := "surfscope devel (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ", BLAS " + BLAS() + ")"
	if Commit() == "" && String() != want {
		t.Errorf("String() = %q, want %q", String(), want)
	}
}

// buildPrintinfo builds testdata/printinfo with the given go build flags and returns the
// executable's path and its output lines.
func buildPrintinfo(t *testing.T, flags ...string) (exe string, lines []string) {
	t.Helper()
	exe = filepath.Join(t.TempDir(), "printinfo")
	args := append(append([]string{"build", "-o", exe}, flags...), "./testdata/printinfo")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	return exe, strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
}

// Built without the Makefile, the version and commit are the ones the go command recorded in the
// binary (`go version -m` prints them): the module version and vcs.revision when built in a git
// clone, none in a git worktree or outside git.
func TestRecordedFallback(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	exe, lines := buildPrintinfo(t, "-buildvcs=auto")
	out, err := exec.Command("go", "version", "-m", exe).Output()
	if err != nil {
		t.Fatal(err)
	}
	wantVersion, wantCommit := "devel", ""
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod" && f[2] != "(devel)":
			wantVersion = f[2]
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			wantCommit = strings.TrimPrefix(f[1], "vcs.revision=")
		}
	}
	if lines[0] != wantVersion || lines[1] != wantCommit {
		t.Errorf("unstamped binary reports version %q, commit %q; go version -m says %q, %q", lines[0], lines[1], wantVersion, wantCommit)
	}
	t.Logf("recorded version %q, commit %q", wantVersion, wantCommit)
}

// The variable names the Makefile stamps with -X are the ones this package reads.
func TestLdflagsStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	const pkg = "github.com/surfscope/surfscope/internal/buildinfo"
	const hash = "0123456789abcdef0123456789abcdef01234567"
	_, lines := buildPrintinfo(t, "-ldflags", "-X "+pkg+".version=v9.8.7-2-g0123456-dirty -X "+pkg+".commit="+hash)
	want := []string{"v9.8.7-2-g0123456-dirty", hash, BLAS(),
		"surfscope v9.8.7-2-g0123456-dirty (commit 0123456789ab, " + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ", BLAS " + BLAS() + ")"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("stamped binary prints\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// -tags noblas selects the pure-Go BLAS, as it does in models/internal/sgemm.
func TestNoblasTag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	if _, lines := buildPrintinfo(t, "-tags", "noblas"); len(lines) < 3 || lines[2] != "gonum" {
		t.Errorf("built with -tags noblas, BLAS() = %q, want gonum", lines)
	}
}
