package main

import (
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

func TestVersionCommand(t *testing.T) {
	t.Setenv("SURFSCOPE_RENDER", "cpu")
	out := mustRun(t, "version")
	want := []string{
		"surfscope " + buildinfo.Version(),
		"go        " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		"blas      " + buildinfo.BLAS(),
		"renderer  cpu",
	}
	for _, w := range want {
		if !strings.Contains(out, w+"\n") {
			t.Errorf("surfscope version lacks the line %q:\n%s", w, out)
		}
	}
	if got := mustRun(t, "version", "--short"); got != buildinfo.Version()+"\n" {
		t.Errorf("surfscope version --short = %q, want %q", got, buildinfo.Version()+"\n")
	}
	if code, _, _ := cli("version", "extra"); code != 2 {
		t.Errorf("surfscope version extra: exit %d, want 2", code)
	}
}
