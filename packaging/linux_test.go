package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/screenshot"
)

const (
	appID       = "io.github.surfscope"
	desktopPath = "share/applications/" + appID + ".desktop"
	iconPath    = "share/icons/hicolor/512x512/apps/" + appID + ".png"
)

// validateDesktop runs desktop-file-validate on a desktop entry when the tool is installed.
func validateDesktop(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("desktop-file-validate"); err != nil {
		t.Log("desktop-file-validate is not installed (scripts/system-packages.sh install package): entry not validated")
		return
	}
	if out, err := exec.Command("desktop-file-validate", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
	}
}

// checkIcon checks that path is the 512x512 icon.
func checkIcon(t *testing.T, path string) {
	t.Helper()
	if s := readPNG(t, path).Bounds().Size(); s.X != 512 || s.Y != 512 {
		t.Errorf("%s is %v, want 512x512", path, s)
	}
}

// The tarball holds the binary, desktop entry and icon; the binary runs from the unpacked folder
// and says the version it was packaged as; `make install PREFIX=…` puts everything in place with
// the entry pointing at the installed binary, and `make uninstall` takes it away again.
func TestTarball(t *testing.T) {
	p := packages(t)
	dir := linuxDir(t, p)
	exe := filepath.Join(dir, "bin", "surfscope")
	if fi, err := os.Stat(exe); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("bin/surfscope: %v, mode %v; want an executable", err, fi.Mode())
	}
	for _, f := range []string{"Makefile", desktopPath, iconPath, "share/doc/surfscope/README.md", "share/doc/surfscope/copyright"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the tarball lacks %s", f)
		}
	}
	validateDesktop(t, filepath.Join(dir, desktopPath))
	checkIcon(t, filepath.Join(dir, iconPath))

	if got := command(t, time.Minute, nil, exe, "version", "--short"); got != p.version+"\n" {
		t.Errorf("surfscope version --short = %q, want %q", got, p.version)
	}
	if out := command(t, time.Minute, nil, exe, "version"); !strings.Contains(out, "blas      openblas\n") {
		t.Errorf("the Linux package does not use OpenBLAS:\n%s", out)
	}

	prefix := filepath.Join(t.TempDir(), "prefix")
	command(t, time.Minute, nil, "make", "-C", dir, "install", "PREFIX="+prefix)
	installed := filepath.Join(prefix, "bin", "surfscope")
	if got := command(t, time.Minute, nil, installed, "version", "--short"); got != p.version+"\n" {
		t.Errorf("installed surfscope version --short = %q", got)
	}
	entry, err := os.ReadFile(filepath.Join(prefix, desktopPath))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(entry), "\nExec="+installed+"\n") {
		t.Errorf("installed desktop entry does not run %s:\n%s", installed, entry)
	}
	validateDesktop(t, filepath.Join(prefix, desktopPath))
	checkIcon(t, filepath.Join(prefix, iconPath))
	command(t, time.Minute, nil, "make", "-C", dir, "uninstall", "PREFIX="+prefix)
	for _, f := range []string{"bin/surfscope", desktopPath, iconPath} {
		if _, err := os.Stat(filepath.Join(prefix, f)); err == nil {
			t.Errorf("make uninstall left %s", f)
		}
	}
}

// debField reads one control field of a .deb.
func debField(t *testing.T, deb, field string) string {
	t.Helper()
	return strings.TrimSpace(command(t, time.Minute, nil, "dpkg-deb", "-f", deb, field))
}

