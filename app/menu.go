package app

import (
	"fmt"
	"image/color"
	"runtime"
	"runtime/debug"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/surfscope/surfscope/internal/buildinfo"
	"github.com/surfscope/surfscope/render"
)

// Preference keys.
const (
	prefData      = "data"
	prefTheme     = "theme"
	prefColormap  = "colormap"  // the last sequential colormap chosen
	prefDiverging = "diverging" // the last diverging one
	prefRecent    = "recentModels"
	maxRecent     = 8
)

func (u *UI) mainMenu() *fyne.MainMenu {
	openModel := fyne.NewMenuItem("Open Model…", u.showOpenModel)
	openModel.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = fyne.NewMenu("", u.recentItems()...)
	exportPNG := fyne.NewMenuItem("Export PNG…", u.exportPNG)
	exportPNG.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault}
	exportNPY := fyne.NewMenuItem("Export Grid (NPY)…", u.exportNPY)
	exportCSV := fyne.NewMenuItem("Export Grid (CSV)…", u.exportCSV)
	exportVTS := fyne.NewMenuItem("Export Surface for ParaView (VTK)…", u.exportVTS)
	exportJSON := fyne.NewMenuItem("Export Statistics (JSON)…", u.exportStats)
	copyCmd := fyne.NewMenuItem("Copy Command Line", u.copyCommand)
	copyCmd.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	file := fyne.NewMenu("File", openModel, recent,
		fyne.NewMenuItem("Open Data Folder…", u.showOpenDataFolder),
		fyne.NewMenuItemSeparator(), exportPNG, exportNPY, exportCSV, exportVTS, exportJSON, copyCmd)
	reset := fyne.NewMenuItem("Reset Camera", func() { u.surface.SetCamera(render.Camera{}) })
	reset.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	resample := fyne.NewMenuItem("Sample Again", u.resample)
	resample.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	view := fyne.NewMenu("View", reset, resample, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Light Theme", func() { u.setTheme("light") }),
		fyne.NewMenuItem("Dark Theme", func() { u.setTheme("dark") }))
	train := fyne.NewMenuItem("Train", func() {
		if !u.model.trainBtn.Disabled() {
			u.train()
		}
	})
	train.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}
	cancel := fyne.NewMenuItem("Cancel Training", u.model.train.Cancel)
	cancel.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPeriod, Modifier: fyne.KeyModifierShortcutDefault}
	model := fyne.NewMenu("Model", train, cancel)
	metrics := fyne.NewMenuItem("Metrics…", u.showMetricsHelp)
	help := fyne.NewMenu("Help", metrics, fyne.NewMenuItem("This Metric…", u.showCurrentMetricHelp),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem("About surfscope", u.showAbout))
	for _, item := range []*fyne.MenuItem{openModel, exportPNG, copyCmd, reset, resample, train, cancel} {
		if sc, ok := item.Shortcut.(*desktop.CustomShortcut); ok {
			action := item.Action
			u.window.Canvas().AddShortcut(sc, func(fyne.Shortcut) { action() })
		}
	}
	return fyne.NewMainMenu(file, model, view, help)
}

// recentModels returns the remembered model files, newest first.
func (u *UI) recentModels() []string {
	return u.app.Preferences().StringListWithFallback(prefRecent, nil)
}

// rememberModel puts path first in the recent models of the preferences and the menu.
func (u *UI) rememberModel(path string) {
	list := []string{path}
	for _, p := range u.recentModels() {
		if p != path && len(list) < maxRecent {
			list = append(list, p)
		}
	}
	u.app.Preferences().SetStringList(prefRecent, list)
	u.window.SetMainMenu(u.mainMenu())
}

func (u *UI) recentItems() []*fyne.MenuItem {
	var items []*fyne.MenuItem
	for _, p := range u.recentModels() {
		items = append(items, fyne.NewMenuItem(p, func() { u.openModel(p) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("(none)", nil)
		none.Disabled = true
		items = append(items, none)
	}
	return items
}

func (u *UI) setTheme(name string) {
	u.app.Preferences().SetString(prefTheme, name)
	applyTheme(u.app, name)
}

// applyTheme switches between the light and dark variants of Fyne's theme.
func applyTheme(a fyne.App, name string) {
	v := theme.VariantDark
	if name == "light" {
		v = theme.VariantLight
	}
	a.Settings().SetTheme(&variantTheme{Theme: theme.DefaultTheme(), variant: v})
}

// variantTheme is the default theme held to one variant.
type variantTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
}

func (t *variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

func (u *UI) showAbout() {
	commit := buildinfo.Commit()
	if commit == "" {
		commit = "unknown"
	}
	versions := []string{"Go " + strings.TrimPrefix(buildinfo.GoVersion(), "go") + " " + runtime.GOOS + "/" + runtime.GOARCH,
		"BLAS: " + buildinfo.BLAS()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			switch d.Path {
			case "fyne.io/fyne/v2", "gonum.org/v1/gonum", "gorgonia.org/gorgonia", "github.com/go-gl/gl":
				versions = append(versions, d.Path+" "+d.Version)
			}
		}
	}
	dialog.ShowInformation("About surfscope", fmt.Sprintf(
		"surfscope %s\ncommit %s\n\nWhat does a network that fits its training set perfectly learn?\n"+
			"Samples a network on planes and lines through input space and draws the surfaces.\n\n"+
			"Renderer: %s\n%s", buildinfo.Version(), commit, u.renderer.Name(), strings.Join(versions, "\n")), u.window)
}
