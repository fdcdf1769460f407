package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/series"
)

// sameParams fails unless a and b hold the same weights, bit for bit.
func sameParams(t *testing.T, what string, a, b *models.Net) {
	t.Helper()
	if len(a.Nodes) != len(b.Nodes) {
		t.Fatalf("%s: %d nodes, want %d", what, len(b.Nodes), len(a.Nodes))
	}
	for i := range a.Nodes {
		for name, p := range a.Nodes[i].Params {
			q, ok := b.Nodes[i].Params[name]
			if !ok || len(q.Data) != len(p.Data) {
				t.Fatalf("%s: node %d %s missing or resized", what, i, name)
			}
			for k := range p.Data {
				if math.Float32bits(p.Data[k]) != math.Float32bits(q.Data[k]) {
					t.Fatalf("%s: node %d %s[%d] = %v, the uninterrupted run has %v", what, i, name, k, q.Data[k], p.Data[k])
				}
			}
		}
	}
}

// A training run killed with SIGKILL after an epoch and resumed with --resume ends with the same
// model, bit for bit, as a run that was never killed, and the same checkpoint series; the state
// file is gone at the end and the temporary files of the killed run are cleaned up.
func TestTrainKilledThenResumedIsBitExact(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"train", "--limit", "2000", "--hidden", "96", "--batch", "64", "--epochs", "12", "--until-fit=false", "--allow-unfit",
		"--flip", "--mixup", "0.3", "--schedule", "cosine", "--save-every", "5"}
	whole, wholeDir := filepath.Join(dir, "whole.safetensors"), filepath.Join(dir, "whole")
	mustRun(t, append(flags, "--out", whole, "--out-dir", wholeDir)...)

	killed, killedDir := filepath.Join(dir, "killed.safetensors"), filepath.Join(dir, "killed")
	args := append(flags, "--out", killed, "--out-dir", killedDir)
	c := startChild(t, args...)
	c.waitFor(t, "epoch 1:")
	c.cmd.Process.Kill()
	c.exit(t, 30*time.Second)
	if _, err := os.Stat(killed + ".resume"); err != nil {
		t.Fatalf("no state after the kill (the run ended before it?): %v\n%s", err, c.stderr())
	}
	if _, err := os.Stat(killed); err == nil {
		t.Fatal("the killed run wrote its model")
	}
	code, _, stderr := cli(args...)
	if code != 1 || !strings.Contains(stderr, "holds the state of an interrupted run: add --resume") {
		t.Fatalf("a new run over an interrupted one: exit %d, %q", code, stderr)
	}
	_, _, stderr = cli(append(args[:len(args):len(args)], "--lr", "0.01", "--resume")...)
	if !strings.Contains(stderr, "--resume: "+killed+".resume: the run was started with --lr 0.001, this command says 0.01") {
		t.Fatalf("resuming with another --lr: %q", stderr)
	}
	code, stdout, stderr := cli(append(args, "--resume")...)
	if code != 0 || !strings.Contains(stderr, "resuming mlp after epoch") || !strings.Contains(stdout, "12 epochs") {
		t.Fatalf("--resume: exit %d\n%s%s", code, stdout, stderr)
	}

	a, err := models.Load(whole)
	if err != nil {
		t.Fatal(err)
	}
	b, err := models.Load(killed)
	if err != nil {
		t.Fatal(err)
	}
	sameParams(t, "resumed model", a, b)
	if left, _ := os.ReadDir(dir); len(left) != 4 {
		t.Errorf("files left: %v", left)
	}
	sa, err := series.Read(wholeDir)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := series.Read(killedDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(sa.Checkpoints) != 3 || len(sb.Checkpoints) != 3 || sa.Checkpoints[2].Epoch != 12 {
		t.Fatalf("series %+v and %+v, want epochs 5, 10, 12", sa.Checkpoints, sb.Checkpoints)
	}
	for i, e := range sa.Checkpoints {
		f := sb.Checkpoints[i]
		if e.Epoch != f.Epoch || e.TrainLoss != f.TrainLoss || e.TestAcc != f.TestAcc {
			t.Errorf("series entry %d: %+v, resumed %+v", i, e, f)
		}
		na, _ := sa.Load(wholeDir, i)
		nb, err := sb.Load(killedDir, i)
		if err != nil {
			t.Fatal(err)
		}
		sameParams(t, "series checkpoint "+e.File, na, nb)
	}
}

