package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

// Help ▸ About surfscope shows the build: version, commit, Go release, BLAS and the renderer in use.
func TestAboutShowsTheBuild(t *testing.T) {
	u := newTestUI(t)
	var about *fyne.MenuItem
	for _, m := range u.Window.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == "About surfscope" {
				about = it
			}
		}
	}
	if about == nil {
		t.Fatal("no Help ▸ About surfscope menu item")
	}
	uiMu.Lock()
	about.Action()
	uiMu.Unlock()
	top := u.Window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("About opened no dialog")
	}
	var text strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			text.WriteString(l.Text + "\n")
		}
	}
	for _, want := range []string{"surfscope " + buildinfo.Version(), "Go " + strings.TrimPrefix(buildinfo.GoVersion(), "go"),
		"BLAS: " + buildinfo.BLAS(), "Renderer: " + u.renderer.Name()} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("About dialog lacks %q:\n%s", want, text.String())
		}
	}
}
