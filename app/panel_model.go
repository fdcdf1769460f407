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
	arch      *widget.Select
	widths    *widget.Entry // MLP hidden widths or CNN channels
	depth     *widget.Select
	shortcut  *widget.Select
	se        *widget.Check
	optimizer *widget.Select
	lr        *widget.Entry
	epochs    *widget.Entry
	untilFit  *widget.Check
	flip      *widget.Check
	mixup     *widget.Entry
	seed      *widget.Entry
}

// modelPanel is the model part of the side panel: what is open, the training form, and the
// training job with its buttons, bar and curves (the Training tab).
type modelPanel struct {
	label     *widget.Label
	fit       *widget.Label // the badge: "fits its training set: yes" or "no (99.92%)"
	form      trainForm
	trainBtn  *widget.Button
	cancelBtn *widget.Button
	bar       *widget.ProgressBar
	curves    *SurfaceView
	train     *Job
	open      *Job // opening a model file
}

func (u *UI) buildModel() {
	m := &u.model
	m.label = widget.NewLabel("")
	m.label.Wrapping = fyne.TextWrapWord
	m.fit = widget.NewLabel("")
	f := &m.form
	f.arch = widget.NewSelect([]string{"mlp", "cnn", "resnet"}, func(a string) {
		switch a {
		case "mlp":
			f.widths.SetText("128,128")
		case "cnn":
			f.widths.SetText("16,32")
		}
	})
	f.widths = widget.NewEntry()
	f.arch.SetSelected("mlp")
	f.depth = widget.NewSelect([]string{"8", "14", "20"}, nil)
	f.depth.SetSelected("8")
	var kinds []string
	for _, k := range models.Shortcuts {
		kinds = append(kinds, string(k))
	}
	f.shortcut = widget.NewSelect(kinds, nil)
	f.shortcut.SetSelected("add")
	f.se = widget.NewCheck("SE gates", nil)
	f.optimizer = widget.NewSelect([]string{"adam", "sgd"}, nil)
	f.optimizer.SetSelected("adam")
	f.lr = widget.NewEntry()
	f.lr.SetPlaceHolder("default")
	f.epochs = widget.NewEntry()
	f.epochs.SetText("30")
	f.untilFit = widget.NewCheck("Stop at 100% train accuracy", nil)
	f.untilFit.Checked = true
	f.flip = widget.NewCheck("Flip augmentation", nil)
	f.mixup = widget.NewEntry()
	f.mixup.SetText("0")
	f.seed = widget.NewEntry()
	f.seed.SetText("1")
	m.bar = widget.NewProgressBar()
	m.train = u.jobs.Job(m.bar)
	m.open = u.jobs.Job(nil)
	m.trainBtn = widget.NewButton("Train", u.train)
	m.cancelBtn = widget.NewButton("Cancel", m.train.Cancel)
	m.cancelBtn.Disable()
	m.curves = u.newSurfaceView()
}

