package main

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/screenshot"
)

// liveData writes an MNIST-layout folder whose training split is the embedded sample's images
// four times over (8000 images), the fourth copy with every label moved to the next class, and
// whose test split is the sample's. The same image under two labels cannot be fitted, so training
// on it runs to the form's epoch cap (30 epochs of 125 batches) on any machine instead of
// stopping when the net fits — which the MLP now does after a few seconds, too soon to watch the
// live surface change.
func liveData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		split  string
		repeat int
		prefix string
	}{{dataset.Train, 4, "train"}, {dataset.Test, 1, "t10k"}} {
		s, err := dataset.Open(dataset.Sample, f.split)
		if err != nil {
			t.Fatal(err)
		}
		big := *s
		big.N *= f.repeat
		big.Images, big.Labels = nil, nil
		for copy := range f.repeat {
			big.Images = append(big.Images, s.Images...)
			for _, l := range s.Labels {
				if copy == 3 {
					l = (l + 1) % s.Classes
				}
				big.Labels = append(big.Labels, l)
			}
		}
		var images, labels bytes.Buffer
		if err := dataset.WriteIDXImages(&images, &big); err != nil {
			t.Fatal(err)
		}
		if err := dataset.WriteIDXLabels(&labels, &big); err != nil {
			t.Fatal(err)
		}
		writeGz(t, filepath.Join(dir, f.prefix+"-images-idx3-ubyte.gz"), images.Bytes())
		writeGz(t, filepath.Join(dir, f.prefix+"-labels-idx1-ubyte.gz"), labels.Bytes())
	}
	return dir
}

// lookFor looks at the window four times a second for d.
func (w *liveWatch) lookFor(d time.Duration) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		w.look()
		time.Sleep(250 * time.Millisecond)
	}
}

// liveWatch looks at the real window while it trains, as a person would: the window's title (the
// live surface's epoch and batch) and the picture where the surface is drawn.
type liveWatch struct {
	dir    string
	titles []string          // distinct live titles, in the order seen
	shots  map[[32]byte]bool // the surface region's pixels under each live title
	saved  int
}

// look grabs the window's title and the screen once; under a live title it keeps the picture's
// hash and the first three screenshots (live-N.png in dir).
func (w *liveWatch) look() {
	out, err := exec.Command("xdotool", "search", "--name", "^surfscope — live: epoch", "getwindowname", "%@").Output()
	title := strings.TrimSpace(string(out))
	if err != nil || title == "" {
		return
	}
	img, raw, err := screenshot.Root()
	if err != nil {
		return
	}
	if len(w.titles) == 0 || w.titles[len(w.titles)-1] != title {
		w.titles = append(w.titles, title)
	}
	b := img.Bounds()
	region := image.NewRGBA(image.Rect(b.Min.X+b.Dx()/3, b.Min.Y+b.Dy()/8, b.Max.X, b.Max.Y-b.Dy()/8))
	draw.Draw(region, region.Rect, img, region.Rect.Min, draw.Src)
	h := sha256.Sum256(region.Pix)
	if w.shots == nil {
		w.shots = map[[32]byte]bool{}
	}
	if !w.shots[h] && w.saved < 3 {
		w.saved++
		os.WriteFile(filepath.Join(w.dir, "live-"+string(rune('0'+w.saved))+".png"), raw, 0o644)
	}
	w.shots[h] = true
}

// check wants the surface seen changing at least three times during training, under titles that
// name the epochs.
func (w *liveWatch) check(t *testing.T) {
	t.Helper()
	t.Logf("live surface: %d distinct pictures under %d titles, e.g. %q", len(w.shots), len(w.titles), w.titles)
	if len(w.shots) < 3 || len(w.titles) < 3 {
		t.Errorf("while training, the surface was seen in %d different pictures under %d live titles; want at least 3 of each (screenshots live-N.png in %s)", len(w.shots), len(w.titles), w.dir)
	}
	for _, title := range w.titles {
		if !strings.Contains(title, "epoch ") || !strings.Contains(title, " of ") {
			t.Errorf("live title %q does not name the epoch", title)
		}
	}
}
