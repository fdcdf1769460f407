package view

import (
	"errors"
	"fmt"
	"image"
	"strings"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/softmax"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// Readout is what a picture of a grid shows at one of its points: the point's coordinates on the
// probe, the value drawn there, the class the model predicts there with its probability, and the
// input the model sees there.
type Readout struct {
	I, J      int     // grid indices (J is 0 on a line)
	S, T      float64 // coordinates on the probe: (s, t) on a plane, λ = S on a line
	Line      bool
	Label     string  // what Value is, as the picture names it ("logit 7 (seven)", "gradient norm")
	Value     float64 // the value drawn at the point (heights, or colours when they differ)
	Class     int     // the predicted class: the largest logit
	ClassName string
	Prob      float64     // its softmax probability
	Image     *image.RGBA // the probe's point in input space as a picture (nil without a probe)
}

// NewReadout reads point (i, j) of grid g, drawn as scene sc (State.Scene of g on set; set may be
// nil, then classes are named by number).
func NewReadout(sc render.Scene, g *surface.Grid, set *dataset.Set, i, j int) (Readout, error) {
	if g == nil || i < 0 || j < 0 || i >= g.NX || j >= g.NY {
		return Readout{}, errors.New("view: readout outside the grid")
	}
	r := Readout{I: i, J: j, S: g.S[i], Line: g.NY < 2, Label: sc.Label}
	if !r.Line {
		r.T = g.T[j]
	}
	if sc.View == render.ViewLines || sc.Field == nil {
		r.Value = float64(g.At(i, j, min(max(classOfLabel(sc), 0), g.K-1)))
	} else {
		r.Value = metricValues(sc).Z(i, j)
	}
	logits := g.Point(i, j)
	p := make([]float64, len(logits))
	softmax.Into(p, logits)
	for k, v := range p {
		if v > p[r.Class] {
			r.Class = k
		}
	}
	r.Prob = p[r.Class]
	r.ClassName = fmt.Sprint(r.Class)
	if set != nil {
		r.ClassName = set.ClassName(r.Class)
	}
	if pr := g.Probe; pr != nil {
		x := make([]float32, len(pr.Origin))
		pr.Point(x, j*g.NX+i)
		r.Image = Picture(x, pr.Shape)
	}
	return r, nil
}

// classOfLabel reads k from a label "logit k …" (−1 if it is not one).
func classOfLabel(sc render.Scene) int {
	var k int
	if _, err := fmt.Sscanf(sc.Label, "logit %d", &k); err != nil {
		return -1
	}
	return k
}

// Lines is the readout in three lines: "s 3.21, t 1.05" (or "λ 0.4"), "logit 7 (seven): 4.12",
// "predicted seven (97.3%)".
func (r Readout) Lines() []string {
	at := fmt.Sprintf("s %.4g, t %.4g", r.S, r.T)
	if r.Line {
		at = fmt.Sprintf("λ %.4g", r.S)
	}
	return []string{at, fmt.Sprintf("%s: %.4g", r.Label, r.Value), fmt.Sprintf("predicted %s (%.1f%%)", r.ClassName, 100*r.Prob)}
}

// String is the readout in one line, Lines joined by " · ".
func (r Readout) String() string { return strings.Join(r.Lines(), " · ") }
