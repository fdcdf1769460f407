package study

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/models/train"
)

// ModelResult is the model stage's result: where the cell's model is, how it was made and how well
// it fits. A model that does not fit its training set is kept and analysed like the others, with
// Fits false, and the report says so; one whose training failed (diverged) has Failed set and no
// analyses.
type ModelResult struct {
	Path        string             `json:"path"`   // the model file: relative to the study folder when it is in it (trained), else absolute (imported)
	SHA256      string             `json:"sha256"` // of the model file
	Imported    bool               `json:"imported"`
	Params      int                `json:"params"`       // learned parameters (models.Net.NumLearned)
	TrainImages int                `json:"train_images"` // images it was trained (or is measured) on
	Epochs      int                `json:"epochs"`
	Seconds     float64            `json:"seconds"` // training time, steps and measurements
	TrainAcc    float64            `json:"train_acc"`
	TrainLoss   float64            `json:"train_loss"`
	TestAcc     float64            `json:"test_acc"` // on TestImages test images
	TestLoss    float64            `json:"test_loss"`
	TestImages  int                `json:"test_images"`
	Fits        bool               `json:"fits"` // 100% training accuracy
	Failed      string             `json:"failed,omitempty"`
	History     []train.EpochStats `json:"history,omitempty"`
}

// File is the model file of a study in folder dir.
func (m *ModelResult) File(dir string) string {
	if filepath.IsAbs(m.Path) {
		return m.Path
	}
	return filepath.Join(dir, filepath.FromSlash(m.Path))
}

// trainConfig is what the model stage's configuration hash covers when it trains.
type trainConfig struct {
	Variant Variant      `json:"variant"`
	Depth   int          `json:"depth"`
	Width   int          `json:"width"`
	Seed    int64        `json:"seed"`
	Train   train.Config `json:"train"`
	Data    string       `json:"data"`
	Images  int          `json:"images"`
	Test    int          `json:"test_images"`
}

// importConfig is what the model stage's configuration hash covers when it imports.
type importConfig struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Data   string `json:"data"`
	Images int    `json:"images"`
	Test   int    `json:"test_images"`
}

// modelStage trains the cell's network to fit its training set, or imports it from the models
// folder, and writes model.json (and model.safetensors when it trains).
func (r *runner) modelStage(ctx context.Context, u *unit, p *unitProgress) error {
	cl := u.cell
	trainSet, test, err := r.trainTest(cl.data)
	if err != nil {
		return err
	}
	if r.cfg.Models != "" {
		return r.importModel(ctx, u, trainSet, test)
	}
	tc := trainConfig{Variant: cl.variant, Depth: r.cfg.Depth, Width: r.cfg.Width, Seed: r.cfg.Seed, Train: r.cfg.Train,
		Data: cl.data, Images: trainSet.Len(), Test: test.Len()}
	tc.Train.Seed = r.cfg.Seed
	rec, path, skip, err := r.begin(u, tc)
	if err != nil || skip {
		return err
	}
	start := time.Now()
	res, err := r.train(ctx, cl, hashPrefix(rec.ConfigHash), tc, trainSet, test, p)
	if err != nil {
		return err
	}
	rec.Seconds = time.Since(start).Seconds()
	return writeRecord(path, rec, res)
}

func hashPrefix(h string) string { return h[:min(12, len(h))] }

// train trains the cell's ResNet, resuming the run the state file of this configuration holds.
func (r *runner) train(ctx context.Context, cl *cell, hash string, tc trainConfig, trainSet, test *dataset.Set, p *unitProgress) (*ModelResult, error) {
	dir := cl.dir(r.out)
	net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{trainSet.C, trainSet.H, trainSet.W}, Classes: trainSet.Classes,
		Depth: tc.Depth, Width: tc.Width, Shortcut: tc.Variant.Shortcut, SE: tc.Variant.SE}, tc.Seed)
	if err != nil {
		return nil, err
	}
	net.Meta = map[string]string{"data": cl.data}
	st, err := train.NewState(net, tc.Train)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	statePath := filepath.Join(dir, "model."+hash+".resume")
	if _, err := os.Stat(statePath); err == nil {
		if old, err := train.LoadState(statePath); err == nil {
			st = old
			r.logf("%s: resuming training after epoch %d (%s)", cl.id(), st.Epoch(), statePath)
		} else {
			r.logf("%s: %v; training from the start", cl.id(), err)
		}
	}
	removeOtherStates(dir, statePath)
	expect := float64(min(st.Config.MaxEpochs, 15))
	hist, err := train.Continue(ctx, st, trainSet, test, func(pr train.Progress) {
		p.set(fmt.Sprintf("epoch %d, batch %d/%d", pr.Epoch, pr.Batch, pr.Batches),
			min(0.95, (float64(pr.Epoch-1)+float64(pr.Batch)/float64(max(pr.Batches, 1)))/expect))
	}, func(s *train.State) error { return train.SaveState(statePath, s) })
	var div *train.DivergedError
	if errors.As(err, &div) {
		os.Remove(statePath)
		return &ModelResult{Failed: err.Error(), History: hist, Epochs: len(hist)}, nil
	}
	if err != nil {
		return nil, err
	}
	modelPath := filepath.Join(dir, "model.safetensors")
	if err := models.Save(modelPath, st.Net); err != nil {
		return nil, err
	}
	os.Remove(statePath)
	res, err := describeModel(modelPath, st.Net, trainSet.Len(), hist)
	if err != nil {
		return nil, err
	}
	res.Path, res.TestImages = r.rel(modelPath), test.Len() // the study folder can move
	return res, nil
}

