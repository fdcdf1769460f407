package app

import (
	"image"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/surfscope/surfscope/render"
)

// The NTK tab computes the kernel of the session's model in the background and shows the log-log
// spectrum with its fit and the cumulative learnability, both drawable line scenes.
func TestNTKTabComputesAndShows(t *testing.T) {
	u := newTestUI(t)
	waitFor(t, "the model and data", 60*time.Second, func() bool { s := u.session.Snapshot(); return s.Net != nil && s.Test != nil })
	v := u.ntk
	v.samples.SetSelected("250")
	test.Tap(v.runBtn)
	waitFor(t, "the NTK report", 120*time.Second, func() bool { return v.Report() != nil && !v.runBtn.Disabled() })
	rep := v.Report()
	if rep.Samples != 250 || rep.Initial == nil || rep.Network == nil {
		t.Fatalf("report: %d samples, initial %v, network %v", rep.Samples, rep.Initial != nil, rep.Network)
	}
	sp, ok := v.spectrum.Scene()
	if !ok || sp.View != render.ViewLines {
		t.Fatal("no spectrum scene")
	}
	if nx, ny := sp.Field.Dims(); nx != 250 || ny != 3 {
		t.Errorf("spectrum field %dx%d, want 250 modes × (trained, fit, initial)", nx, ny)
	}
	// The first curve is log₁₀ λ_i over log₁₀ i; the fit is NaN outside its range.
	g := sp.Field.(*render.Grid)
	if math.Abs(g.Z(0, 0)-math.Log10(rep.Trained.Eigenvalues[0])) > 1e-12 || g.X(9) != 1 || !math.IsNaN(g.Z(0, 1)) || math.IsNaN(g.Z(20, 1)) {
		t.Errorf("spectrum values: %v at x %v, fit %v and %v", g.Z(0, 0), g.X(9), g.Z(0, 1), g.Z(20, 1))
	}
	ln, _ := v.learn.Scene()
	lg := ln.Field.(*render.Grid)
	nx, ny := lg.Dims()
	if ny != len(rep.Trained.Sizes)+1 || math.Abs(lg.Z(nx-1, 0)-1) > 1e-9 || math.Abs(lg.Z(nx-1, ny-1)-1) > 1e-9 {
		t.Errorf("learnability curves %d, ends %v and %v; want %d curves ending at 1", ny, lg.Z(nx-1, 0), lg.Z(nx-1, ny-1), len(rep.Trained.Sizes)+1)
	}
	r := render.NewCPU()
	defer r.Close()
	for _, s := range []render.Scene{sp, ln} {
		img := image.NewRGBA(image.Rect(0, 0, 480, 320))
		if err := r.Render(img, &s); err != nil {
			t.Fatalf("%s: %v", s.Title, err)
		}
		if c := distinctColours(img); c < 8 {
			t.Errorf("%s: only %d colours drawn", s.Title, c)
		}
	}
	if v.summary.Text == "" || v.Object() == nil {
		t.Error("no summary")
	}
}
