package view

import (
	"context"
	"image/color"
	"math"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
)

// sampled samples the State's model over its probe.
func sampled(t *testing.T, s State) (*surface.Grid, *dataset.Set) {
	t.Helper()
	sm, err := s.Sample(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sm.Grid, sm.Set
}

func TestSceneOfADataPlane(t *testing.T) {
	s := Default()
	s.Probe, s.Grid, s.Theme, s.Colormap, s.Metric = "data:3,7,11", 9, "dark", "magma", "probability"
	s.ColorMin, s.ColorMax = 0, 1
	g, set := sampled(t, s)
	sc, err := s.Scene(g, set)
	if err != nil {
		t.Fatal(err)
	}
	label := set.Labels[3] // class -1: the first image's
	if !strings.Contains(sc.Title, "data plane") || !strings.HasPrefix(sc.Label, "p(") || sc.ZLabel != sc.Label {
		t.Errorf("title %q, label %q, z label %q", sc.Title, sc.Label, sc.ZLabel)
	}
	if sc.Colormap.Name() != "magma" || sc.Background != Background("dark") || sc.Min != 0 || sc.Max != 1 || sc.Samples != 16 {
		t.Errorf("colormap %s, background %v, range [%g, %g], samples %d", sc.Colormap.Name(), sc.Background, sc.Min, sc.Max, sc.Samples)
	}
	// The height is the softmax probability of the first image's class, at every point.
	for q := 0; q < g.NX*g.NY; q++ {
		z := g.Values[q*g.K : (q+1)*g.K]
		sum := 0.0
		for _, v := range z {
			sum += math.Exp(float64(v - z[label]))
		}
		if got := sc.Field.Z(q%g.NX, q/g.NX); math.Abs(got-1/sum) > 1e-6 {
			t.Fatalf("point %d: height %g, p = %g", q, got, 1/sum)
		}
	}
	if len(sc.Markers) != 3 || !sc.MarkerEdges {
		t.Fatalf("%d markers, edges %v", len(sc.Markers), sc.MarkerEdges)
	}
	for k, i := range []int{3, 7, 11} {
		m := sc.Markers[k]
		want := Thumbnail(set, i)
		if m.Image == nil || !strings.HasPrefix(m.Label, "#") || m.Image.Bounds() != want.Bounds() {
			t.Fatalf("marker %d: %+v", k, m)
		}
		x := set.Image(i)[28*14+14] // the centre pixel, grey
		if c := want.RGBAAt(14, 14); math.Abs(float64(c.R)-float64(x)*255) > 0.5 || c.R != c.G {
			t.Errorf("thumbnail pixel %v, image value %g", c, x)
		}
	}
}

// A mixup line tests linearity: the chosen metric is drawn (probabilities, not logits), the two end
// classes emphasised in their own colours and the other eight muted and listed once, each end
// class with its chord (dashed, through its values at λ = 0 and 1), and the markers sit on their
// end's curve.
func TestSceneOfALine(t *testing.T) {
	s := Default()
	s.Probe, s.Points, s.From, s.To, s.Metric = "mixup:0,1", 21, -0.5, 1.5, "probability"
	g, set := sampled(t, s)
	sc, err := s.Scene(g, set)
	if err != nil {
		t.Fatal(err)
	}
	a, b := set.Labels[0], set.Labels[1] // 7 and 2
	if sc.View != render.ViewLines || sc.XLabel != "λ" || sc.YLabel != "probability" || !strings.Contains(sc.Title, "mixup line") {
		t.Fatalf("line scene: view %v, x %q, y %q, title %q", sc.View, sc.XLabel, sc.YLabel, sc.Title)
	}
	nx, ny := sc.Field.Dims()
	// 8 muted classes, 2 emphasised, 2 chords, 1 legend row for the chords
	if nx != 21 || ny != 13 || len(sc.Curves) != 13 {
		t.Fatalf("line field %dx%d with %d styles, want 21 × 13", nx, ny, len(sc.Curves))
	}
	var named []string
	for j, name := range sc.Legend {
		if name != "" {
			named = append(named, name)
		}
		if j < 8 && (sc.Curves[j].Color != mutedColor || sc.Curves[j].Width >= 1) {
			t.Errorf("curve %d (%q) is not muted: %+v", j, name, sc.Curves[j])
		}
	}
	want := []string{"other classes", set.ClassName(a) + " (#0)", set.ClassName(b) + " (#1)", "straight line between the ends"}
	if strings.Join(named, "|") != strings.Join(want, "|") {
		t.Errorf("legend %q, want %q", named, want)
	}
	if sc.Curves[8].Color == sc.Curves[9].Color || sc.Curves[8].Dashed || !sc.Curves[10].Dashed || sc.Curves[10].Color != sc.Curves[8].Color {
		t.Errorf("emphasised and chord styles %+v", sc.Curves[8:12])
	}
	for i := 0; i < nx; i++ {
		p := func(k int) float64 {
			z := g.Values[i*g.K : (i+1)*g.K]
			sum := 0.0
			for _, v := range z {
				sum += math.Exp(float64(v - z[k]))
			}
			return 1 / sum
		}
		if got := sc.Field.Z(i, 8); math.Abs(got-p(a)) > 1e-6 {
			t.Fatalf("λ = %g: curve of class %d at %g, p = %g", g.S[i], a, got, p(a))
		}
	}
	// The chord of class a passes through its values at λ = 0 (index 5) and λ = 1 (index 15) and
	// is straight.
	for _, i := range []int{5, 15} {
		if d := sc.Field.Z(i, 10) - sc.Field.Z(i, 8); math.Abs(d) > 1e-9 {
			t.Errorf("chord off its curve by %g at λ = %g", d, g.S[i])
		}
	}
	if d := sc.Field.Z(0, 10) - 2*sc.Field.Z(5, 10) + sc.Field.Z(10, 10); math.Abs(d) > 1e-9 {
		t.Errorf("chord not straight: second difference %g", d)
	}
	if sc.Min != -0.02 || sc.Max != 1.02 {
		t.Errorf("probability axis [%g, %g]", sc.Min, sc.Max)
	}
	if len(sc.Markers) != 2 || sc.Markers[1].X != 1 || math.Abs(sc.Markers[1].Y-sc.Field.Z(15, 9)) > 1e-9 {
		t.Errorf("markers %+v, end 1 on its curve at %g", sc.Markers, sc.Field.Z(15, 9))
	}
	// Every value metric a line takes has a chord; the gradient norm and the predicted class none.
	for m, rows := range map[string]int{"logit": 13, "loss": 5, "margin": 3, "gradient norm": 2, "predicted class": 1} {
		s.Metric = m
		sc, err := s.Scene(g, set)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if _, ny := sc.Field.Dims(); ny != rows {
			t.Errorf("%s: %d curves, want %d", m, ny, rows)
		}
	}
	s.Metric = "mean curvature"
	if _, err := s.Scene(g, set); err == nil || !strings.Contains(err.Error(), "needs a plane") {
		t.Errorf("curvature on a line: %v", err)
	}
}

func TestSceneOfEveryMetric(t *testing.T) {
	s := Default()
	s.Probe, s.Grid = "flip:4,1", 9
	g, set := sampled(t, s)
	for _, m := range Metrics {
		s.Metric = m
		sc, err := s.Scene(g, set)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if sc.Field == nil || sc.Label == "" {
			t.Errorf("%s: no field or label", m)
		}
		if m == "predicted class" && !sc.Categorical {
			t.Error("predicted class is not categorical")
		}
	}
	s.Probe, s.Metric = "data:0,1,2", "mirror difference"
	g, set = sampled(t, s)
	if _, err := s.Scene(g, set); err == nil || !strings.Contains(err.Error(), "flip plane") {
		t.Errorf("mirror difference on a data plane: %v", err)
	}
	s.Metric, s.Class = "logit", 10
	if _, err := s.Scene(g, set); err == nil || !strings.Contains(err.Error(), "--class 10") {
		t.Errorf("class 10 of 10: %v", err)
	}
}

// Render draws the State at its size; a light and a dark theme differ in the corner.
func TestRenderUsesSizeAndTheme(t *testing.T) {
	s := Default()
	s.Grid, s.Width, s.Height, s.Samples = 9, 160, 120, 1
	g, set := sampled(t, s)
	r := render.NewCPU()
	light, err := s.Render(r, g, set)
	if err != nil {
		t.Fatal(err)
	}
	s.Theme = "dark"
	dark, err := s.Render(r, g, set)
	if err != nil {
		t.Fatal(err)
	}
	if b := light.Bounds(); b.Dx() != 160 || b.Dy() != 120 {
		t.Fatalf("picture %v", b)
	}
	if light.RGBAAt(1, 1) != (color.RGBA{255, 255, 255, 255}) || dark.RGBAAt(1, 1) != (color.RGBA{0x17, 0x17, 0x18, 255}) {
		t.Errorf("corners %v and %v", light.RGBAAt(1, 1), dark.RGBAAt(1, 1))
	}
}

func TestStatistics(t *testing.T) {
	s := Default()
	s.Grid = 9
	g, _ := sampled(t, s)
	sum, err := surface.Summarize(context.Background(), g, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Statistics(sum)
	for _, want := range []string{"data probe, 9x9 points", "polynomial degree", "|Gaussian curvature|", "margin"} {
		if !strings.Contains(text, want) {
			t.Errorf("statistics lack %q:\n%s", want, text)
		}
	}
}

func TestSampleErrorsNameTheCulprit(t *testing.T) {
	s := DefaultSampling()
	s.Probe = "data:0,1,5000"
	if _, err := s.Sample(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "sample/test") || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("image 5000 of 1000: %v", err)
	}
	s = DefaultSampling()
	s.Model = t.TempDir() + "/missing.safetensors"
	if _, err := s.Sample(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "missing.safetensors") {
		t.Errorf("missing model: %v", err)
	}
	s = DefaultSampling()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Sample(ctx, nil); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
}

// A picture whose buffers would not fit the memory cap is refused before any is allocated.
func TestRenderChecksTheMemoryCap(t *testing.T) {
	s := Default()
	s.Grid, s.Width, s.Height, s.Samples = 9, 16384, 8192, 16
	g, set := sampled(t, s)
	t.Setenv(memcap.EnvVar, "1GB")
	_, err := s.Render(render.NewCPU(), g, set)
	if err == nil || !strings.Contains(err.Error(), "a 16384x8192 picture with 16 samples a pixel needs about 3.8 GB") {
		t.Fatalf("Render: %v", err)
	}
}
