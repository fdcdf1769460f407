package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// Help ▸ About surfscope shows the build: version, commit, Go release, BLAS and the renderer in use.
func TestAboutShowsTheBuild(t *testing.T) {
	u := newTestUI(t)
	var about *fyne.MenuItem
	for _, m := range u.window.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "About surfscope" {
				about = it
			}
		}
	}
	if about == nil {
		t.Fatal("no Help ▸ About surfscope menu item")
	}
	about.Action()
	text := dialogText(u)
	for _, want := range []string{"surfscope " + buildinfo.Version(), "Go " + strings.TrimPrefix(buildinfo.GoVersion(), "go"),
		"BLAS: " + buildinfo.BLAS(), "Renderer: " + u.renderer.Name()} {
		if !strings.Contains(text, want) {
			t.Errorf("About dialog lacks %q: %s", want, text)
		}
	}
}
