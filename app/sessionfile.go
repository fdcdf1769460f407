package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/view"
)

// SessionFormat is the format tag of a session file.
const SessionFormat = "surfscope-session/1"

// maxSessionBytes bounds the session files Open Session reads (one is about 2 kB).
const maxSessionBytes = 1 << 20

// sessionFile is what File ▸ Save Session writes: the Surface tab's picture as one view.State
// (data, model file, probe and its sizes, metric, logit, view, colours, contours, theme, camera)
// and the tab shown, after the provenance block.
type sessionFile struct {
	Format string     `json:"format"`
	State  view.State `json:"state"`
	Tab    string     `json:"tab"` // the tab shown, by its name
}

// sessionOf returns the session file of the window as it is. A model trained in the window and
// not saved has no file to name: that is an error saying to save it first.
func (u *UI) sessionOf() (sessionFile, error) {
	s := u.session.Snapshot()
	if s.Net == nil || s.Grid == nil {
		return sessionFile{}, errors.New("nothing to save yet: open data and a model and sample a probe first")
	}
	if s.ModelID.Path == provenance.Unsaved {
		return sessionFile{}, errors.New("the model was trained in this window and is not saved: File ▸ Save Model first, then save the session")
	}
	f := sessionFile{Format: SessionFormat, State: u.viewOf(s)}
	if t := u.tabs.Selected(); t != nil {
		f.Tab = t.Text
	}
	return f, nil
}

// writeSession writes f to path with its provenance, atomically.
func writeSession(path string, f sessionFile) error {
	rec := provenance.New(f.State.CommandLine("shot.png"))
	rec.Action = "app: File ▸ Save Session"
	b, err := provenance.MarshalJSON(rec, f)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// readSession reads and checks a session file; errors name the file.
func readSession(path string) (sessionFile, error) {
	r, err := inputfile.Open(path)
	if err != nil {
		return sessionFile{}, err
	}
	defer r.Close() // read-only
	b, err := io.ReadAll(io.LimitReader(r, maxSessionBytes+1))
	if err != nil {
		return sessionFile{}, fmt.Errorf("%s: %v", path, err)
	}
	if len(b) > maxSessionBytes {
		return sessionFile{}, fmt.Errorf("%s: larger than %d bytes: not a session file", path, maxSessionBytes)
	}
	var raw struct {
		Format string          `json:"format"`
		State  json.RawMessage `json:"state"`
		Tab    string          `json:"tab"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return sessionFile{}, fmt.Errorf("%s: not a session file: %v", path, err)
	}
	if raw.Format != SessionFormat {
		return sessionFile{}, fmt.Errorf("%s: format %q, want %q (a file of File ▸ Save Session)", path, raw.Format, SessionFormat)
	}
	st, err := view.ParseJSON(raw.State)
	if err != nil {
		return sessionFile{}, fmt.Errorf("%s: %v", path, err)
	}
	return sessionFile{Format: raw.Format, State: st, Tab: raw.Tab}, nil
}

// saveSession asks where to save the session and saves it.
func (u *UI) saveSession() {
	f, err := u.sessionOf()
	if err != nil {
		u.showError(err)
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := writeSession(path, f); err != nil {
			u.showError(err)
			return
		}
		u.status.SetText("saved the session to " + path)
	}, u.window)
	d.SetFileName("session.json")
	d.Show()
}

// showOpenSession asks for a session file and opens it.
func (u *UI) showOpenSession() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.openSession(path)
	}, u.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// openSession reads a session file and shows what it describes: its data and model are loaded
// in the background, then the probe and view settings and the camera are set and the probe is
// sampled; the logit drawn is set when the grid comes (applyPendingClass).
func (u *UI) openSession(path string) {
	u.status.SetText("opening " + path + "…")
	u.model.open.Start(func(ctx context.Context, r *JobRun) error {
		f, err := readSession(path)
		if err != nil {
			return err
		}
		st := f.State
		net, err := modelfile.Load(st.Model)
		if err != nil {
			return err
		}
		if err := u.session.SetData(ctx, st.Data); err != nil {
			return err
		}
		if err := u.session.SetModel(ctx, net, st.Model); err != nil {
			return err
		}
		show := u.dataOrModelChanged()
		r.Show(func() {
			show()
			u.applySession(f)
			u.status.SetText("opened the session " + path)
		})
		return nil
	})
}

// applySession sets the side panel, the theme, the camera and the tab from f and samples its probe.
func (u *UI) applySession(f sessionFile) {
	st := f.State
	if !modelfile.IsEmbedded(st.Model) {
		u.rememberModel(st.Model)
	}
	u.data.choice.Selected = st.Data
	u.data.choice.Refresh()
	p := &u.probe
	p.entry.SetText(st.Probe)
	p.grid.Selected = strconv.Itoa(st.Grid)
	p.grid.Refresh()
	p.span.SetText(rangeText(st.Sampling))
	margin := ""
	if d := view.DefaultSampling(); st.Margin != d.Margin {
		margin = strconv.FormatFloat(st.Margin, 'g', -1, 64)
	}
	p.margin.SetText(margin)
	pic := &u.picture
	pic.metric.Selected = st.Metric
	pic.metric.Refresh()
	pic.colormap.Selected = st.Colormap
	if st.Colormap == "" {
		pic.colormap.Selected = view.DefaultColormap(st.Metric)
	}
	pic.colormap.Refresh()
	pic.mode.Selected = map[string]string{"surface": "3D", "heatmap": "Heatmap"}[st.View]
	pic.mode.Refresh()
	pic.contours.Checked = st.Contours > 0
	pic.contours.Refresh()
	pic.symmetric.Checked = st.Symmetric
	pic.symmetric.Refresh()
	if st.Theme != u.themeName() {
		u.setTheme(st.Theme)
	}
	u.surface.SetCamera(st.Camera)
	for i, t := range u.tabs.Items {
		if t.Text == f.Tab {
			u.tabs.SelectIndex(i)
		}
	}
	u.pendingClass = st.Class
	u.resample()
}

// rangeText is the probe panel's Range field for s: a mixup line's λ range when it is not [0, 1],
// a plane's half-width when set, else empty (the kind's default).
func rangeText(s view.Sampling) string {
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	spec, err := s.Spec()
	switch {
	case err == nil && spec.Kind == "mixup" && (s.From != 0 || s.To != 1):
		return g(s.From) + "," + g(s.To)
	case err == nil && spec.Kind != "mixup" && s.Range > 0:
		return g(s.Range)
	}
	return ""
}

// applyPendingClass selects the logit an opened session draws, once its grid has come (-1: the
// class updateClasses chose).
func (u *UI) applyPendingClass(classes int) {
	k := u.pendingClass
	u.pendingClass = -1
	if k >= 0 && k < classes {
		u.picture.class.SetSelectedIndex(k)
	}
}
