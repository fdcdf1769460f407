package surface

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// BuildProbe makes every kind of spec over a split given as slices: the Build kinds equal
// projection's own, grad equals AdversarialPlane on the image and its label, pca passes through the
// named image, and anchors name their images.
func TestBuildProbeEveryKind(t *testing.T) {
	net := smallMLP(t, models.OpTanh, 4)
	ev, _ := infer.New(net)
	x, y := randomData(5, 30, 20, 3)
	image := func(i int) []float32 { return x[i*20 : (i+1)*20] }
	z := projection.Sizes{Grid: 7, Points: 9, Range: 0.5}
	for _, text := range []string{"data:1,2,3", "mixup:4,5", "random:6,2", "flip:7,3", "grad:8,4", "pca", "pca:9"} {
		spec, err := projection.ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		p, err := BuildProbe(spec, net.Input, x, y, ev, z)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		nx, ny := p.Dims()
		if spec.Kind == "mixup" && (nx != 9 || ny != 1) || spec.Kind != "mixup" && (nx != 7 || ny != 7) {
			t.Errorf("%s: %dx%d points", text, nx, ny)
		}
		var want *projection.Probe
		switch spec.Kind {
		case "grad":
			want, _ = AdversarialPlane(ev, net.Input, image(8), y[8], 4, 7, 0.5)
		case "pca":
			var through []float32
			if len(spec.Images) > 0 {
				through = image(9)
			}
			want, _ = projection.PCAPlane(net.Input, x, through, 1, 7, 0.5)
		default:
			want, _ = spec.Build(net.Input, func(i int) ([]float32, error) { return image(i), nil }, z)
		}
		for d := range want.Dirs {
			for c, v := range want.Dirs[d] {
				if math.Abs(float64(p.Dirs[d][c]-v)) > 1e-6 {
					t.Fatalf("%s: direction %d differs at %d: %g, want %g", text, d, c, p.Dirs[d][c], v)
				}
			}
		}
		if len(spec.Images) > 0 && p.Anchors[0].Name != "#"+strconv.Itoa(spec.Images[0]) {
			t.Errorf("%s: first anchor %q", text, p.Anchors[0].Name)
		}
	}
	for _, bad := range []string{"data:1,2,30", "grad:30,1", "pca:99"} {
		spec, _ := projection.ParseSpec(bad)
		if _, err := BuildProbe(spec, net.Input, x, y, ev, z); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	spec, _ := projection.ParseSpec("grad:1,1")
	if _, err := BuildProbe(spec, net.Input, x, y, nil, z); err == nil {
		t.Error("an adversarial plane without a model was built")
	}
	if _, err := BuildProbe(spec, net.Input, x[:25], y, ev, z); err == nil {
		t.Error("25 values accepted as images of 20")
	}
}

// Predict agrees with the argmax of the reference forward pass, across batch boundaries.
func TestPredictMatchesTheReferencePass(t *testing.T) {
	net := smallMLP(t, models.OpReLU, 9)
	ev, _ := infer.New(net)
	x, _ := randomData(6, 300, 20, 3)
	got := Predict(ev, x, 300)
	for i, c := range got {
		ref, err := net.ForwardReference(x[i*20 : (i+1)*20])
		if err != nil {
			t.Fatal(err)
		}
		if want := Argmax(ref); c != want && math.Abs(float64(ref[c]-ref[want])) > 1e-5 {
			t.Fatalf("image %d: predicted %d, reference %d (%v)", i, c, want, ref)
		}
	}
	if Argmax([]float32{1, 3, 3, 2}) != 1 {
		t.Error("Argmax: the first of ties")
	}
}
