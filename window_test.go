package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/screenshot"
)

// TestMain lets tests run this test binary as surfscope itself: with SURFSCOPE_TEST_APP set, the
// binary is surfscope, its arguments taken from that variable (the window test, the tests of
// signals); with SURFSCOPE_TEST_CLI set, it is surfscope with its own arguments (the Slurm jobs);
// with SURFSCOPE_TEST_STUCK it is a command stuck in work (TestSecondCtrlCQuitsAtOnce).
func TestMain(m *testing.M) {
	if _, ok := os.LookupEnv("SURFSCOPE_TEST_CLI"); ok {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if args, ok := os.LookupEnv("SURFSCOPE_TEST_APP"); ok {
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	if path, ok := os.LookupEnv("SURFSCOPE_TEST_STUCK"); ok {
		stuckCommand(path)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestWindowShowsSurface opens the real app window on the X display (make test runs under Xvfb),
// waits until a surface is drawn and keeps the screenshot: SURFSCOPE_SCREENSHOTS=DIR keeps it in DIR.
func TestWindowShowsSurface(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Skip("ImageMagick's import is not installed (scripts/system-packages.sh install test)")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "SURFSCOPE_TEST_APP=--probe data:0,1,2", "FYNE_SCALE=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	colours, shot := screenshot.WaitForSurface(90 * time.Second)
	dir := os.Getenv("SURFSCOPE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, "window.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if colours <= screenshot.SurfaceDrawn {
		t.Fatalf("after 90 s the window shows %d colours where the surface should be (screenshot %s)\n%s", colours, path, logs.String())
	}
	t.Logf("surface drawn with %d colours; screenshot %s", colours, path)

	// Train a new model from the keyboard (Model ▸ Train, Ctrl+T) as a person would, and wait for
	// the window title to name the trained model and the surface to come back.
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool is not installed (scripts/system-packages.sh install test): training from the keyboard not tried")
	}
	exec.Command("xdotool", "mousemove", "700", "400").Run()
	if out, err := exec.Command("xdotool", "key", "ctrl+t").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	deadline := time.Now().Add(3 * time.Minute)
	trained := false
	for !trained && time.Now().Before(deadline) {
		time.Sleep(time.Second)
		trained = exec.Command("xdotool", "search", "--name", "surfscope — trained on").Run() == nil
	}
	if !trained {
		_, raw, _ := screenshot.Root()
		os.WriteFile(filepath.Join(dir, "window-train-failed.png"), raw, 0o644)
		t.Fatalf("no window titled \"surfscope — trained on …\" within 3 minutes of Ctrl+T\n%s", logs.String())
	}
	time.Sleep(3 * time.Second) // the resample after training
	img, raw, err := screenshot.Root()
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "window-trained.png")
	os.WriteFile(path, raw, 0o644)
	if c := screenshot.SurfaceColours(img); c <= screenshot.SurfaceDrawn {
		t.Fatalf("after training the window shows %d colours (screenshot %s)", c, path)
	}
	t.Logf("trained from the keyboard; screenshot %s", path)
}
