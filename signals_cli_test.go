package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/atomicfile"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
}

// cliWithin is cli that fails the test instead of hanging.
func cliWithin(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := cli(args...)
		done <- result{code, out, errs}
	}()
	select {
	case r := <-done:
		return r.code, r.out, r.err
	case <-time.After(60 * time.Second):
		t.Fatalf("surfscope %s hangs", strings.Join(args, " "))
		return 0, "", ""
	}
}

// child is surfscope running in a process of its own (this test binary, see TestMain), with its
// stderr read line by line.
type child struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []string
	seen  chan string
	done  chan struct{}
}

// startChild starts surfscope with args (no spaces inside an argument) in its own process.
func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	return startChildEnv(t, []string{"SURFSCOPE_TEST_APP=" + strings.Join(args, " ")})
}

func startChildEnv(t *testing.T, env []string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: exec.Command(exe), seen: make(chan string, 1000), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), env...)
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.mu.Lock()
			c.lines = append(c.lines, sc.Text())
			c.mu.Unlock()
			select {
			case c.seen <- sc.Text():
			default:
			}
		}
		close(c.done)
	}()
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	return c
}

// waitFor waits until a line of the child's stderr contains s.
func (c *child) waitFor(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(120 * time.Second)
	for {
		select {
		case line := <-c.seen:
			if strings.Contains(line, s) {
				return
			}
		case <-c.done:
			t.Fatalf("the child ended before printing %q:\n%s", s, c.stderr())
		case <-timeout:
			t.Fatalf("no %q from the child:\n%s", s, c.stderr())
		}
	}
}

func (c *child) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// exit waits for the child to end and returns its exit status, failing the test after limit.
func (c *child) exit(t *testing.T, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { <-c.done; done <- c.cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		t.Fatalf("the child still runs %v later:\n%s", limit, c.stderr())
		return 0
	}
}

// Ctrl-C before the first epoch completes leaves an existing model untouched (it used to be
// replaced by the untrained net, "the last complete epoch was saved").
func TestTrainCtrlCBeforeTheFirstEpochKeepsTheModel(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "G.safetensors")
	mustRun(t, "train", "--limit", "100", "--hidden", "8", "--epochs", "1", "--allow-unfit", "--out", model)
	before, _ := os.ReadFile(model)
	c := startChild(t, "train", "--arch", "cnn", "--channels", "32,64", "--epochs", "3", "--out", model)
	c.waitFor(t, "training cnn")
	c.cmd.Process.Signal(os.Interrupt)
	if code := c.exit(t, 60*time.Second); code != 130 {
		t.Fatalf("exit %d, want 130:\n%s", code, c.stderr())
	}
	after, _ := os.ReadFile(model)
	if !bytes.Equal(before, after) {
		t.Error("the model was replaced")
	}
	if !strings.Contains(c.stderr(), "nothing was written ("+model+" is unchanged)") {
		t.Errorf("stderr:\n%s", c.stderr())
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files left: %v", left)
	}
}

// The first Ctrl-C cancels the command's context; when the work does not stop, a second one
// ends the process at once with status 130 and removes the temporary files being written. The
// child (TestMain, SURFSCOPE_TEST_STUCK) is a command stuck in work that ignores its context
// while a file is half written.
func TestSecondCtrlCQuitsAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "half.npy")
	c := startChildEnv(t, []string{"SURFSCOPE_TEST_STUCK=" + path})
	c.waitFor(t, "stuck")
	c.cmd.Process.Signal(os.Interrupt)
	c.waitFor(t, "cancelled")
	c.cmd.Process.Signal(os.Interrupt)
	if code := c.exit(t, 10*time.Second); code != 130 {
		t.Fatalf("exit %d, want 130:\n%s", code, c.stderr())
	}
	if left, _ := os.ReadDir(filepath.Dir(path)); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// stuckCommand is the child of TestSecondCtrlCQuitsAtOnce: it writes half a file and then never
// returns, whatever its context says.
func stuckCommand(path string) {
	ctx, stop := interruptible(os.Stderr)
	defer stop()
	atomicfile.Write(path, func(w io.Writer) error {
		w.Write([]byte("half"))
		w.(interface{ Flush() error }).Flush()
		os.Stderr.WriteString("stuck\n")
		<-ctx.Done()
		os.Stderr.WriteString("cancelled\n")
		time.Sleep(time.Hour)
		return nil
	})
}

// cancelOn is a command's stderr that cancels the command's context once mark has been written
// to it: a Ctrl-C at a chosen point of the work.
type cancelOn struct {
	mark   string
	cancel context.CancelFunc
	mu     sync.Mutex
	buf    bytes.Buffer
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.mark) {
		c.cancel()
	}
	return len(p), nil
}

// Long work that could not stop half-way ignored Ctrl-C and ran to the end (render drew and wrote
// its picture, ntk decomposed its kernel for minutes, analyze ran every summary): cancelled at
// those points, each command now returns context.Canceled and writes nothing.
func TestCancelDuringWorkThatIgnoredIt(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		mark string // cancel once stderr shows this
	}{
		{[]string{"render", "--grid", "16", "--width", "64", "--height", "48", "--samples", "1", "--out", out}, "(100%)"},
		{[]string{"analyze", "--grid", "16", "--inputgrad=false", "--regions=false", "--out", out}, "(100%)"},
		{[]string{"ntk", "--n", "60", "--trials", "0", "--init=false", "--test-n", "10", "--out", out}, "eigen: 0/1"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancelOn{mark: c.mark, cancel: cancel}
		var cmd command
		for _, k := range commands() {
			if k.name == c.args[0] {
				cmd = k
			}
		}
		err := cmd.run(ctx, c.args[1:], io.Discard, w)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled after %q: %v\n%s", c.args[0], c.mark, err, w.buf.String())
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s cancelled wrote %s", c.args[0], out)
			os.Remove(out)
		}
	}
}
