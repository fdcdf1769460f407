package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Flags that make no sense are one line naming the flag, exit status 2, before any work and with
// nothing written. Each of these ran before (a grid of 64 for --grid 0, all images for --limit -5,
// 100 epochs for --epochs 0, all-NaN files for --from NaN, a hang for --mixup NaN, …).
func TestFlagsOutOfRange(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out.npy")
	model := filepath.Join(dir, "m.safetensors")
	train := []string{"train", "--limit", "100", "--hidden", "8", "--epochs", "1", "--out", model}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--probe", "mixup:0,1", "--from", "NaN", "--out", out}, "--from NaN: want a finite number"},
		{[]string{"sample", "--probe", "mixup:0,1", "--to", "Inf", "--out", out}, "--to +Inf: want a finite number"},
		{[]string{"sample", "--margin", "NaN", "--out", out}, "--margin NaN: want a finite number"},
		{[]string{"sample", "--margin", "-0.5", "--out", out}, "--margin -0.5: want at least 0"},
		{[]string{"sample", "--grid", "0", "--out", out}, "--grid 0: want 2 to 4096"},
		{[]string{"sample", "--grid", "-3", "--out", out}, "--grid -3: want 2 to 4096"},
		{[]string{"sample", "--probe", "mixup:0,1", "--points", "0", "--out", out}, "--points 0: want 2 to 4096"},
		{[]string{"sample", "--probe", "random:0,1", "--range", "NaN", "--out", out}, "--range NaN: want a finite number"},
		{[]string{"render", "--class", "-5", "--out", out}, "--class -5: want at least -1"},
		{[]string{"render", "--samples", "0", "--out", out}, "--samples 0: want at least 1"},
		{[]string{"render", "--contours", "-1", "--out", out}, "--contours -1: want at least 0"},
		{[]string{"analyze", "--grid", "1", "--out", out}, "--grid 1: want 2 to 4096"},
		{append(train, "--limit", "-5"), "--limit -5: want at least 0"},
		{append(train, "--epochs", "0"), "--epochs 0: want at least 1"},
		{append(train, "--batch", "0"), "--batch 0: want at least 1"},
		{append(train, "--mixup", "NaN"), "--mixup NaN: want a finite number"},
		{append(train, "--mixup", "Inf"), "--mixup +Inf: want a finite number"},
		{append(train, "--lr", "-1"), "--lr -1: want at least 0"},
		{append(train, "--wd", "NaN"), "--wd NaN: want a finite number"},
		{append(train, "--momentum", "2"), "--momentum 2: want 0 to 1"},
		{append(train, "--arch", "resnet", "--width", "0"), "--width 0: want at least 1"},
		{append(train, "--save-every", "2"), "--save-every needs --out-dir, the folder of the series"},
		{[]string{"landscape", "--range", "NaN", "--out", out}, "--range NaN: want a finite number"},
		{[]string{"landscape", "--range", "0", "--out", out}, "--range 0: want more than 0"},
		{[]string{"landscape", "--images", "0", "--out", out}, "--images 0: want at least 1"},
		{[]string{"landscape", "--hessian-steps", "-1", "--out", out}, "--hessian-steps -1: want at least 0"},
		{[]string{"landscape", "--other", "embedded", "--from", "1", "--to", "1", "--out", out}, "--from 1, --to 1: want --from < --to"},
		{[]string{"atlas", "--planes", "-2"}, "--planes -2: want at least 0"},
		{[]string{"atlas", "--images", "-3"}, "--images -3: want at least 0"},
		{[]string{"atlas", "--grid", "0"}, "--grid 0: want 2 to 4096"},
		{[]string{"ntk", "--test-n", "-1", "--out", out}, "--test-n -1: want at least 0"},
		{[]string{"ntk", "--trials", "-1", "--out", out}, "--trials -1: want at least 0"},
		{[]string{"ntk", "--ridge", "NaN", "--out", out}, "--ridge NaN: want a finite number"},
		{[]string{"bench", "--grid", "0"}, "--grid 0: want 2 to 4096"},
		{[]string{"render", "--color-range", "NaN,1", "--out", out}, `invalid value "NaN,1" for flag --color-range: "NaN" is not a finite number (surfscope render -h lists the flags)`},
		{[]string{"render", "--camera", "1,Inf,3", "--out", out}, `invalid value "1,Inf,3" for flag --camera: "Inf" is not a finite number (surfscope render -h lists the flags)`},
		{[]string{"sample", "--grid", "many", "--out", out}, `invalid value "many" for flag --grid: parse error (surfscope sample -h lists the flags)`},
	}
	for _, c := range cases {
		code, stdout, stderr := cli(c.args...)
		want := "surfscope " + c.args[0] + ": " + c.want + "\n"
		if code != 2 || stderr != want || stdout != "" {
			t.Errorf("surfscope %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(c.args, " "), code, stderr, want)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("files written: %v", left)
	}
}

// Where a command writes is checked before any work: a missing folder, a place like /proc or a
// directory is one line naming the flag, and nothing is computed (no progress on stderr).
func TestOutputsCheckedBeforeTheWork(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no", "such", "m.safetensors")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--out", missing}, "--out " + missing + ": folder " + filepath.Dir(missing) + " does not exist"},
		{[]string{"train", "--out", "/proc/m.safetensors"}, "--out /proc/m.safetensors: cannot create a file in /proc"},
		{[]string{"train", "--out", dir}, "--out " + dir + ": is a directory"},
		{[]string{"train", "--out-dir", "/proc/series"}, "--out-dir /proc/series: cannot create the folder"},
		{[]string{"landscape", "--out", "/proc/l.npy"}, "--out /proc/l.npy: cannot create a file in /proc"},
		{[]string{"landscape", "--out", filepath.Join(dir, "l.npy"), "--json", "/proc/l.json"}, "--json /proc/l.json: cannot create a file in /proc"},
		{[]string{"ntk", "--out", "/proc/n.json"}, "--out /proc/n.json: cannot create a file in /proc"},
		{[]string{"ntk", "--out", filepath.Join(dir, "n.json"), "--npy", missing}, "--npy " + missing + ": folder"},
		{[]string{"analyze", "--vts", "/proc/a.vts"}, "--vts /proc/a.vts: cannot create a file in /proc"},
		{[]string{"render", "--out", dir}, "--out " + dir + ": is a directory"},
		{[]string{"sample", "--out", missing}, "--out " + missing + ": folder"},
		{[]string{"eval", "--out", "/proc/e.npy"}, "--out /proc/e.npy: cannot create a file in /proc"},
		{[]string{"atlas", "--json", "/proc/a.json"}, "--json /proc/a.json: cannot create a file in /proc"},
	}
	for _, c := range cases {
		code, _, stderr := cli(c.args...)
		if code != 2 || !strings.HasPrefix(stderr, "surfscope "+c.args[0]+": "+c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("surfscope %s: exit %d, stderr %q; want exit 2 and one line %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); err == nil {
		t.Error("a missing folder was created")
	}
}

// Probes and data that mean nothing are errors naming what is wrong.
func TestMeaninglessProbesAndData(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "a.npy")
	code, _, stderr := cli("sample", "--probe", "mixup:5,5", "--out", out)
	if code != 1 || !strings.Contains(stderr, `probe "mixup:5,5": a mixup line needs two different images`) {
		t.Errorf("mixup:5,5: exit %d, %q", code, stderr)
	}
	code, _, stderr = cli("sample", "--probe", "mixup:0,1", "--from", "1", "--to", "1", "--out", out)
	if code != 1 || !strings.Contains(stderr, "--from 1, --to 1: a mixup line needs --from < --to") {
		t.Errorf("--from 1 --to 1: exit %d, %q", code, stderr)
	}
	// IDX digits with one label of 255: not 256 classes.
	data := filepath.Join(dir, "lab255")
	os.Mkdir(data, 0o755)
	images := make([]byte, 3*28*28)
	for _, split := range []string{"train", "t10k"} {
		writeGz(t, filepath.Join(data, split+"-images-idx3-ubyte.gz"), append([]byte{0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28}, images...))
		writeGz(t, filepath.Join(data, split+"-labels-idx1-ubyte.gz"), []byte{0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 255})
	}
	code, stdout, stderr := cli("data", "--data", data)
	if code != 1 || !strings.Contains(stderr, "label 255 (image 2) would make 256 classes") || strings.Contains(stdout, "classes") {
		t.Errorf("a label of 255: exit %d, %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed command wrote its file")
	}
}

