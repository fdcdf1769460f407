package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/imagecmp"
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
// waits until a surface is drawn, trains a model from the keyboard and exports a PNG from every
// tab (exportEveryTab); SURFSCOPE_SCREENSHOTS=DIR keeps the screenshots and exports in DIR.
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
	home := t.TempDir() // fresh preferences; the export dialog starts here
	cmd := exec.Command(exe)
	// The data is the embedded sample's training images four times over, one copy mislabelled, so
	// that training runs all its epochs and lasts long enough to watch the live surface (liveData).
	cmd.Env = append(os.Environ(), "SURFSCOPE_TEST_APP=--probe data:0,1,2 --data "+liveData(t), "FYNE_SCALE=1", "HOME="+home, "XDG_CONFIG_HOME="+home)
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
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
	// the window title to name the trained model and the surface to come back. The model before
	// and the model after go into the comparison (Model ▸ Add to Comparison, Ctrl+Shift+A).
	if _, err := exec.LookPath("xdotool"); err != nil {
		t.Skip("xdotool is not installed (scripts/system-packages.sh install test): training from the keyboard not tried")
	}
	exec.Command("xdotool", "mousemove", "700", "400").Run()
	xdo(t, "key", "ctrl+shift+a")
	if out, err := exec.Command("xdotool", "key", "ctrl+t").CombinedOutput(); err != nil {
		t.Fatalf("xdotool: %v %s", err, out)
	}
	deadline := time.Now().Add(3 * time.Minute)
	trained := false
	live := &liveWatch{dir: dir}
	for !trained && time.Now().Before(deadline) {
		live.lookFor(time.Second)
		trained = exec.Command("xdotool", "search", "--name", "surfscope — trained on").Run() == nil
	}
	if !trained {
		_, raw, _ := screenshot.Root()
		os.WriteFile(filepath.Join(dir, "window-train-failed.png"), raw, 0o644)
		t.Fatalf("no window titled \"surfscope — trained on …\" within 3 minutes of Ctrl+T\n%s", logs.String())
	}
	live.check(t)
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
	xdo(t, "key", "ctrl+shift+a")
	exportEveryTab(t, dir)
}

// xdo runs xdotool with args, failing the test on an error.
func xdo(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// exportByKeyboard exports the current tab as a person would: Ctrl+E opens the export dialog with
// its File field focused, Ctrl+A and the path replace the name, Enter exports. Until the tab has
// something to export (an NTK or a landscape still computing) Ctrl+E shows an error instead, which
// Escape closes, and it tries again.
func exportByKeyboard(t *testing.T, path string, timeout time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); {
		xdo(t, "key", "ctrl+e")
		time.Sleep(1500 * time.Millisecond)
		xdo(t, "key", "ctrl+a")
		xdo(t, "type", "--delay", "5", path)
		xdo(t, "key", "Return")
		for wait := time.Now().Add(20 * time.Second); time.Now().Before(wait); time.Sleep(500 * time.Millisecond) {
			if st, err := os.Stat(path); err == nil && st.Size() > 0 {
				return
			}
		}
		xdo(t, "key", "Escape")
		time.Sleep(2 * time.Second)
	}
	_, raw, _ := screenshot.Root()
	os.WriteFile(path+".failed-screen.png", raw, 0o644)
	t.Fatalf("no %s within %v (screen in %s.failed-screen.png)", path, timeout, path)
}