// removeOtherStates removes the resume states of other configurations in dir (a changed
// configuration starts again; its old state would never be used).
func removeOtherStates(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, "model.*.resume"))
	for _, f := range old {
		if f != keep {
			os.Remove(f)
		}
	}
}

// describeModel fills a model result from the saved file and the training history.
func describeModel(path string, net *models.Net, images int, hist []train.EpochStats) (*ModelResult, error) {
	sum, err := fileSHA256(path)
	if err != nil {
		return nil, err
	}
	res := &ModelResult{Path: path, SHA256: sum, Params: net.NumLearned(), TrainImages: images, Epochs: len(hist), History: hist}
	if len(hist) > 0 {
		last := hist[len(hist)-1]
		res.TrainAcc, res.TrainLoss, res.TestAcc, res.TestLoss = last.TrainAcc, last.TrainLoss, last.TestAcc, last.TestLoss
		for _, h := range hist {
			res.Seconds += h.Seconds + h.EvalSeconds
		}
	}
	res.Fits = res.TrainAcc == 1
	return res, nil
}

// importModel imports the cell's model from the models folder: it measures the model on the
// training images (its own training-set size when it records one) and the test split.
func (r *runner) importModel(ctx context.Context, u *unit, trainSet, test *dataset.Set) error {
	cl := u.cell
	path, err := findModel(r.cfg.Models, cl)
	if err != nil {
		return err
	}
	if path, err = filepath.Abs(path); err != nil {
		return err
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	net, err := modelfile.Load(path)
	if err != nil {
		return err
	}
	if err := modelfile.Fit(net, [3]int{trainSet.C, trainSet.H, trainSet.W}, trainSet.Name); err != nil {
		return err
	}
	if tr, ok, err := net.TrainedOn(); err == nil && ok && tr.Images > 0 && tr.Images < trainSet.Len() {
		trainSet = trainSet.Head(tr.Images)
	}
	rec, out, skip, err := r.begin(u, importConfig{Path: path, SHA256: sum, Data: cl.data, Images: trainSet.Len(), Test: test.Len()})
	if err != nil || skip {
		return err
	}
	start := time.Now()
	var hist []train.EpochStats
	if h := net.Meta["history"]; h != "" {
		json.Unmarshal([]byte(h), &hist) // a surfscope checkpoint's curves, when it has them
	}
	res, err := describeModel(path, net, trainSet.Len(), hist)
	if err != nil {
		return err
	}
	res.Imported, res.TestImages = true, test.Len()
	if res.TrainAcc, res.TrainLoss, err = accuracy(ctx, net, trainSet); err != nil {
		return err
	}
	if res.TestAcc, res.TestLoss, err = accuracy(ctx, net, test); err != nil {
		return err
	}
	res.Fits = res.TrainAcc == 1
	rec.Seconds = time.Since(start).Seconds()
	return writeRecord(out, rec, res)
}

// findModel looks for the cell's model in dir: DATA/VARIANT.safetensors, DATA/VARIANT.onnx,
// DATA-VARIANT.safetensors or DATA-VARIANT.onnx.
func findModel(dir string, cl *cell) (string, error) {
	var tried []string
	for _, base := range []string{filepath.Join(cl.dataName, cl.variant.Name()), cl.dataName + "-" + cl.variant.Name()} {
		for _, ext := range []string{".safetensors", ".onnx"} {
			p := filepath.Join(dir, base+ext)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
			tried = append(tried, base+ext)
		}
	}
	return "", fmt.Errorf("--models %s: no model for %s (looked for %s)", dir, cl.id(), strings.Join(tried, ", "))
}

// accuracy measures the share of set the net classifies correctly and its mean cross-entropy.
func accuracy(ctx context.Context, net *models.Net, set *dataset.Set) (acc, loss float64, err error) {
	ev, err := infer.New(net)
	if err != nil {
		return 0, 0, err
	}
	const chunk = 256
	D, K := set.ImageSize(), net.Classes
	var logits []float32
	correct, total := 0, 0.0
	for lo := 0; lo < set.Len(); lo += chunk {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		n := min(chunk, set.Len()-lo)
		logits = ev.Forward(logits, set.Images[lo*D:(lo+n)*D], n)
		for s := 0; s < n; s++ {
			l, best := crossEntropy(logits[s*K:(s+1)*K], set.Labels[lo+s])
			total += l
			if best == set.Labels[lo+s] {
				correct++
			}
		}
	}
	return float64(correct) / float64(set.Len()), total / float64(set.Len()), nil
}

// crossEntropy returns −log softmax(z)[label] and the index of the largest logit (the first on ties).
func crossEntropy(z []float32, label int) (float64, int) {
	best := 0
	for j, v := range z {
		if v > z[best] {
			best = j
		}
	}
	return softmax.LogSumExp(z) - float64(z[label]), best
}
