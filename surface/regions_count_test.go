package surface

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// RegionCounter.SampleRegions gives, bit for bit, the logits Sample gives with the net's
// Evaluator and the region map LinearRegions gives, on an MLP, a CNN with batch norm and max
// pooling, and ResNet-8s with additive and multiplicative shortcuts, on a data plane of several
// chunks, a mixup line and a flip plane; the atlas relies on it to sample and count in one pass.
func TestSampleRegions(t *testing.T) {
	in := [3]int{1, 12, 12}
	mlp, err := models.NewMLP(models.MLPConfig{Input: in, Classes: 10, Hidden: []int{48, 32}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	cnn, err := models.NewCNN(models.CNNConfig{Input: in, Classes: 10, Channels: []int{4, 8}, BatchNorm: true, Hidden: []int{16}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	nets := map[string]*models.Net{"mlp": mlp, "cnn-bn": cnn}
	for _, sc := range []models.Shortcut{models.ShortcutAdd, models.ShortcutMul} {
		if nets["resnet8-"+string(sc)], err = models.NewResNet(models.ResNetConfig{Input: in, Classes: 10, Shortcut: sc}, 3); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(4, 5))
	img := func() []float32 {
		x := make([]float32, in[0]*in[1]*in[2])
		for i := range x {
			x[i] = rng.Float32()
		}
		return x
	}
	plane, err := projection.DataPlane(in, img(), img(), img(), 23, 0.1) // 529 points: 3 chunks
	if err != nil {
		t.Fatal(err)
	}
	line, err := projection.MixupLine(in, img(), img(), 101, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	flip, err := projection.FlipPlane(in, img(), 7, 16, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for name, net := range nets {
		ev, err := infer.New(net)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := NewRegionCounter(net)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []*projection.Probe{plane, line, flip} {
			want, err := Sample(ctx, ev, p, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantRM, err := LinearRegions(ctx, net, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			g, rm, err := rc.SampleRegions(ctx, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range want.Values {
				if g.Values[i] != w {
					t.Fatalf("%s, %s: logit %d is %v, Sample gives %v", name, p.Kind, i, g.Values[i], w)
				}
			}
			if g.NX != want.NX || g.NY != want.NY || g.K != want.K || g.Probe != p {
				t.Errorf("%s, %s: grid %d×%d×%d, Sample's %d×%d×%d", name, p.Kind, g.NX, g.NY, g.K, want.NX, want.NY, want.K)
			}
			if !reflect.DeepEqual(rm, wantRM) {
				t.Errorf("%s, %s: region map %+v, LinearRegions gives %+v", name, p.Kind, rm, wantRM)
			}
			if rm.Patterns < 2 || rm.Switches == 0 {
				t.Errorf("%s, %s: %d patterns, %d switches: the probe meets no boundary, the test checks little", name, p.Kind, rm.Patterns, rm.Switches)
			}
		}
	}
	if _, err := NewRegionCounter(lineNet(nil)); err == nil {
		t.Error("a net without units accepted")
	}
}
