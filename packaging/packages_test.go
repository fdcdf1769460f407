package packaging

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// scratch holds what the tests share (the unpacked tarball, the wine prefix); TestMain removes it.
var scratch string

func TestMain(m *testing.M) {
	var err error
	if scratch, err = os.MkdirTemp("", "surfscope-packaging-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	stopWine()
	os.RemoveAll(scratch)
	os.Exit(code)
}

// packageFiles are the three files `make package` wrote.
type packageFiles struct {
	tarball, deb, zip string
	version           string // what `surfscope version --short` must print
}

// packages returns the files named by SURFSCOPE_PACKAGES (`make package-test` sets it, with
// SURFSCOPE_VERSION) or skips the test.
func packages(t *testing.T) packageFiles {
	t.Helper()
	list := strings.Fields(os.Getenv("SURFSCOPE_PACKAGES"))
	if len(list) == 0 {
		t.Skip("SURFSCOPE_PACKAGES is not set: `make package-test` builds the packages and tests them")
	}
	p := packageFiles{version: os.Getenv("SURFSCOPE_VERSION")}
	for _, f := range list {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(abs); err != nil {
			t.Fatalf("SURFSCOPE_PACKAGES names %s: %v (run make package)", f, err)
		}
		switch {
		case strings.HasSuffix(f, ".tar.xz"):
			p.tarball = abs
		case strings.HasSuffix(f, ".deb"):
			p.deb = abs
		case strings.HasSuffix(f, ".zip"):
			p.zip = abs
		}
	}
	if p.tarball == "" || p.deb == "" || p.zip == "" || p.version == "" {
		t.Fatalf("SURFSCOPE_PACKAGES=%q SURFSCOPE_VERSION=%q: want a .tar.xz, a .deb, a .zip and the version", list, p.version)
	}
	return p
}

// command runs name with args (and extra environment) for at most timeout and returns its
// standard output; a failure ends the test with the command's output.
func command(t *testing.T, timeout time.Duration, env []string, name string, args ...string) string {
	t.Helper()
	out, errs, err := tryCommand(timeout, env, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, errs)
	}
	return out
}

// tryCommand is command that returns the error instead: standard output, standard error, error.
func tryCommand(timeout time.Duration, env []string, name string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errs
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("no answer within %v", timeout)
	}
	return out.String(), errs.String(), err
}

// onceDir is a folder that one test makes and later tests reuse: a package unpacked once.
type onceDir struct {
	once sync.Once
	dir  string
	err  error
}

// get makes the folder with make the first time and returns it (or the first time's error).
func (o *onceDir) get(t *testing.T, make func() (string, error)) string {
	t.Helper()
	o.once.Do(func() { o.dir, o.err = make() })
	if o.err != nil {
		t.Fatal(o.err)
	}
	return o.dir
}

var tarballDir onceDir

// linuxDir unpacks the tarball (once) and returns its top folder, surfscope-VERSION-linux-amd64.
func linuxDir(t *testing.T, p packageFiles) string {
	t.Helper()
	return tarballDir.get(t, func() (string, error) {
		dest := filepath.Join(scratch, "tarball")
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return "", err
		}
		if out, err := exec.Command("tar", "-xJf", p.tarball, "-C", dest).CombinedOutput(); err != nil {
			return "", fmt.Errorf("tar -xJf %s: %v\n%s", p.tarball, err, out)
		}
		return filepath.Join(dest, strings.TrimSuffix(filepath.Base(p.tarball), ".tar.xz")), nil
	})
}

// readPNG decodes a PNG file.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

// keepScreenshot writes a screenshot into SURFSCOPE_SCREENSHOTS when that is set, else into the
// test's temporary folder, and returns the path.
func keepScreenshot(t *testing.T, name string, raw []byte) string {
	t.Helper()
	dir := os.Getenv("SURFSCOPE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
