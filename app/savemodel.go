package app

import (
	"context"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/view"
)

// SaveModel writes the current model to path as a safetensors checkpoint (atomically: through a
// temporary file renamed into place) carrying its provenance: the app's action, the data it was
// trained on or opened with, and for a model trained in the window its training record and
// history as training left them. The model is then the file: what is exported from it names path
// and its SHA-256 instead of "unsaved". The embedded model and ONNX models are saved as
// checkpoints too.
func (s *Session) SaveModel(ctx context.Context, path string) error {
	s.mu.Lock()
	net, data := s.net, s.data
	s.mu.Unlock()
	if net == nil {
		return errors.New("no model to save")
	}
	c := net.Clone()
	rec := provenance.New("")
	rec.Action = "app: File ▸ Save Model"
	rec.Data, rec.Split = view.DataProvenance(data), dataset.Train
	if c.Meta == nil {
		c.Meta = map[string]string{}
	}
	c.Meta[provenance.MetaKey] = rec.JSON()
	if err := models.Save(path, c); err != nil {
		return err
	}
	id, err := modelfile.Identify(path)
	if err != nil {
		return err
	}
	return s.commit(ctx, func() error {
		if s.net != net {
			return fmt.Errorf("the model changed while %s was written; it holds the previous one", path)
		}
		s.model, s.modelID = path, id
		return nil
	})
}

// saveModel asks where to save the current model and saves it as the export job.
func (u *UI) saveModel() {
	if u.session.Snapshot().Net == nil {
		u.showError(errors.New("no model to save"))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		u.exportWith(path, u.modelSaver)
	}, u.window)
	d.SetFileName("model.safetensors")
	d.Show()
}

// modelSaver is File ▸ Save Model's job: save the model to path, then list it under Open Recent
// and name it in the side panel and the window's title.
func (u *UI) modelSaver(ctx context.Context, r *JobRun, path string) (string, error) {
	if err := u.session.SaveModel(ctx, path); err != nil {
		return "", err
	}
	r.Show(func() {
		u.rememberModel(path)
		u.refreshLabels()
	})
	return "saved the model to " + path, nil
}
