package infer_test

import (
	"fmt"
	"log"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/infer"
)

// exampleNet is a 2-pixel net: logits = ReLU([[1, 2], [3, −4]]·x + [0.5, 0]).
func exampleNet() *models.Net {
	return &models.Net{Input: [3]int{1, 1, 2}, Classes: 2, Nodes: []models.Node{
		{Op: models.OpInput},
		{Op: models.OpFlatten, Inputs: []int{0}},
		{Op: models.OpDense, Inputs: []int{1}, Params: map[string]*models.Tensor{
			"weight": {Shape: []int{2, 2}, Data: []float32{1, 2, 3, -4}},
			"bias":   {Shape: []int{2}, Data: []float32{0.5, 0}}}},
		{Op: models.OpReLU, Inputs: []int{2}},
	}}
}

func ExampleEvaluator_Forward() {
	e, err := infer.New(exampleNet())
	if err != nil {
		log.Fatal(err)
	}
	x := []float32{1, 0, 0, 1, 0.5, 0.5} // three samples of two pixels
	logits := e.Forward(nil, x, 3)
	for k := 0; k < 3; k++ {
		fmt.Println(logits[2*k : 2*k+2])
	}
	// Output:
	// [1.5 3]
	// [2.5 0]
	// [2 0]
}

// Points on the line x0 + t·d: the probe evaluates the first layer once for x0 and d and combines
// the results per point.
func ExampleEvaluator_Affine() {
	e, err := infer.New(exampleNet())
	if err != nil {
		log.Fatal(err)
	}
	probe, err := e.Affine([]float32{1, 0}, [][]float32{{-1, 1}})
	if err != nil {
		log.Fatal(err)
	}
	t := []float32{0, 0.5, 1} // from (1, 0) to (0, 1)
	logits := probe.Forward(nil, t, len(t))
	for k := range t {
		fmt.Println(logits[2*k : 2*k+2])
	}
	// Output:
	// [1.5 3]
	// [2 0]
	// [2.5 0]
}

func ExampleEvaluator_InputGrad() {
	e, err := infer.New(exampleNet())
	if err != nil {
		log.Fatal(err)
	}
	// d logit 1 / dx at x = (1, 0), where the ReLU is active: row 1 of the weights.
	fmt.Println(e.InputGrad(nil, []float32{1, 0}, 1, 1, nil))
	// Output:
	// [3 -4]
}
