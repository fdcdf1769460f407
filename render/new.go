package render

import (
	"fmt"
	"os"
)

// New returns the GL renderer when an EGL context can be made, else the CPU
// renderer; Name says which, and for the CPU fallback why GL was not used.
// The environment variable SURFSCOPE_RENDER=gl|cpu|auto forces a choice;
// the error reports a forced GL that cannot start or an unknown value.
func New() (Renderer, error) {
	switch v := os.Getenv("SURFSCOPE_RENDER"); v {
	case "", "auto":
		r, err := NewGL()
		if err != nil {
			return &renderer{b: &cpuBackend{why: err.Error()}}, nil
		}
		return r, nil
	case "gl":
		return NewGL()
	case "cpu":
		return NewCPU(), nil
	default:
		return nil, fmt.Errorf("render: SURFSCOPE_RENDER=%q: want gl, cpu or auto", v)
	}
}
