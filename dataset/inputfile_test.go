package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeIDXFolder writes a small IDX data set (both splits) into a new folder and returns it.
func writeIDXFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range idxFS(".", true) {
		if err := os.WriteFile(filepath.Join(dir, name), data.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// openWithin opens the test split of dir, failing the test instead of hanging when opening
// blocks.
func openWithin(t *testing.T, dir string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Open(dir, Test)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("opening %s hangs", dir)
		return nil
	}
}

// A data file that is a broken symbolic link, a link loop, a named pipe or a device is an error
// that names the file and says what it is, never "no test split", "empty file" or a hang.
func TestDataFilesThatAreNotRegular(t *testing.T) {
	const images = "t10k-images-idx3-ubyte.gz"
	cases := []struct {
		name  string
		setup func(dir string) error
		want  string
	}{
		{"dangling link", func(dir string) error { return os.Symlink("nowhere.gz", filepath.Join(dir, images)) },
			images + ": symbolic link to nowhere.gz, which does not exist"},
		{"link loop", func(dir string) error {
			os.Symlink("other.gz", filepath.Join(dir, images))
			return os.Symlink(images, filepath.Join(dir, "other.gz"))
		}, images + ": symbolic link loop (-> other.gz)"},
		{"named pipe", func(dir string) error { return syscall.Mkfifo(filepath.Join(dir, images), 0o644) },
			images + ": not a regular file but a named pipe"},
		{"device", func(dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, images)) },
			images + ": not a regular file but a device"},
	}
	for _, c := range cases {
		dir := writeIDXFolder(t)
		os.Remove(filepath.Join(dir, images))
		if err := c.setup(dir); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err := openWithin(t, dir)
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, c.want)) {
			t.Errorf("%s: %v; want %q", c.name, err, c.want)
		}
		if _, err := Describe(dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Describe: %v", c.name, err)
		}
	}
}

// CIFAR files and class-name files are checked the same way (a pipe has size 0: not "empty
// file").
func TestCIFARFilesThatAreNotRegular(t *testing.T) {
	dir := t.TempDir()
	for name, data := range cifar10FS(".") {
		os.WriteFile(filepath.Join(dir, name), data.Data, 0o644)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "test_batch.bin.fifo"), 0o644); err != nil {
		t.Skip("no named pipes:", err)
	}
	os.Remove(filepath.Join(dir, "test_batch.bin"))
	os.Rename(filepath.Join(dir, "test_batch.bin.fifo"), filepath.Join(dir, "test_batch.bin"))
	if err := openWithin(t, dir); err == nil || !strings.Contains(err.Error(), "test_batch.bin: not a regular file but a named pipe") {
		t.Errorf("a CIFAR batch that is a pipe: %v", err)
	}
	os.Remove(filepath.Join(dir, "test_batch.bin"))
	os.WriteFile(filepath.Join(dir, "test_batch.bin"), cifar10FS(".")["test_batch.bin"].Data, 0o644)
	syscall.Mkfifo(filepath.Join(dir, "batches.meta.txt"), 0o644)
	if err := openWithin(t, dir); err == nil || !strings.Contains(err.Error(), "batches.meta.txt: not a regular file but a named pipe") {
		t.Errorf("class names that are a pipe: %v", err)
	}
}
