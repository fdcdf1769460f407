package main

import (
	"bytes"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/provenance"
)

// animate over a series of five checkpoints writes a GIF of five frames, one per checkpoint, each
// a different picture, with every checkpoint in its provenance; the orbit of one checkpoint has
// the frames asked for.
func TestAnimateSeries(t *testing.T) {
	t.Setenv("SURFSCOPE_RENDER", "cpu")
	dir := t.TempDir()
	ser := filepath.Join(dir, "series")
	mustRun(t, "train", "--limit", "300", "--hidden", "16", "--epochs", "5", "--until-fit=false", "--allow-unfit", "--out-dir", ser)
	out := filepath.Join(dir, "evolution.gif")
	small := []string{"--grid", "12", "--width", "160", "--height", "120", "--samples", "1"}
	stdout := mustRun(t, append([]string{"animate", "--series", ser, "--out", out, "--fps", "4"}, small...)...)
	if !strings.Contains(stdout, "5 frames, 160x120, 4 per second") {
		t.Errorf("stdout: %s", stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 5 || g.Config.Width != 160 || g.Config.Height != 120 || g.Delay[0] != 25 {
		t.Fatalf("%d frames of %dx%d, delay %d; want 5 of 160x120, 25", len(g.Image), g.Config.Width, g.Config.Height, g.Delay[0])
	}
	for k := 1; k < len(g.Image); k++ {
		if bytes.Equal(g.Image[k].Pix, g.Image[k-1].Pix) {
			t.Errorf("frames %d and %d are the same picture: the surface did not change", k-1, k)
		}
	}
	rec, err := provenance.ReadGIF(bytes.NewReader(b))
	if err != nil || len(rec.Models) != 5 || !strings.HasSuffix(rec.Models[4].Path, "epoch-0005.safetensors") || rec.Probe != "data:0,1,2" {
		t.Errorf("provenance %+v, %v", rec, err)
	}
	orbit := filepath.Join(dir, "orbit.gif")
	mustRun(t, append([]string{"animate", "--model", filepath.Join(ser, "epoch-0005.safetensors"), "--orbit", "--frames", "6", "--out", orbit}, small...)...)
	f, err := os.Open(orbit)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if g, err := gif.DecodeAll(f); err != nil || len(g.Image) != 6 || g.Delay[0] != 5 {
		t.Errorf("orbit: %v, %+v", err, g)
	}
}

// Bad requests are one line and exit status 2, before any work.
func TestAnimateFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.gif")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "embedded", "--model", "embedded"}, "--out is required"},
		{[]string{"--model", "embedded", "--model", "embedded", "--out", "a.avi"}, "want a .gif or .mp4 file"},
		{[]string{"--out", out}, "give either --series DIR or --model FILE"},
		{[]string{"--series", "x", "--model", "embedded", "--out", out}, "give either --series DIR or --model FILE"},
		{[]string{"--model", "embedded", "--model", "embedded", "--orbit", "--out", out}, "--orbit turns around one model"},
		{[]string{"--model", "embedded", "--out", out}, "one --model makes one frame"},
		{[]string{"--model", "embedded", "--orbit", "--frames", "1", "--out", out}, "--frames 1: want 2 to 3600"},
		{[]string{"--model", "embedded", "--orbit", "--fps", "-1", "--out", out}, "--fps -1: want 0 to 100"},
	} {
		code, _, errs := cli(append([]string{"animate"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("animate %v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	code, _, errs := cli("animate", "--series", t.TempDir(), "--out", out)
	if code != 1 || !strings.Contains(errs, "is not a checkpoint series") {
		t.Errorf("a folder without a series: exit %d, %q", code, errs)
	}
	t.Setenv("PATH", t.TempDir())
	code, _, errs = cli("animate", "--model", "embedded", "--orbit", "--out", filepath.Join(t.TempDir(), "a.mp4"))
	if code != 1 || !strings.Contains(errs, "MP4 needs the ffmpeg program") {
		t.Errorf("MP4 without ffmpeg: exit %d, %q", code, errs)
	}
}

// The frames animate holds until it writes are checked against the memory cap before any work: an
// orbit of 3,600 frames of 16384×8192 (2.4 TB) is one line naming the frames and the cap's
// variable, and nothing is written.
func TestAnimateFramesWithinMemoryCap(t *testing.T) {
	t.Setenv("SURFSCOPE_MAX_MEMORY", "64GiB")
	out := filepath.Join(t.TempDir(), "a.gif")
	code, _, errs := cli("animate", "--model", "embedded", "--orbit", "--frames", "3600", "--width", "16384", "--height", "8192", "--out", out)
	want := "3600 frames of 16384x8192 needs about 2.4 TB of memory, more than the cap of 69 GB (SURFSCOPE_MAX_MEMORY=64GiB)"
	if code != 1 || !strings.Contains(errs, want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
		t.Errorf("exit %d, %q; want 1 and %q", code, errs, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was written: %v", out, err)
	}
}