// Input files that are not regular files are named with what they are; a pipe never hangs.
func TestInputFilesThatAreNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "model.safetensors")
	mkfifo(t, fifo)
	dangling := filepath.Join(dir, "gone.onnx")
	os.Symlink("nowhere.onnx", dangling)
	out := filepath.Join(dir, "x.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--model", fifo, "--out", out}, fifo + ": not a regular file but a named pipe"},
		{[]string{"sample", "--model", dangling, "--out", out}, dangling + ": symbolic link to nowhere.onnx, which does not exist"},
		{[]string{"sample", "--model", dir, "--out", out}, dir + ": not a regular file but a folder"},
		{[]string{"atlas", "--show", fifo}, fifo + ": not a regular file but a named pipe"},
	} {
		code, _, stderr := cliWithin(t, c.args...)
		if code != 1 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("surfscope %s: exit %d, %q; want %q", strings.Join(c.args, " "), code, stderr, c.want)
		}
	}
}

// A flag that the command does not use with the other flags given still runs, with a warning
// saying why it has no effect.
func TestIgnoredFlagsWarn(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := cli("sample", "--probe", "mixup:0,1", "--points", "5", "--grid", "9", "--out", filepath.Join(dir, "a.npy"))
	if code != 0 || !strings.Contains(stderr, "surfscope sample: warning: --grid is ignored: a mixup probe does not use it\n") ||
		strings.Contains(stderr, "--points is ignored") {
		t.Errorf("sample: exit %d, %q", code, stderr)
	}
	code, _, stderr = cli("train", "--limit", "50", "--hidden", "8", "--epochs", "1", "--allow-unfit", "--channels", "4", "--momentum", "0.5", "--out", filepath.Join(dir, "m.safetensors"))
	if code != 0 || !strings.Contains(stderr, "warning: --channels is ignored: --arch mlp does not use it") ||
		!strings.Contains(stderr, "warning: --momentum is ignored: it applies to --opt sgd") || strings.Contains(stderr, "--hidden is ignored") {
		t.Errorf("train: exit %d, %q", code, stderr)
	}
}
