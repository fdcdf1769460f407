package surface

import (
	"context"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/internal/memcap"
)

// manyClasses is a net of 1000 logits that must never be called.
type manyClasses struct{ quadNet }

func (m *manyClasses) NumClasses() int { return 1000 }
func (m *manyClasses) Forward(dst, x []float32, batch int) []float32 {
	panic("surface test: Forward called on a grid over the memory cap")
}

// `sample --grid 4096` on a 1000-class model asked for a 67 GB grid (issue 20): Sample refuses a
// grid over the memory cap before allocating it, saying how large it is and how to raise the cap.
func TestSampleRefusesAGridOverTheMemoryCap(t *testing.T) {
	t.Setenv(memcap.EnvVar, "16GB")
	_, err := Sample(context.Background(), &manyClasses{quadNet{size: 6}}, testPlane(t, 4096), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "surface: a grid of 4096×4096 points of 1000 logits needs about 67 GB") ||
		!strings.Contains(err.Error(), memcap.EnvVar) {
		t.Fatalf("Sample: %v", err)
	}
}
