package app

import (
	"fmt"
	"image/color"
	"runtime"
	"runtime/debug"
	"strconv"
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

// shortcut is a menu item's key: the default modifier (Ctrl, or Cmd on a Mac) with key, and more.
func shortcut(key fyne.KeyName, more fyne.KeyModifier) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault | more}
}

func (u *UI) mainMenu() *fyne.MainMenu {
	openModel := fyne.NewMenuItem("Open Model…", u.showOpenModel)
	openModel.Shortcut = shortcut(fyne.KeyO, 0)
	recent := fyne.NewMenuItem("Open Recent", nil)
	recent.ChildMenu = fyne.NewMenu("", u.recentItems()...)
	export := fyne.NewMenuItem("Export Figure…", u.exportFigure)
	export.Shortcut = shortcut(fyne.KeyE, 0)
	exportNPY := fyne.NewMenuItem("Export Grid (NPY)…", u.exportNPY)
	exportCSV := fyne.NewMenuItem("Export Grid (CSV)…", u.exportCSV)
	exportVTS := fyne.NewMenuItem("Export Surface for ParaView (VTK)…", u.exportVTS)
	exportJSON := fyne.NewMenuItem("Export Statistics (JSON)…", u.exportStats)
	copyCmd := fyne.NewMenuItem("Copy Command Line", u.copyCommand)
	copyCmd.Shortcut = shortcut(fyne.KeyC, fyne.KeyModifierShift)
	file := fyne.NewMenu("File", openModel, recent,
		fyne.NewMenuItem("Open Data Folder…", u.showOpenDataFolder),
		fyne.NewMenuItemSeparator(), export, exportNPY, exportCSV, exportVTS, exportJSON, copyCmd)
	reset := fyne.NewMenuItem("Reset Camera", func() { u.surface.SetCamera(render.Camera{}) })
	reset.Shortcut = shortcut(fyne.KeyR, 0)
	compute := fyne.NewMenuItem("Compute (this tab)", u.computeTab)
	compute.Shortcut = shortcut(fyne.KeyReturn, 0)
	items := []*fyne.MenuItem{reset, compute, fyne.NewMenuItemSeparator()}
	for i, name := range tabNames {
		item := fyne.NewMenuItem(name, func() { u.tabs.SelectIndex(i) })
		item.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyName(strconv.Itoa(i + 1)), Modifier: fyne.KeyModifierAlt}
		items = append(items, item)
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Light Theme", func() { u.setTheme("light") }),
		fyne.NewMenuItem("Dark Theme", func() { u.setTheme("dark") }))
	view := fyne.NewMenu("View", items...)
	train := fyne.NewMenuItem("Train", func() {
		if !u.model.trainBtn.Disabled() {
			u.train()
		}
	})
	train.Shortcut = shortcut(fyne.KeyT, 0)
	cancel := fyne.NewMenuItem("Cancel Training", u.model.train.Cancel)
	cancel.Shortcut = shortcut(fyne.KeyPeriod, 0)
	model := fyne.NewMenu("Model", train, cancel)
	menus := []*fyne.Menu{file, model, view}
	help := fyne.NewMenu("Help", fyne.NewMenuItem("Metrics…", u.showMetricsHelp),
		fyne.NewMenuItem("This Metric…", u.showCurrentMetricHelp),
		fyne.NewMenuItem("Keyboard Shortcuts…", func() { u.showShortcuts(menus) }),
		fyne.NewMenuItemSeparator(), fyne.NewMenuItem("About surfscope", u.showAbout))
	for _, m := range menus {
		for _, item := range m.Items {
			if sc, ok := item.Shortcut.(*desktop.CustomShortcut); ok {
				action := item.Action
				u.window.Canvas().AddShortcut(sc, func(fyne.Shortcut) { action() })
			}
		}
	}
	return fyne.NewMainMenu(append(menus, help)...)
}

// tabNames are the window's tabs, in order (Alt+1 … Alt+8 choose them).
var tabNames = []string{"Surface", "Gallery", "Stats", "Compare", "Training", "NTK", "Landscape", "Study"}

// computeTab runs what the tab shown computes: sampling the probe (Surface, Gallery, Stats), the
// comparison, the NTK or the landscape.
func (u *UI) computeTab() {
	switch u.currentTab() {
	case "Compare":
		u.compare.sampleAll()
	case "NTK":
		u.ntk.Run()
	case "Landscape":
		u.land.Run()
	case "Training":
		if !u.model.trainBtn.Disabled() {
			u.train()
		}
	default:
		u.resample()
	}
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
