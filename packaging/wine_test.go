package packaging

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/imagecmp"
	"github.com/surfscope/surfscope/internal/screenshot"
	"github.com/surfscope/surfscope/surface"
)

// windowsSystemDLLs are the DLLs every Windows 10 or 11 has; surfscope.exe may import no other,
// since the zip ships none.
var windowsSystemDLLs = map[string]bool{"kernel32.dll": true, "user32.dll": true, "gdi32.dll": true,
	"shell32.dll": true, "opengl32.dll": true, "msvcrt.dll": true, "advapi32.dll": true, "ole32.dll": true,
	"winmm.dll": true, "ws2_32.dll": true, "dwmapi.dll": true, "imm32.dll": true, "comdlg32.dll": true}

var zipDir onceDir

// windowsDir unpacks the zip (once) and returns its top folder, surfscope-VERSION-windows-amd64.
func windowsDir(t *testing.T, p packageFiles) string {
	t.Helper()
	return zipDir.get(t, func() (string, error) {
		dest, err := unzip(p.zip, filepath.Join(scratch, "zip"))
		return filepath.Join(dest, strings.TrimSuffix(filepath.Base(p.zip), ".zip")), err
	})
}

// unzip extracts a zip into dest and returns dest.
func unzip(path, dest string) (string, error) {
	r, err := zip.OpenReader(path)
	if err != nil {
		return "", err
	}
	defer r.Close()
	for _, f := range r.File {
		target := filepath.Join(dest, filepath.FromSlash(f.Name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return "", err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", err
		}
		src, err := f.Open()
		if err != nil {
			return "", err
		}
		dst, err := os.Create(target)
		if err == nil {
			_, err = io.Copy(dst, src)
			if cerr := dst.Close(); err == nil {
				err = cerr
			}
		}
		src.Close()
		if err != nil {
			return "", err
		}
	}
	return dest, nil
}

// The zip holds surfscope.exe, which imports only DLLs that Windows itself has and carries the
// icon, manifest and version resources.
func TestWindowsZip(t *testing.T) {
	p := packages(t)
	exe := filepath.Join(windowsDir(t, p), "surfscope.exe")
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("the zip lacks surfscope.exe: %v", err)
	}
	dump := command(t, time.Minute, nil, "x86_64-w64-mingw32-objdump", "-p", exe)
	for _, line := range strings.Split(dump, "\n") {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "DLL Name: "); ok && !windowsSystemDLLs[strings.ToLower(name)] {
			t.Errorf("surfscope.exe imports %s, which Windows does not have and the zip does not ship", name)
		}
	}
	headers := command(t, time.Minute, nil, "x86_64-w64-mingw32-objdump", "-h", exe)
	if !strings.Contains(headers, ".rsrc") {
		t.Fatal("surfscope.exe has no resources (icon, manifest, version)")
	}
	// The version resource holds the version as UTF-16 text, the manifest our application id.
	b := mustRead(t, exe)
	var utf16 []byte
	for _, r := range "ProductVersion\x00" + p.version {
		utf16 = append(utf16, byte(r), 0)
	}
	if !bytes.Contains(b, utf16) {
		t.Errorf("surfscope.exe's version resource does not say %s", p.version)
	}
	if !bytes.Contains(b, []byte(`name="io.github.surfscope"`)) {
		t.Error("surfscope.exe carries no manifest naming io.github.surfscope")
	}
}

// wine is the throwaway Wine prefix the Windows tests share.
var wine = struct {
	sync.Once
	env []string
	err error
}{}

