package app

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/train"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// dataChoices are the datasets offered by name; "Open folder…" in the menu adds any other.
var dataChoices = []string{"sample", "mnist", "fashion", "cifar10", "cifar100"}

// trainForm holds the settings of a new training run.
type trainForm struct {
	Arch      *widget.Select
	Widths    *widget.Entry // MLP hidden widths or CNN channels
	Depth     *widget.Select
	Shortcut  *widget.Select
	SE        *widget.Check
	Optimizer *widget.Select
	LR        *widget.Entry
	Epochs    *widget.Entry
	UntilFit  *widget.Check
	Flip      *widget.Check
	Mixup     *widget.Entry
	Seed      *widget.Entry
}

func (u *UI) buildTrain() {
	f := &u.TrainForm
	f.Arch = widget.NewSelect([]string{"mlp", "cnn", "resnet"}, func(a string) {
		switch a {
		case "mlp":
			f.Widths.SetText("128,128")
		case "cnn":
			f.Widths.SetText("16,32")
		}
	})
	f.Widths = widget.NewEntry()
	f.Arch.SetSelected("mlp")
	f.Depth = widget.NewSelect([]string{"8", "14", "20"}, nil)
	f.Depth.SetSelected("8")
	var kinds []string
	for _, k := range models.Shortcuts {
		kinds = append(kinds, string(k))
	}
	f.Shortcut = widget.NewSelect(kinds, nil)
	f.Shortcut.SetSelected("add")
	f.SE = widget.NewCheck("SE gates", nil)
	f.Optimizer = widget.NewSelect([]string{"adam", "sgd"}, nil)
	f.Optimizer.SetSelected("adam")
	f.LR = widget.NewEntry()
	f.LR.SetPlaceHolder("default")
	f.Epochs = widget.NewEntry()
	f.Epochs.SetText("30")
	f.UntilFit = widget.NewCheck("Stop at 100% train accuracy", nil)
	f.UntilFit.Checked = true
	f.Flip = widget.NewCheck("Flip augmentation", nil)
	f.Mixup = widget.NewEntry()
	f.Mixup.SetText("0")
	f.Seed = widget.NewEntry()
	f.Seed.SetText("1")
	u.Hidden, u.Epochs = f.Widths, f.Epochs
	u.TrainBtn = widget.NewButton("Train", u.train)
	u.CancelBtn = widget.NewButton("Cancel", func() { u.Session.CancelTraining() })
	u.CancelBtn.Disable()
	u.TrainBar = widget.NewProgressBar()
	u.Curves = NewSurfaceView(u.renderer)
	u.Curves.OnError = u.showError
}

// trainSettings returns the settings panel of the training form.
func (u *UI) trainSettings() fyne.CanvasObject {
	f := &u.TrainForm
	form := widget.NewForm(
		widget.NewFormItem("Architecture", f.Arch), widget.NewFormItem("Widths", f.Widths),
		widget.NewFormItem("ResNet depth", f.Depth), widget.NewFormItem("Shortcut", f.Shortcut),
		widget.NewFormItem("", f.SE), widget.NewFormItem("Optimiser", f.Optimizer),
		widget.NewFormItem("Learning rate", f.LR), widget.NewFormItem("Epochs", f.Epochs),
		widget.NewFormItem("", f.UntilFit), widget.NewFormItem("", f.Flip),
		widget.NewFormItem("Mixup α", f.Mixup), widget.NewFormItem("Seed", f.Seed))
	return widget.NewAccordion(widget.NewAccordionItem("Training settings", form))
}