// exportEveryTab drives the window of a trained model from the keyboard: on the Surface, Stats,
// Compare, Training, NTK and Landscape tabs (Alt+1 … Alt+7) it computes what the tab computes
// (Ctrl+Enter) and exports a PNG into dir (Ctrl+E, a path, Enter). Each PNG must show its tab's
// content and differ from the others.
func exportEveryTab(t *testing.T, dir string) {
	shots := map[string]image.Image{}
	for _, tab := range []struct {
		name, key string
		compute   bool
	}{{"surface", "alt+1", false}, {"stats", "alt+3", false}, {"compare", "alt+4", true}, {"training", "alt+5", false},
		{"ntk", "alt+6", true}, {"landscape", "alt+7", true}} {
		xdo(t, "key", tab.key)
		time.Sleep(time.Second)
		if tab.compute {
			xdo(t, "key", "ctrl+Return")
		}
		path := filepath.Join(dir, "export-"+tab.name+".png")
		os.Remove(path)
		exportByKeyboard(t, path, 3*time.Minute)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() != 1920 || b.Dy() != 1080 && tab.name != "compare" { // the panel: its width asked
			t.Errorf("%s: %v, want the dialog's default 1920x1080", path, b)
		}
		shots[tab.name] = img
	}
	checkTabExports(t, shots)
	t.Logf("exports of every tab in %s", dir)
}

// near reports whether c is within tol of the colour rgb in every channel.
func near(c color.Color, rgb [3]int, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(v uint32, w int) bool { x := int(v>>8) - w; return x <= tol && x >= -tol }
	return d(r, rgb[0]) && d(g, rgb[1]) && d(b, rgb[2])
}

// countColour counts the pixels of img within x0..x1 near rgb.
func countColour(img image.Image, rgb [3]int, x0, x1 float64) int {
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X + int(x0*float64(b.Dx())); x < b.Min.X+int(x1*float64(b.Dx())); x += 2 {
			if near(img.At(x, y), rgb, 30) {
				n++
			}
		}
	}
	return n
}

// inkRows counts the rows of the left two thirds of img holding some pixel far from the
// background colour of its corner: lines of text.
func inkRows(img image.Image) int {
	b := img.Bounds()
	br, bg, bb, _ := img.At(b.Min.X+1, b.Max.Y-2).RGBA()
	bgc := [3]int{int(br >> 8), int(bg >> 8), int(bb >> 8)}
	rows := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Min.X+2*b.Dx()/3; x++ {
			if !near(img.At(x, y), bgc, 100) {
				rows++
				break
			}
		}
	}
	return rows
}

// checkTabExports checks that each tab's PNG differs from every other and shows that tab's
// content: a coloured surface (Surface, Landscape; two and their difference on Compare), lines of text (Stats), the three training
// curves in their colours (Training), curves in both panels (NTK).
func checkTabExports(t *testing.T, shots map[string]image.Image) {
	t.Helper()
	for a, ia := range shots {
		for b, ib := range shots {
			if ia.Bounds() != ib.Bounds() { // pictures of other sizes differ
				continue
			}
			if mean, _ := imagecmp.Diff(ia, ib, 24); a < b && mean < 2 {
				t.Errorf("the %s and %s exports differ by %.2f per channel only", a, b, mean)
			}
		}
	}
	blue, orange, green := [3]int{0x1f, 0x77, 0xb4}, [3]int{0xff, 0x7f, 0x0e}, [3]int{0x2c, 0xa0, 0x2c}
	for _, name := range []string{"surface", "landscape", "compare"} {
		if c := screenshot.SurfaceColours(shots[name]); c <= screenshot.SurfaceDrawn {
			t.Errorf("the %s export has %d colours: no surface", name, c)
		}
	}
	if rows := inkRows(shots["stats"]); rows < 150 {
		t.Errorf("the stats export has %d rows of ink: no table of statistics", rows)
	}
	for _, c := range [][3]int{blue, orange, green} {
		if n := countColour(shots["training"], c, 0, 1); n < 100 {
			t.Errorf("the training export has %d pixels of curve colour %v", n, c)
		}
	}
	for _, half := range [][2]float64{{0, 0.5}, {0.5, 1}} {
		if n := countColour(shots["ntk"], blue, half[0], half[1]) + countColour(shots["ntk"], orange, half[0], half[1]); n < 100 {
			t.Errorf("the ntk export's panel at %v has %d pixels of curves", half, n)
		}
	}
}
