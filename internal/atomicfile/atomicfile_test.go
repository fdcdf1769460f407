package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func write(path, content string) error {
	return Write(path, func(w io.Writer) error { _, err := io.WriteString(w, content); return err })
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := write(path, content); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// names lists a folder's entries.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.bin")
	mustWrite(t, path, "first")
	boom := errors.New("boom")
	if err := Write(path, func(w io.Writer) error { w.Write([]byte("half")); return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got := readFile(t, path); got != "first" {
		t.Fatalf("file = %q; want the first content", got)
	}
	if left := names(t, dir); len(left) != 1 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestWriteMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "x")
	for name, err := range map[string]error{"Write": write(path, ""), "Check": Check(path)} {
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v; want an error naming %s", name, err, path)
		}
	}
	if err := Check(path); err == nil || !strings.Contains(err.Error(), "folder "+filepath.Dir(path)+" does not exist") {
		t.Errorf("Check: %v; want the missing folder named", err)
	}
}

func TestWriteKeepsPermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, path, "new")
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 || readFile(t, path) != "new" {
		t.Fatalf("mode %v content %q; want 0600 and the new content", fi.Mode(), readFile(t, path))
	}
	fresh := filepath.Join(filepath.Dir(path), "fresh")
	mustWrite(t, fresh, "x")
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Fatalf("a new file has mode %v, want 0644", fi.Mode())
	}
}

func TestWriteDirectory(t *testing.T) {
	dir := t.TempDir()
	for name, err := range map[string]error{"Write": write(dir, "x"), "Check": Check(dir)} {
		if err == nil || err.Error() != dir+": is a directory" {
			t.Errorf("%s: %v; want %q", name, err, dir+": is a directory")
		}
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatal("the directory is gone")
	}
}

// A symbolic link is followed: the link stays and its target gets the content, also through a
// chain of relative links across folders and when the target does not exist yet.
func TestWriteFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	target := filepath.Join(dir, "real", "data.npy")
	mustWrite(t, target, "old")
	link := filepath.Join(dir, "link.npy")
	os.Symlink("real/data.npy", link)
	chain := filepath.Join(dir, "real", "chain.npy")
	os.Symlink("../link.npy", chain)
	mustWrite(t, chain, "new")
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Lstat(chain); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the chained link was replaced: %v %v", fi.Mode(), err)
	}
	if got := readFile(t, target); got != "new" {
		t.Fatalf("target holds %q", got)
	}

	dangling := filepath.Join(dir, "dangling.npy")
	os.Symlink("real/later.npy", dangling)
	if err := Check(dangling); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, dangling, "made")
	if fi, err := os.Lstat(dangling); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the dangling link was replaced")
	}
	if got := readFile(t, filepath.Join(dir, "real", "later.npy")); got != "made" {
		t.Fatalf("the link's target holds %q", got)
	}
	if left := names(t, filepath.Join(dir, "real")); len(left) != 3 {
		t.Fatalf("files in real/: %v", left)
	}
}

func TestWriteSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink("b", a)
	os.Symlink("a", b)
	for name, err := range map[string]error{"Write": write(a, "x"), "Check": Check(a)} {
		if !errors.Is(err, syscall.ELOOP) || !strings.HasPrefix(err.Error(), a+": ") {
			t.Errorf("%s: %v; want ELOOP naming %s", name, err, a)
		}
	}
}

// A named pipe is written in place, also through a symbolic link (as /dev/stdout is, when the
// output is piped): the reader gets the bytes and the pipe and the link stay.
func TestWriteFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	link := filepath.Join(filepath.Dir(fifo), "stdout")
	os.Symlink("out.fifo", link)
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	if err := Check(fifo); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, link, "through the pipe")
	select {
	case s := <-got:
		if s != "through the pipe" {
			t.Fatalf("reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reader got nothing")
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v", fi.Mode())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", fi.Mode())
	}
}

// Devices are written in place. The test makes its own nodes with the numbers of /dev/null (1,3)
// and /dev/full (1,7), which needs root (as in CI), so that a broken writer replaces a node of the
// test's folder rather than the machine's /dev/null.
func TestWriteDevices(t *testing.T) {
	dir := t.TempDir()
	null, full := filepath.Join(dir, "null"), filepath.Join(dir, "full")
	if err := syscall.Mknod(null, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skip("cannot make device nodes (needs root):", err)
	}
	if err := syscall.Mknod(full, syscall.S_IFCHR|0o666, 1<<8|7); err != nil {
		t.Fatal(err)
	}
	if err := write(null, strings.Repeat("x", 3<<20)); err != nil {
		t.Fatalf("writing the null device: %v", err)
	}
	err := write(full, "anything")
	if !errors.Is(err, syscall.ENOSPC) || !strings.HasPrefix(err.Error(), full+": ") {
		t.Fatalf("writing the full device: %v; want ENOSPC naming %s", err, full)
	}
	for _, p := range []string{null, full} {
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
			t.Fatalf("%s was replaced: %v", p, fi.Mode())
		}
	}
	if left := names(t, dir); len(left) != 2 {
		t.Fatalf("files left: %v", left)
	}
}

func TestCheckUnwritableFolder(t *testing.T) {
	err := Check("/proc/surfscope-check.npy")
	if err == nil || !strings.Contains(err.Error(), "/proc/surfscope-check.npy: cannot create a file in /proc") {
		t.Fatalf("Check in /proc: %v", err)
	}
	dir := t.TempDir()
	if err := Check(filepath.Join(dir, "ok.npy")); err != nil {
		t.Fatal(err)
	}
	if left := names(t, dir); len(left) != 0 {
		t.Fatalf("Check left %v", left)
	}
}

func TestRemovePending(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "slow.npy")
	inside, release := make(chan bool), make(chan bool)
	done := make(chan error)
	go func() {
		done <- Write(path, func(w io.Writer) error {
			io.WriteString(w, "partial")
			inside <- true
			<-release
			return nil
		})
	}()
	<-inside
	if left := names(t, dir); len(left) != 1 || !isTemp("slow.npy", left[0]) {
		t.Fatalf("while writing: %v", left)
	}
	RemovePending()
	if left := names(t, dir); len(left) != 0 {
		t.Fatalf("after RemovePending: %v", left)
	}
	close(release)
	if err := <-done; err == nil {
		t.Fatal("the interrupted write reported success")
	}
	if left := names(t, dir); len(left) != 0 {
		t.Fatalf("files left: %v", left)
	}
}
