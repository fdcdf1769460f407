package infer

import (
	"runtime"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
	"github.com/surfscope/surfscope/models"
)

// A net whose values are all modest can still ask for a huge im2col buffer: one 512×512 kernel
// sliding over a 1024×1024 image needs 262,144 × 263,169 floats (276 GB) per sample. New refuses
// it against the memory cap before allocating any scratch.
func TestNewRefusesScratchOverTheCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "8GB")
	n := &models.Net{Input: [3]int{1, 1024, 1024}, Classes: 1, Nodes: []models.Node{
		{Name: "input", Op: models.OpInput},
		{Name: "conv", Op: models.OpConv, Inputs: []int{0}, Params: map[string]*models.Tensor{"weight": models.NewTensor(1, 1, 512, 512)}},
		{Name: "gap", Op: models.OpGlobalAvgPool, Inputs: []int{1}},
		{Name: "flat", Op: models.OpFlatten, Inputs: []int{2}},
	}}
	if err := n.Validate(); err != nil {
		t.Fatalf("the net is within models' limits: %v", err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := New(n)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "infer: the forward pass") || !strings.Contains(err.Error(), "SURFSCOPE_MAX_MEMORY") {
		t.Fatalf("New: %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("allocated %d MB before refusing", got>>20)
	}
}

// WorkingBytes covers the scratch a Forward and an InputGrad take.
func TestWorkingBytesCoversTheScratch(t *testing.T) {
	n := testCNN(t, 1, models.OpReLU)
	e, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	per := int64(len(e.fast.newScratch().col)) // at least the im2col buffer
	one := 4 * int64(e.fast.scratchFloats()+e.full.gradScratchFloats())
	if w := e.WorkingBytes(); w < one*int64(runtime.GOMAXPROCS(0)) || per <= 0 {
		t.Errorf("WorkingBytes %d, one worker's Forward and InputGrad scratch %d", w, one)
	}
}