// A series index says what each checkpoint holds: the epoch, the measurements of that epoch as
// the checkpoint's own history has them, and a time; the last epoch is always in it.
func TestTrainCheckpointSeries(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "series")
	mustRun(t, "train", "--limit", "300", "--hidden", "16", "--epochs", "5", "--until-fit=false", "--allow-unfit", "--save-every", "2", "--out-dir", dir)
	ix, err := series.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Data != "sample" || ix.Images != 300 || ix.Every != 2 || ix.Arch["hidden"] != "16" || len(ix.Checkpoints) != 3 {
		t.Fatalf("index %+v", ix)
	}
	for i, want := range []int{2, 4, 5} {
		e := ix.Checkpoints[i]
		net, err := ix.Load(dir, i)
		if err != nil {
			t.Fatal(err)
		}
		var hist []struct {
			Epoch    int     `json:"epoch"`
			TrainAcc float64 `json:"train_acc"`
			TestLoss float64 `json:"test_loss"`
		}
		if err := json.Unmarshal([]byte(net.Meta["history"]), &hist); err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if e.Epoch != want || e.File != series.FileName(want) || last.Epoch != want || last.TrainAcc != e.TrainAcc ||
			last.TestLoss != e.TestLoss || e.Time.IsZero() || e.Seconds <= 0 {
			t.Errorf("entry %d: %+v, checkpoint history ends %+v", i, e, last)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "train.resume")); err == nil {
		t.Error("the finished run left its state")
	}
	code, _, stderr := cli("train", "--limit", "300", "--hidden", "16", "--epochs", "1", "--out-dir", dir)
	if code != 1 || !strings.Contains(stderr, "already holds a series of 3 checkpoints") {
		t.Errorf("a second run into the same folder: exit %d, %q", code, stderr)
	}
}

// A learning rate that makes the loss overflow says so, names --lr and writes nothing (it used to
// say "keeps the weights of epoch 0").
func TestTrainDivergedWritesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.safetensors")
	code, _, stderr := cli("train", "--limit", "200", "--hidden", "32", "--lr", "1e30", "--epochs", "2", "--out", out)
	if code != 1 || !strings.Contains(stderr, "training diverged in epoch 1") || !strings.Contains(stderr, "at learning rate 1e+30 (--lr); nothing was written") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// Where the model is written: a symbolic link stays and its target gets the model, a directory is
// refused before the work.
func TestTrainOutThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "models"), 0o755)
	link := filepath.Join(dir, "latest.safetensors")
	os.Symlink("models/m1.safetensors", link)
	mustRun(t, "train", "--limit", "100", "--hidden", "8", "--epochs", "1", "--allow-unfit", "--out", link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the link was replaced")
	}
	if _, err := models.Load(filepath.Join(dir, "models", "m1.safetensors")); err != nil {
		t.Fatal(err)
	}
}

// A run that ends short of 100% training accuracy (here: the epoch cap of 1) says so loudly on
// stderr, writes the model with fits: false and its training accuracy, and exits 3; with
// --allow-unfit it warns the same and exits 0. A run that fits records fits: true.
func TestTrainUnfittedExitsNonZero(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.safetensors")
	args := []string{"train", "--limit", "300", "--hidden", "8", "--epochs", "1", "--out", out}
	code, stdout, stderr := cli(args...)
	if code != 3 || !strings.Contains(stderr, "surfscope train: NOT FITTED: the run ended after 1 epochs with ") ||
		!strings.Contains(stderr, out+" records fits: false; train longer (--epochs) or pass --allow-unfit") ||
		!strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, stdout, stderr)
	}
	net, err := models.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	fit, ok, err := net.Fit()
	if !ok || err != nil || fit.Fits || fit.TrainAccuracy >= 1 || fit.Images != 300 || fit.Misclassified == 0 ||
		!strings.Contains(stderr, fmt.Sprintf("%d of 300 training images misclassified", fit.Misclassified)) {
		t.Errorf("fit record %+v (%v, %v); stderr %q", fit, ok, err, stderr)
	}
	code, _, stderr = cli(append(args, "--allow-unfit")...)
	if code != 0 || !strings.Contains(stderr, "surfscope train: WARNING: NOT FITTED") || !strings.Contains(stderr, "(accepted: --allow-unfit)") {
		t.Errorf("--allow-unfit: exit %d, stderr %q", code, stderr)
	}
}
