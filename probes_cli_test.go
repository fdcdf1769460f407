package main

import (
	"encoding/json"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/models/modelfile"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/render"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// everyProbe is one spec of each kind projection.ParseSpec reads.
var everyProbe = []string{"data:3,7,11", "mixup:2,5", "random:1,3", "flip:4,9", "grad:6,2", "pca", "pca:8"}

// independentProbe builds spec on the sample's test split with projection's and surface's own
// constructors, not through the commands' probe builder.
func independentProbe(t *testing.T, net *models.Net, set *dataset.Set, spec projection.Spec, grid, points int) *projection.Probe {
	t.Helper()
	var p *projection.Probe
	var err error
	switch spec.Kind {
	case "grad":
		ev, _ := infer.New(net)
		i := spec.Images[0]
		p, err = surface.AdversarialPlane(ev, net.Input, set.Image(i), set.Labels[i], spec.Seed, grid, 0)
	case "pca":
		var through []float32
		if len(spec.Images) > 0 {
			through = set.Image(spec.Images[0])
		}
		p, err = projection.PCAPlane(net.Input, set.Images, through, 1, grid, 0) // the sample has < 10,000 images
	default:
		p, err = spec.Build(net.Input, func(i int) ([]float32, error) { return set.Image(i), nil },
			projection.Sizes{Grid: grid, Points: points})
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every probe kind with `--model embedded` through sample (values checked against the reference
// forward pass at the points of an independently built probe), render, analyze and ntk --plane.
func TestEveryProbeKindWithTheEmbeddedModel(t *testing.T) {
	dir := t.TempDir()
	net, err := modelfile.Load(modelfile.Embedded)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Open("sample", "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, probe := range everyProbe {
		npy := filepath.Join(dir, "grid.npy")
		mustRun(t, "sample", "--model", "embedded", "--probe", probe, "--grid", "7", "--points", "11", "--out", npy)
		_, got, err := surface.ReadNPY(npy)
		if err != nil {
			t.Fatal(err)
		}
		spec, _ := projection.ParseSpec(probe)
		p := independentProbe(t, net, set, spec, 7, 11)
		if len(got) != p.Len()*10 {
			t.Fatalf("%s: %d values, want %d points × 10", probe, len(got), p.Len())
		}
		pt := make([]float32, net.InputSize())
		for k := 0; k < p.Len(); k++ {
			p.Point(pt, k)
			want, _ := net.ForwardReference(pt)
			for c, w := range want {
				if d := math.Abs(float64(got[k*10+c] - w)); d > 1e-4*math.Max(1, math.Abs(float64(w))) {
					t.Fatalf("%s: point %d logit %d: sample wrote %g, forward pass %g", probe, k, c, got[k*10+c], w)
				}
			}
		}
		png := filepath.Join(dir, "shot.png")
		mustRun(t, "render", "--model", "embedded", "--probe", probe, "--grid", "7", "--points", "11",
			"--width", "120", "--height", "90", "--samples", "1", "--out", png)
		if b := decodePNG(t, png).Bounds(); b.Dx() != 120 || b.Dy() != 90 {
			t.Errorf("%s: picture %v", probe, b)
		}
		js := filepath.Join(dir, "a.json")
		mustRun(t, "analyze", "--model", "embedded", "--probe", probe, "--grid", "7", "--points", "11",
			"--regions=false", "--out", js)
		var rep struct{ Model, Probe string }
		b, _ := os.ReadFile(js)
		if err := json.Unmarshal(b, &rep); err != nil || rep.Probe != probe || rep.Model != "embedded" {
			t.Errorf("%s: analyze report %s (%v)", probe, b, err)
		}
		args := []string{"ntk", "--model", "embedded", "--n", "40", "--sizes", "10,20", "--trials", "0", "--init=false",
			"--test-n", "50", "--plane", probe, "--grid", "5", "--modes", "3", "--out", filepath.Join(dir, "ntk.json")}
		if spec.Kind == "mixup" {
			if code, _, errs := cli(args...); code != 1 || !strings.Contains(errs, "a line, not a plane") {
				t.Errorf("ntk --plane %s: exit %d, %q", probe, code, errs)
			}
			continue
		}
		if out := mustRun(t, args...); !strings.Contains(out, "plane: logit") {
			t.Errorf("ntk --plane %s:\n%s", probe, out)
		}
	}
}

// `render` with a State's Args draws exactly the picture view.State.Render draws from the same
// State: every picture setting travels through the flags, and both use one code path.
func TestRenderReproducesAViewState(t *testing.T) {
	heat := view.Default()
	heat.Probe, heat.Grid, heat.Range = "random:5,2", 17, 0.75
	heat.Metric, heat.Class, heat.View, heat.Colormap, heat.Theme = "margin", 3, "heatmap", "magma", "dark"
	heat.ColorMin, heat.ColorMax, heat.Contours = -1, 6, 5
	heat.Width, heat.Height, heat.Samples = 200, 140, 1
	surf := heat
	surf.View, surf.Metric, surf.Colormap = "surface", "gradient norm", "coolwarm_r"
	surf.Camera = render.Camera{Yaw: 0.4, Pitch: 0.6, Distance: 3.5}
	for _, st := range []view.State{heat, surf} {
		out := filepath.Join(t.TempDir(), "shot.png")
		mustRun(t, append(append([]string{"render"}, st.Args()...), "--out", out)...)
		got := decodePNG(t, out)
		want := statePicture(t, st)
		diff := differing(got, want)
		if diff > 0 {
			t.Errorf("%d of %d pixels differ between `render %s` and the State's own picture", diff, st.Width*st.Height, strings.Join(st.Args(), " "))
		}
		// The picture is on the dark background, not the default white.
		if c := want.RGBAAt(1, 1); c.R != 0x17 {
			t.Errorf("corner %v: not the dark theme", c)
		}
		// The camera and the view are honoured: the default camera draws another picture.
		other := st
		other.Camera = render.Camera{}
		if d := differing(statePicture(t, other), want); st.View == "surface" && d < st.Width*st.Height/10 {
			t.Errorf("the camera changes %d pixels only", d)
		}
	}
}

// statePicture samples and draws st without the commands (view.Sampling.Sample and
// view.State.Render).
func statePicture(t *testing.T, st view.State) *image.RGBA {
	t.Helper()
	sm, err := st.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.New()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := st.Render(r, sm.Grid, sm.Set)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// differing counts the pixels whose colours differ between a and b (alpha ignored).
func differing(a, b image.Image) int {
	n := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
				n++
			}
		}
	}
	return n
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
