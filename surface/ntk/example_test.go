package ntk_test

import (
	"context"
	"fmt"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/surface/ntk"
)

// The NTK of a linear model f(x) = w·x + b is XXᵀ + 1, whatever w and b.
func ExampleKernel() {
	w := &models.Tensor{Shape: []int{1, 4}, Data: []float32{0.3, -2, 1, 5}}
	b := &models.Tensor{Shape: []int{1}, Data: []float32{7}}
	net := &models.Net{Input: [3]int{1, 2, 2}, Classes: 1, Nodes: []models.Node{{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{"weight": w, "bias": b}}}}
	x := []float32{
		1, 0, 0, 0,
		0, 1, 1, 0,
		1, 1, 1, 1,
	}
	k, _, err := ntk.Kernel(context.Background(), net, x, 3, ntk.KernelOptions{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < 3; i++ {
		fmt.Println(k.At(i, 0), k.At(i, 1), k.At(i, 2))
	}
	// Output:
	// 2 1 2
	// 1 3 3
	// 2 3 5
}

// Two equally strong modes and one training sample: κ = 1, each mode is half learnt, and a target
// on the first mode keeps E₀·(1 − ½)² = ½ of its power as test error.
func ExamplePredict() {
	p, err := ntk.Predict([]float64{1, 1}, []float64{1, 0}, 1, 0, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("κ %.3g, L %.3g, E₀ %.3g, test MSE %.3g\n", p.Kappa, p.Learnabilities, p.E0, p.TestMSE)
	// Output:
	// κ 1, L [0.5 0.5], E₀ 2, test MSE 0.5
}