// The .deb says what it depends on (the libraries the binary links and the X extensions GLFW
// opens), holds the binary, entry, icon and copyright, and, installed with dpkg as root, gives a
// surfscope on the PATH that reads the embedded data and renders a picture; dpkg -r removes it.
func TestDebInstall(t *testing.T) {
	p := packages(t)
	if got, want := filepath.Base(p.deb), "surfscope_"+debField(t, p.deb, "Version")+"_amd64.deb"; got != want {
		t.Errorf("the .deb is named %s, its control file says %s", got, want)
	}
	if a := debField(t, p.deb, "Architecture"); a != "amd64" {
		t.Errorf("Architecture: %s", a)
	}
	depends := debField(t, p.deb, "Depends")
	for _, pkg := range []string{"libc6", "libopenblas0", "libgl1", "libegl1", "libx11-6", "libxcursor1", "libxrandr2", "libxinerama1", "libxi6"} {
		if !strings.Contains(depends, pkg) {
			t.Errorf("Depends lacks %s: %s", pkg, depends)
		}
	}
	if r := debField(t, p.deb, "Recommends"); !strings.Contains(r, "libegl-mesa0") || !strings.Contains(r, "libgl1-mesa-dri") {
		t.Errorf("Recommends lacks Mesa's EGL and drivers: %s", r)
	}
	root := t.TempDir()
	command(t, time.Minute, nil, "dpkg-deb", "-x", p.deb, root)
	for _, f := range []string{"usr/bin/surfscope", "usr/" + desktopPath, "usr/" + iconPath, "usr/share/doc/surfscope/copyright"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the .deb lacks /%s", f)
		}
	}
	validateDesktop(t, filepath.Join(root, "usr", desktopPath))

	if os.Geteuid() != 0 {
		t.Skip("not root: the .deb is not installed into this system (CI runs as root in a throwaway container)")
	}
	if _, _, err := tryCommand(time.Minute, nil, "dpkg-query", "-W", "surfscope"); err == nil {
		t.Skip("a surfscope package is already installed here; the test does not replace it")
	}
	if _, err := os.Stat("/usr/bin/surfscope"); err == nil {
		t.Skip("/usr/bin/surfscope exists outside any package; the test does not overwrite it")
	}
	dpkg(t, "-i", p.deb)
	removed := false
	t.Cleanup(func() {
		if !removed {
			dpkg(t, "-r", "surfscope")
		}
	})
	checkInstalled(t, p)
	dpkg(t, "-r", "surfscope")
	removed = true
	for _, f := range []string{"/usr/bin/surfscope", "/usr/" + desktopPath, "/usr/" + iconPath} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("dpkg -r left %s", f)
		}
	}
}

// checkInstalled runs the installed surfscope as a user would, from the PATH.
func checkInstalled(t *testing.T, p packageFiles) {
	t.Helper()
	exe, err := exec.LookPath("surfscope")
	if err != nil || exe != "/usr/bin/surfscope" {
		t.Fatalf("after dpkg -i, surfscope on the PATH is %q (%v), want /usr/bin/surfscope", exe, err)
	}
	if got := command(t, time.Minute, nil, exe, "version", "--short"); got != p.version+"\n" {
		t.Errorf("installed surfscope version --short = %q, want %q", got, p.version)
	}
	if out := command(t, time.Minute, nil, exe, "data", "--data", "sample"); !strings.Contains(out, "4000 images") {
		t.Errorf("installed surfscope data --data sample:\n%s", out)
	}
	png := filepath.Join(t.TempDir(), "installed.png")
	out := command(t, 2*time.Minute, nil, exe, "render", "--width", "480", "--height", "300", "--out", png)
	t.Logf("installed surfscope render: %s", strings.TrimSpace(out))
	img := readPNG(t, png)
	if s := img.Bounds().Size(); s.X != 480 || s.Y != 300 {
		t.Errorf("rendered %v, want 480x300", s)
	}
	if c := screenshot.SurfaceColours(img); c <= screenshot.SurfaceDrawn {
		t.Errorf("the installed binary's picture has %d colours where the surface is: no surface", c)
	}
	for _, f := range []string{"/usr/" + desktopPath, "/usr/" + iconPath} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("dpkg -i did not install %s", f)
		}
	}
}

// dpkg runs dpkg as root, waiting up to two minutes for another apt or dpkg run to finish.
func dpkg(t *testing.T, args ...string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, errs, err := tryCommand(5*time.Minute, nil, "dpkg", args...)
		if err == nil {
			return
		}
		if !strings.Contains(errs, "lock") || time.Now().After(deadline) {
			t.Fatalf("dpkg %s: %v\n%s%s", strings.Join(args, " "), err, out, errs)
		}
		time.Sleep(3 * time.Second)
	}
}
