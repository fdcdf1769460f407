package surface_test

import (
	"context"
	"fmt"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/surface"
)

// paraboloid returns the height field (s² + t²)/2 on [−1, 1]² with n points per axis.
func paraboloid(n int) *surface.Field {
	c := projection.Linspace(-1, 1, n)
	f := surface.NewField(n, n, c, c)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			f.Values[j*n+i] = float32((c[i]*c[i] + c[j]*c[j]) / 2)
		}
	}
	return f
}

// The paraboloid (s² + t²)/2 has Gaussian and mean curvature 1 at its bottom.
func ExampleCurvatures() {
	c, err := surface.Curvatures(paraboloid(21))
	if err != nil {
		panic(err)
	}
	fmt.Printf("K = %.4f, H = %.4f at the origin\n", c.Gaussian.Z(10, 10), c.Mean.Z(10, 10))
	// Output: K = 1.0000, H = 1.0000 at the origin
}

// A quadratic has effective degree 2: the degree-2 fit leaves nothing, degree 1 a lot.
func ExampleFieldDegree() {
	fit, err := surface.FieldDegree(paraboloid(21), nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("degree %d; residual share at degree 1: %.3f\n", fit.Degree, fit.Residual[1])
	// Output: degree 2; residual share at degree 1: 1.000
}

// A ReLU net with one hidden unit per line x = 0.2 and y = −0.1 has four linear regions on a plane
// through its 2-pixel input space.
func ExampleLinearRegions() {
	w := &models.Tensor{Shape: []int{2, 2}, Data: []float32{1, 0, 0, 1}}
	b := &models.Tensor{Shape: []int{2}, Data: []float32{-0.2, 0.1}}
	out := &models.Tensor{Shape: []int{1, 2}, Data: []float32{1, 1}}
	net := &models.Net{Input: [3]int{1, 1, 2}, Classes: 1, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": w, "bias": b}},
		{Op: models.OpReLU, Inputs: []int{2}},
		{Op: models.OpDense, Inputs: []int{3}, Params: map[string]*models.Tensor{"weight": out}},
	}}
	p, err := projection.DataPlane(net.Input, []float32{-1, -1}, []float32{1, -1}, []float32{-1, 1}, 40, 0)
	if err != nil {
		panic(err)
	}
	rm, err := surface.LinearRegions(context.Background(), net, p, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(rm.Components, "regions,", rm.Patterns, "patterns")
	// Output: 4 regions, 4 patterns
}
