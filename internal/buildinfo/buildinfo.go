package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// Stamped by the Makefile: -ldflags "-X github.com/surfscope/surfscope/internal/buildinfo.version=…
// -X github.com/surfscope/surfscope/internal/buildinfo.commit=…".
var version, commit string

// recorded is what the go command wrote into the binary, read once.
var recorded = sync.OnceValue(func() (r struct{ version, commit string }) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return r
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		r.version = v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			r.commit = s.Value
		}
	}
	return r
})

// Version is the surfscope version: `git describe --tags --always --dirty` when built by the
// Makefile (v1.2.0, v1.2.0-3-g1a2b3c4, 1a2b3c4-dirty), else the module version the go command
// recorded, else "devel" (go run, test binaries).
func Version() string {
	if version != "" {
		return version
	}
	if v := recorded().version; v != "" {
		return v
	}
	return "devel"
}

// Commit is the full hash of the commit built from, or "" when it is unknown (a build outside a
// git checkout, go run, test binaries).
func Commit() string {
	if commit != "" {
		return commit
	}
	return recorded().commit
}

// GoVersion is the Go release that built this binary, such as "go1.26.8".
func GoVersion() string { return runtime.Version() }

// BLAS names the BLAS behind surfscope's matrix products: "openblas" (through cgo) or "gonum"
// (pure Go: built with -tags noblas or without cgo).
func BLAS() string { return blas }

// String is the one-line description that `surfscope version` starts with and the About box shows:
// "surfscope v1.2.0 (commit 1a2b3c4d5e6f, go1.26.8, linux/amd64, BLAS openblas)".
func String() string {
	parts := []string{}
	if c := Commit(); c != "" {
		parts = append(parts, "commit "+c[:min(len(c), 12)])
	}
	parts = append(parts, GoVersion(), runtime.GOOS+"/"+runtime.GOARCH, "BLAS "+BLAS())
	return fmt.Sprintf("surfscope %s (%s)", Version(), strings.Join(parts, ", "))
}