// wineEnv creates the prefix once (its first start is the slow part) and returns the environment
// that runs wine in it. Wine older than 8.13 (Debian 12 has 8.0) lacks bcryptprimitives.dll, whose
// ProcessPrng Go's runtime needs on Windows 10 and later: the prefix gets a stand-in built from
// windows/wine/bcryptprimitives.c (never shipped in the zip).
func wineEnv(t *testing.T) []string {
	t.Helper()
	if _, err := exec.LookPath("wine"); err != nil {
		t.Fatal("wine is not installed (scripts/system-packages.sh install package)")
	}
	wine.Do(func() {
		prefix := filepath.Join(scratch, "wineprefix")
		// No debug output; no Mono or Gecko installers (they would ask for a network).
		env := []string{"WINEPREFIX=" + prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=mscoree=;mshtml=", "WINEARCH=win64"}
		start := time.Now()
		if _, errs, err := tryCommand(3*time.Minute, env, "wine", "wineboot", "--init"); err != nil {
			wine.err = fmt.Errorf("wineboot --init: %v\n%s", err, errs)
			return
		}
		if _, errs, err := tryCommand(3*time.Minute, env, "wineserver", "--wait"); err != nil {
			wine.err = fmt.Errorf("wineserver --wait: %v\n%s", err, errs)
			return
		}
		t.Logf("new Wine prefix ready in %.1f s", time.Since(start).Seconds())
		dll := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
		if _, err := os.Stat(dll); err != nil {
			out, errs, err := tryCommand(time.Minute, nil, "x86_64-w64-mingw32-gcc", "-O2", "-shared", "-o", dll,
				filepath.Join("windows", "wine", "bcryptprimitives.c"), "-ladvapi32")
			if err != nil {
				wine.err = fmt.Errorf("building the bcryptprimitives.dll stand-in: %v\n%s%s", err, out, errs)
				return
			}
			t.Log("this Wine lacks bcryptprimitives.dll: the prefix has the stand-in")
		}
		wine.env = env
	})
	if wine.err != nil {
		t.Fatal(wine.err)
	}
	return wine.env
}

// stopWine ends the prefix's wineserver and with it every program still running there.
func stopWine() {
	if wine.env != nil {
		tryCommand(time.Minute, wine.env, "wineserver", "--kill")
	}
}

// Under wine the Windows build answers the commands as the Linux build does: the same dataset
// description, logits equal within float32 rounding (pure-Go BLAS against OpenBLAS), and a
// picture equal to the Linux CPU renderer's within the golden tolerance.
func TestWineCommands(t *testing.T) {
	p := packages(t)
	exe := filepath.Join(windowsDir(t, p), "surfscope.exe")
	linux := filepath.Join(linuxDir(t, p), "bin", "surfscope")
	env := wineEnv(t)
	dir := t.TempDir()

	out := command(t, 2*time.Minute, env, "wine", exe, "version")
	for _, want := range []string{"surfscope " + p.version + "\n", "windows/amd64", "blas      gonum\n", "renderer  cpu"} {
		if !strings.Contains(out, want) {
			t.Errorf("surfscope.exe version lacks %q:\n%s", want, out)
		}
	}
	t.Logf("surfscope.exe version:\n%s", out)

	winData := command(t, 2*time.Minute, env, "wine", exe, "data", "--data", "sample")
	if linData := command(t, time.Minute, nil, linux, "data", "--data", "sample"); winData != linData {
		t.Errorf("surfscope.exe data --data sample:\n%s\nLinux:\n%s", winData, linData)
	}

	compareLogits(t, env, exe, linux, dir)

	winPNG, linPNG := filepath.Join(dir, "windows.png"), filepath.Join(dir, "linux.png")
	out = command(t, 3*time.Minute, env, "wine", exe, "render", "--out", winPNG)
	if !strings.Contains(out, "drawn by cpu") {
		t.Errorf("surfscope.exe render: %s", out)
	}
	command(t, 3*time.Minute, []string{"SURFSCOPE_RENDER=cpu"}, linux, "render", "--out", linPNG)
	if err := imagecmp.Golden.Check(readPNG(t, winPNG), readPNG(t, linPNG)); err != nil {
		keepScreenshot(t, "wine-render.png", mustRead(t, winPNG))
		t.Errorf("surfscope.exe render against the Linux CPU renderer: %v", err)
	}
}

// compareLogits samples the same data plane with both builds and compares every logit.
func compareLogits(t *testing.T, env []string, exe, linux, dir string) {
	t.Helper()
	winNPY, linNPY := filepath.Join(dir, "windows.npy"), filepath.Join(dir, "linux.npy")
	args := []string{"sample", "--probe", "data:3,7,11", "--grid", "48"}
	command(t, 2*time.Minute, env, "wine", append([]string{exe}, append(args, "--out", winNPY)...)...)
	command(t, time.Minute, nil, linux, append(args, "--out", linNPY)...)
	ws, wv, err := surface.ReadNPY(winNPY)
	if err != nil {
		t.Fatal(err)
	}
	ls, lv, err := surface.ReadNPY(linNPY)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != len(ls) || len(wv) != len(lv) || len(wv) != 48*48*10 {
		t.Fatalf("shapes %v (Windows) and %v (Linux), want [48 48 10]", ws, ls)
	}
	worst := 0.0
	for i := range wv {
		d := float64(wv[i]-lv[i]) / (1 + max(float64(lv[i]), -float64(lv[i])))
		worst = max(worst, d, -d)
	}
	if worst > 1e-5 {
		t.Errorf("logits differ by up to %.2g·(1+|logit|) between the Windows and Linux builds", worst)
	}
	t.Logf("%d logits: the Windows build (gonum) and the Linux build (OpenBLAS) differ by at most %.2g·(1+|logit|)", len(wv), worst)
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The app's window opens under wine on the X display (make package-test runs under Xvfb) and
// shows a surface: Fyne's window is OpenGL through wine's opengl32, which Mesa serves over GLX.
func TestWineWindow(t *testing.T) {
	p := packages(t)
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make package-test does)")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Skip("ImageMagick's import is not installed (scripts/system-packages.sh install test)")
	}
	exe := filepath.Join(windowsDir(t, p), "surfscope.exe")
	cmd := exec.Command("wine", exe, "--probe", "data:0,1,2")
	cmd.Env = append(append(os.Environ(), wineEnv(t)...), "FYNE_SCALE=1")
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		tryCommand(time.Minute, wine.env, "wineserver", "--kill")
		cmd.Wait()
	}()
	start := time.Now()
	colours, raw := screenshot.WaitForSurface(90 * time.Second)
	path := keepScreenshot(t, "wine-window.png", raw)
	if colours <= screenshot.SurfaceDrawn {
		t.Fatalf("after 90 s the wine window shows %d colours where the surface should be (screenshot %s)\n%s", colours, path, logs.String())
	}
	if out, err := exec.Command("xdotool", "search", "--name", "^surfscope").Output(); err == nil {
		t.Logf("X windows named surfscope: %s", strings.Join(strings.Fields(string(out)), " "))
	}
	t.Logf("surface drawn with %d colours %.0f s after start; screenshot %s", colours, time.Since(start).Seconds(), path)
}