// modelSettings returns the settings panel of the training form, each setting with its tooltip.
func (u *UI) modelSettings() fyne.CanvasObject {
	f := &u.model.form
	item := func(label string, w fyne.CanvasObject, tip string) *widget.FormItem {
		return widget.NewFormItem(label, u.tip(w, tip))
	}
	form := widget.NewForm(
		item("Architecture", f.arch, "mlp: dense layers; cnn: 3×3 convolutions with pooling; resnet: CIFAR-style residual net"),
		item("Widths", f.widths, "mlp: hidden layer widths; cnn: channels of each convolution (comma-separated)"),
		item("ResNet depth", f.depth, "6n+2 layers: 8, 14 or 20"),
		item("Shortcut", f.shortcut, "how a residual block combines shortcut and branch: add (x + f), mul (x·f), bn products, sigmoid gates"),
		item("", f.se, "a squeeze-excitation gate on every residual branch"),
		item("Optimiser", f.optimizer, "adam or sgd with momentum 0.9"),
		item("Learning rate", f.lr, "empty: 1e-3 for adam, 0.1 for sgd"),
		item("Epochs", f.epochs, "the epoch cap"),
		item("", f.untilFit, "stop at the first epoch with every training image classified correctly"),
		item("", f.flip, "augment with horizontal flips"),
		item("Mixup α", f.mixup, "mixup with Beta(α, α) weights; 0 for none"),
		item("Seed", f.seed, "seed of the weights and of the batch order"))
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
	for _, err := range []error{num(f.epochs, "epochs", &cfg.MaxEpochs), num(f.lr, "learning rate", &cfg.LR),
		num(f.mixup, "mixup", &cfg.Mixup), num(f.seed, "seed", &seed)} {
		if err != nil {
			return nil, cfg, err
		}
	}
	if cfg.MaxEpochs <= 0 {
		return nil, cfg, fmt.Errorf("epochs %q: want a positive number", f.epochs.Text)
	}
	cfg.Optimizer, cfg.UntilFit, cfg.Flip, cfg.Seed = f.optimizer.Selected, f.untilFit.Checked, f.flip.Checked, seed
	var net *models.Net
	var err error
	switch f.arch.Selected {
	case "mlp", "cnn":
		widths, werr := parseWidths(f.widths.Text)
		if werr != nil {
			return nil, cfg, werr
		}
		if f.arch.Selected == "mlp" {
			net, err = models.NewMLP(models.MLPConfig{Input: input, Classes: classes, Hidden: widths}, seed)
		} else {
			net, err = models.NewCNN(models.CNNConfig{Input: input, Classes: classes, Channels: widths}, seed)
		}
	case "resnet":
		depth := 8
		fmt.Sscan(f.depth.Selected, &depth)
		net, err = models.NewResNet(models.ResNetConfig{Input: input, Classes: classes, Depth: depth,
			Shortcut: models.Shortcut(f.shortcut.Selected), SE: f.se.Checked}, seed)
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

// dataPanel is the choice of dataset and the job that loads it.
type dataPanel struct {
	choice *widget.Select
	load   *Job
}

func (u *UI) buildData() {
	u.data.load = u.jobs.Job(nil)
	u.data.choice = widget.NewSelect(dataChoices, u.loadData)
}

// loadData opens dataset name (a name or a folder) in the background and resamples the probe on
// it; on failure the choice goes back to the data still open.
func (u *UI) loadData(name string) {
	if u.session.Snapshot().Data == name {
		return
	}
	u.status.SetText("loading " + name + "…")
	u.data.load.Start(func(ctx context.Context, r *JobRun) error {
		if err := u.session.SetData(ctx, name); err != nil {
			r.Show(func() {
				u.data.choice.Selected = u.session.Snapshot().Data
				u.data.choice.Refresh()
			})
			return err
		}
		u.app.Preferences().SetString(prefData, name) // preferences are safe from any goroutine
		show := u.dataOrModelChanged()
		r.Show(func() {
			show()
			u.resample()
		})
		return nil
	})
}

// openModel loads a checkpoint or ONNX file in the background and shows it.
func (u *UI) openModel(path string) {
	u.status.SetText("opening " + path + "…")
	u.model.open.Start(func(ctx context.Context, r *JobRun) error {
		net, err := modelfile.Load(path)
		if err == nil {
			err = u.session.SetModel(ctx, net, path)
		}
		if err != nil {
			return err
		}
		show := u.dataOrModelChanged()
		r.Show(func() {
			u.rememberModel(path)
			show()
			u.resample()
		})
		return nil
	})
}

// useTrained makes net, the model of a training run, the current one in the background and
// shows it.
func (u *UI) useTrained(net *models.Net) {
	u.model.open.Start(func(ctx context.Context, r *JobRun) error {
		if err := u.session.SetModel(ctx, net, "trained"); err != nil {
			return err
		}
		show := u.dataOrModelChanged()
		r.Show(func() {
			show()
			u.resample()
		})
		return nil
	})
}

// askUseUnfitted asks whether the model of a cancelled run, which does not fit its training set,
// should replace the current one; the current model stays unless the answer is yes.
func (u *UI) askUseUnfitted(e *unfitCancelError) {
	msg := fmt.Sprintf("Training was cancelled after epoch %d. That model classifies %s of its %d training images\n"+
		"correctly: it does not fit its training set.\n\nUse it anyway, or keep the current model?",
		e.fit.Epochs, models.Percent(e.fit.TrainAccuracy), e.fit.Images)
	d := dialog.NewConfirm("Use a model that does not fit?", msg, func(use bool) {
		if use {
			u.useTrained(e.net)
			return
		}
		u.status.SetText(fmt.Sprintf("training cancelled after epoch %d; kept the current model", e.fit.Epochs))
	}, u.window)
	d.SetConfirmText("Use it")
	d.SetDismissText("Keep the current model")
	d.Show()
}

func (u *UI) showOpenModel() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		u.openModel(path)
	}, u.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".safetensors", ".onnx"}))
	d.Show()
}

func (u *UI) showOpenDataFolder() {
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		path := dir.Path()
		u.data.choice.Selected = path
		u.data.choice.Refresh()
		u.loadData(path)
	}, u.window)
}

// train trains the network the form describes in the background. The model of a finished run
// becomes the current one, fitted or not (the badge says which); that of a cancelled run does when
// it fits its training set, and otherwise only if the user says so (askUseUnfitted).
func (u *UI) train() {
	s := u.session.Snapshot()
	if s.Train == nil {
		u.showError(errors.New("the dataset is still loading"))
		return
	}
	m := &u.model
	net, cfg, err := m.form.newNet([3]int{s.Train.C, s.Train.H, s.Train.W}, s.Train.Classes)
	if err != nil {
		u.showError(err)
		return
	}
	m.trainBtn.Disable()
	m.cancelBtn.Enable()
	m.train.Start(func(ctx context.Context, r *JobRun) error {
		var history []train.EpochStats
		err := u.session.Train(ctx, net, cfg, 0, func(p train.Progress) {
			if p.Batches > 0 && p.Epochs > 0 {
				r.Progress((p.Epoch-1)*p.Batches+p.Batch, p.Epochs*p.Batches)
			}
			if e := p.Done; e != nil {
				history = append(history, *e)
				curves := curvesScene(history)
				r.Show(func() {
					curves.Background = u.background()
					m.curves.SetScene(curves)
					u.status.SetText(fmt.Sprintf("epoch %d: train accuracy %.2f%%, test accuracy %.2f%%", e.Epoch, 100*e.TrainAcc, 100*e.TestAcc))
				})
			}
		})
		var show func()
		var unfit *unfitCancelError
		if err == nil || errors.Is(err, context.Canceled) && !errors.As(err, &unfit) {
			show = u.dataOrModelChanged()
		}
		r.Show(func() {
			m.trainBtn.Enable()
			m.cancelBtn.Disable()
			switch {
			case show != nil:
				show()
				m.bar.SetValue(1)
				u.resample()
			case unfit != nil && unfit.net == nil:
				u.status.SetText("training cancelled before the first epoch ended; kept the current model")
			case unfit != nil:
				u.askUseUnfitted(unfit)
			}
		})
		if errors.Is(err, context.Canceled) {
			return nil // the model of the last complete epoch is shown, or the user is asked
		}
		return err
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