// newNet builds the untrained network and training configuration the form describes.
func (f *trainForm) newNet(input [3]int, classes int) (*models.Net, train.Config, error) {
	var cfg train.Config
	num := func(e *widget.Entry, what string, v any) error {
		if strings.TrimSpace(e.Text) == "" {
			return nil
		}
		if _, err := fmt.Sscan(e.Text, v); err != nil {
			return fmt.Errorf("%s %q: not a number", what, e.Text)
		}
		return nil
	}
	seed := int64(1)
	for _, err := range []error{num(f.Epochs, "epochs", &cfg.MaxEpochs), num(f.LR, "learning rate", &cfg.LR),
		num(f.Mixup, "mixup", &cfg.Mixup), num(f.Seed, "seed", &seed)} {
		if err != nil {
			return nil, cfg, err
		}
	}
	if cfg.MaxEpochs <= 0 {
		return nil, cfg, fmt.Errorf("epochs %q: want a positive number", f.Epochs.Text)
	}
	cfg.Optimizer, cfg.UntilFit, cfg.Flip, cfg.Seed = f.Optimizer.Selected, f.UntilFit.Checked, f.Flip.Checked, seed
	var net *models.Net
	var err error
	switch f.Arch.Selected {
	case "mlp", "cnn":
		widths, werr := parseWidths(f.Widths.Text)
		if werr != nil {
			return nil, cfg, werr
		}
		if f.Arch.Selected == "mlp" {
			net, err = models.NewMLP(models.MLPConfig{Input: input, Classes: classes, Hidden: widths}, seed)
		} else {
			net, err = models.NewCNN(models.CNNConfig{Input: input, Classes: classes, Channels: widths}, seed)
		}
	case "resnet":
		depth := 8
		fmt.Sscan(f.Depth.Selected, &depth)
		net, err = models.NewResNet(models.ResNetConfig{Input: input, Classes: classes, Depth: depth,
			Shortcut: models.Shortcut(f.Shortcut.Selected), SE: f.SE.Checked}, seed)
	default:
		err = fmt.Errorf("choose an architecture")
	}
	return net, cfg, err
}

func modelName(path string) string {
	if modelfile.IsEmbedded(path) {
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
		do(func() {
			u.Data.Selected = u.Session.Snapshot().Data
			u.Data.Refresh()
		})
		return
	}
	u.App.Preferences().SetString(prefData, name)
	u.afterDataOrModel()
	do(u.resample)
}

// openModel loads a checkpoint or ONNX file in the background and shows it.
func (u *UI) openModel(path string) {
	u.setStatus("opening " + path + "…")
	go func() {
		net, err := modelfile.Load(path)
		if err == nil {
			err = u.Session.SetModel(net, modelName(path))
		}
		if err != nil {
			u.showError(err)
			return
		}
		u.rememberModel(path)
		u.afterDataOrModel()
		do(u.resample)
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
		do(func() {
			u.Data.Selected = path
			u.Data.Refresh()
		})
	}, u.Window)
}

func (u *UI) train() {
	s := u.Session.Snapshot()
	if s.Train == nil {
		u.showError(errors.New("the dataset is still loading"))
		return
	}
	net, cfg, err := u.TrainForm.newNet([3]int{s.Train.C, s.Train.H, s.Train.W}, s.Train.Classes)
	if err != nil {
		u.showError(err)
		return
	}
	u.TrainBtn.Disable()
	u.CancelBtn.Enable()
	u.TrainBar.SetValue(0)
	var history []train.EpochStats
	u.Session.Train(net, cfg, 0, func(p train.Progress) {
		if p.Done != nil {
			history = append(history, *p.Done)
			u.Curves.SetScene(curvesScene(history))
		}
		do(func() {
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
		do(func() {
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

// curvesScene draws the training history: accuracy (%) on the training and test splits and the
// training loss, one curve each, over epochs.
func curvesScene(h []train.EpochStats) render.Scene {
	n := len(h)
	if n < 2 { // the line view needs two points: repeat the first epoch at epoch 0
		h = append([]train.EpochStats{h[0]}, h...)
		h[0].Epoch = 0
		n = 2
	}
	epochs := make([]float64, n)
	f := surface.NewField(n, 3, epochs, nil)
	for i, e := range h {
		epochs[i] = float64(e.Epoch)
		f.Values[i] = float32(100 * e.TrainAcc)
		f.Values[n+i] = float32(100 * e.TestAcc)
		f.Values[2*n+i] = float32(100 * math.Min(e.TrainLoss, 1))
	}
	return render.Scene{Field: f, View: render.ViewLines, Title: "training", XLabel: "epoch", YLabel: "%",
		Legend: []string{"train accuracy", "test accuracy", "train loss ×100 (capped at 100)"}, Min: 0, Max: 100}
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
