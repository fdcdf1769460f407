package view

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/models/modelfile"
)

// The readout at a grid point holds the logit drawn there, the class the reference forward pass
// predicts at that point of input space with its probability, and that point as a picture: at the
// corner of a data plane without margin, exactly the probe's first image.
func TestReadout(t *testing.T) {
	s := Default()
	s.Grid, s.Margin = 9, 0
	g, set := sampled(t, s)
	sc, err := s.Scene(g, set)
	if err != nil {
		t.Fatal(err)
	}
	net, err := modelfile.Load("embedded")
	if err != nil {
		t.Fatal(err)
	}
	k := set.Labels[0]
	for _, p := range [][2]int{{0, 0}, {4, 3}, {8, 8}} {
		r, err := NewReadout(sc, g, set, p[0], p[1])
		if err != nil {
			t.Fatal(err)
		}
		if r.S != g.S[p[0]] || r.T != g.T[p[1]] || r.Value != float64(g.At(p[0], p[1], k)) || !strings.HasPrefix(r.Label, "logit") {
			t.Errorf("readout %+v at %v: want s %g, t %g, logit %d = %g", r, p, g.S[p[0]], g.T[p[1]], k, g.At(p[0], p[1], k))
		}
		x := make([]float32, len(g.Probe.Origin))
		g.Probe.Point(x, p[1]*g.NX+p[0])
		z, err := net.ForwardReference(x)
		if err != nil {
			t.Fatal(err)
		}
		prob := make([]float64, len(z))
		softmax.Into(prob, z)
		best := 0
		for c := range prob {
			if prob[c] > prob[best] {
				best = c
			}
		}
		if r.Class != best || math.Abs(r.Prob-prob[best]) > 1e-4 || r.ClassName != set.ClassName(best) {
			t.Errorf("at %v: predicted %d (%.5f), the reference pass %d (%.5f)", p, r.Class, r.Prob, best, prob[best])
		}
		if !strings.Contains(r.String(), "predicted "+r.ClassName) {
			t.Errorf("String %q", r.String())
		}
	}
	r, _ := NewReadout(sc, g, set, 0, 0)
	if want := Thumbnail(set, 0); !bytes.Equal(r.Image.Pix, want.Pix) {
		t.Error("the readout's picture at the plane's first image is not that image")
	}
	if _, err := NewReadout(sc, g, set, 9, 0); err == nil {
		t.Error("a point outside the grid: no error")
	}
}
