package inputfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	os.WriteFile(p("data.bin"), []byte("bytes"), 0o644)
	os.Symlink("data.bin", p("link.bin"))
	os.Symlink("missing.bin", p("dangling.bin"))
	os.Symlink("loop2.bin", p("loop1.bin"))
	os.Symlink("loop1.bin", p("loop2.bin"))
	os.Mkdir(p("folder"), 0o755)
	if err := syscall.Mkfifo(p("pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"data.bin", "link.bin"} {
		f, err := Open(p(name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != "bytes" {
			t.Errorf("%s: read %q", name, b)
		}
	}
	cases := []struct {
		path string
		want string
		is   error
	}{
		{p("missing.bin"), p("missing.bin") + ": no such file or directory", fs.ErrNotExist},
		{p("dangling.bin"), p("dangling.bin") + ": symbolic link to missing.bin, which does not exist", fs.ErrNotExist},
		{p("loop1.bin"), p("loop1.bin") + ": symbolic link loop (-> loop2.bin)", syscall.ELOOP},
		{p("folder"), p("folder") + ": not a regular file but a folder", nil},
		{p("pipe"), p("pipe") + ": not a regular file but a named pipe", nil},
		{"/dev/null", "/dev/null: not a regular file but a device", nil},
	}
	for _, c := range cases {
		done := make(chan error, 1)
		go func() {
			f, err := Open(c.path)
			if f != nil {
				f.Close()
			}
			done <- err
		}()
		var err error
		select {
		case err = <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Open(%s) hangs", c.path)
		}
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("Open(%s): %v; want %q", c.path, err, c.want)
		}
	}
	if _, err := CheckFS(os.DirFS(dir), "dangling.bin", "d/dangling.bin"); err == nil || err.Error() != "d/dangling.bin: symbolic link to missing.bin, which does not exist" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("CheckFS: %v", err)
	}
}

func TestReadAllStopsAtTheLimit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	if err := os.WriteFile(path, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadAll(path, 10); err != nil || string(b) != "0123456789" {
		t.Errorf("ReadAll at the limit = %q, %v; want the file", b, err)
	}
	if _, err := ReadAll(path, 9); err == nil || !strings.Contains(err.Error(), path+": larger than 9 bytes") {
		t.Errorf("ReadAll over the limit: %v; want an error naming the file and the limit", err)
	}
	if _, err := ReadAll(filepath.Join(dir, "missing"), 9); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadAll of a missing file: %v; want fs.ErrNotExist", err)
	}
}
