package surface

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
	"github.com/surfscope/surfscope/projection"
)

// benchPlane samples a data plane of an MNIST-shaped ReLU MLP 784-256-256-10 with n points per axis.
func benchPlane(b *testing.B, n int) (*models.Net, *Grid) {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{256, 256}}, 1)
	if err != nil {
		b.Fatal(err)
	}
	ev, _ := infer.New(net)
	r := rand.New(rand.NewPCG(1, 1))
	p, err := projection.DataPlane(net.Input, randImage(r, 784), randImage(r, 784), randImage(r, 784), n, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	g, err := Sample(context.Background(), ev, p, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	return net, g
}

// benchSizes runs fn for planes of 32 and 64 points per axis.
func benchSizes(b *testing.B, fn func(b *testing.B, net *models.Net, g *Grid)) {
	for _, n := range []int{32, 64} {
		b.Run(fmt.Sprintf("%dx%d", n, n), func(b *testing.B) {
			net, g := benchPlane(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			fn(b, net, g)
		})
	}
}

func BenchmarkSummarize(b *testing.B) {
	benchSizes(b, func(b *testing.B, _ *models.Net, g *Grid) {
		for range b.N {
			if _, err := Summarize(context.Background(), g, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPolynomialDegree(b *testing.B) {
	benchSizes(b, func(b *testing.B, _ *models.Net, g *Grid) {
		for range b.N {
			PolynomialDegree(g, nil, nil)
		}
	})
}

func BenchmarkLinearRegions(b *testing.B) {
	benchSizes(b, func(b *testing.B, net *models.Net, g *Grid) {
		for range b.N {
			if _, err := LinearRegions(context.Background(), net, g.Probe, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkInputGradientNorm(b *testing.B) {
	benchSizes(b, func(b *testing.B, net *models.Net, g *Grid) {
		ev, _ := infer.New(net)
		for range b.N {
			if _, err := InputGradientNorm(context.Background(), ev, g, TopClass); err != nil {
				b.Fatal(err)
			}
		}
	})
}
