package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
)

// dataChoices are the datasets offered by name; "Open folder…" in the menu adds any other.
var dataChoices = []string{"sample", "mnist", "fashion", "cifar10", "cifar100"}

func (u *UI) buildTrain() {
	u.Hidden = widget.NewEntry()
	u.Hidden.SetText("128,128")
	u.Epochs = widget.NewEntry()
	u.Epochs.SetText("30")
	u.TrainBtn = widget.NewButton("Train MLP", u.train)
	u.CancelBtn = widget.NewButton("Cancel", func() { u.Session.CancelTraining() })
	u.CancelBtn.Disable()
	u.TrainBar = widget.NewProgressBar()
}

func modelName(path string) string {
	if path == "" {
		return "embedded MLP"
	}
	return filepath.Base(path)
}

func (u *UI) loadData(name string) {
	if u.Session.Snapshot().Data == name {
		return
	}
	u.setStatus("loading " + name + "…")
	if err := u.Session.SetData(name); err != nil {
		u.showError(err)
		fyne.Do(func() {
			u.Data.Selected = u.Session.Snapshot().Data
			u.Data.Refresh()
		})
		return
	}
	u.App.Preferences().SetString(prefData, name)
	u.afterDataOrModel()
	fyne.Do(u.resample)
}

// openModel loads a checkpoint or ONNX file in the background and shows it.
func (u *UI) openModel(path string) {
	u.setStatus("opening " + path + "…")
	go func() {
		net, err := LoadModel(path)
		if err == nil {
			err = u.Session.SetModel(net, modelName(path))
		}
		if err != nil {
			u.showError(err)
			return
		}
		u.rememberModel(path)
		u.afterDataOrModel()
		fyne.Do(u.resample)
	}()
}

func (u *UI) showOpenModel() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.openModel(path)
	}, u.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors", ".onnx"}))
	d.Show()
}

func (u *UI) showOpenDataFolder() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		path := dir.Path()
		go u.loadData(path)
		fyne.Do(func() {
			u.Data.Selected = path
			u.Data.Refresh()
		})
	}, u.Window)
}

func (u *UI) train() {
	hidden, err := parseWidths(u.Hidden.Text)
	if err != nil {
		u.showError(err)
		return
	}
	epochs := 0
	if _, err := fmt.Sscan(u.Epochs.Text, &epochs); err != nil || epochs <= 0 {
		u.showError(fmt.Errorf("epochs %q: want a positive number", u.Epochs.Text))
		return
	}
	s := u.Session.Snapshot()
	if s.Train == nil {
		u.showError(errors.New("the dataset is still loading"))
		return
	}
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{s.Train.C, s.Train.H, s.Train.W},
		Classes: s.Train.Classes, Hidden: hidden}, 1)
	if err != nil {
		u.showError(err)
		return
	}
	u.TrainBtn.Disable()
	u.CancelBtn.Enable()
	u.TrainBar.SetValue(0)
	cfg := models.TrainConfig{MaxEpochs: epochs, UntilFit: true, Seed: 1}
	u.Session.Train(net, cfg, 0, func(p models.Progress) {
		fyne.Do(func() {
			if p.Batches > 0 && p.Epochs > 0 {
				u.TrainBar.SetValue((float64(p.Epoch-1) + float64(p.Batch)/float64(p.Batches)) / float64(p.Epochs))
			}
			if e := p.Done; e != nil {
				u.Status.SetText(fmt.Sprintf("epoch %d: train accuracy %.2f%%, test accuracy %.2f%%", e.Epoch, 100*e.TrainAcc, 100*e.TestAcc))
			}
		})
	}, func(net *models.Net, err error) {
		if err == nil || errors.Is(err, context.Canceled) {
			u.afterDataOrModel()
		}
		fyne.Do(func() {
			u.TrainBtn.Enable()
			u.CancelBtn.Disable()
			if err != nil && !errors.Is(err, context.Canceled) {
				u.showError(err)
				return
			}
			u.TrainBar.SetValue(1)
			u.resample()
		})
	})
}

func parseWidths(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var v int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &v); err != nil || v <= 0 {
			return nil, fmt.Errorf("hidden widths %q: want positive numbers separated by commas", s)
		}
		out = append(out, v)
	}
	return out, nil
}
