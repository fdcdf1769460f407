package ntk

import (
	"fmt"
	"strconv"
	"strings"
)

// OutputKind says which scalar outputs of a net a kernel is built from.
type OutputKind int

const (
	// OutputMean averages the per-logit kernels: Θ(x,x') = (1/C) Σ_c ∇θf_c(x)·∇θf_c(x'), the trace
	// of the C×C block NTK divided by C. At infinite width the block NTK is Θ ⊗ I_C (Jacot et al.
	// 2018), so this is the scalar kernel that eigenlearning applies to each one-hot output.
	OutputMean OutputKind = iota
	// OutputSum is the kernel of the sum of the logits: ∇θ(Σ_c f_c)(x)·∇θ(Σ_c f_c)(x').
	OutputSum
	// OutputLogit is the kernel of one logit: ∇θf_k(x)·∇θf_k(x').
	OutputLogit
)

// Output selects the scalar outputs of the kernel; the zero value is OutputMean.
type Output struct {
	Kind  OutputKind
	Class int // OutputLogit: the logit k
}

// ParseOutput reads "mean", "sum" or "logit:K" (K ≥ 0; the class count is checked later).
func ParseOutput(s string) (Output, error) {
	switch s {
	case "mean", "":
		return Output{Kind: OutputMean}, nil
	case "sum":
		return Output{Kind: OutputSum}, nil
	}
	if k, ok := strings.CutPrefix(s, "logit:"); ok {
		c, err := strconv.Atoi(k)
		if err == nil && c >= 0 {
			return Output{Kind: OutputLogit, Class: c}, nil
		}
	}
	return Output{}, fmt.Errorf("ntk: output %q: want mean, sum or logit:K", s)
}

// String returns the form ParseOutput reads.
func (o Output) String() string {
	switch o.Kind {
	case OutputSum:
		return "sum"
	case OutputLogit:
		return "logit:" + strconv.Itoa(o.Class)
	}
	return "mean"
}

// seeds returns the seed rows of jacobian.Jacobian for the output over classes logits and the factor
// the summed inner products are multiplied by.
func (o Output) seeds(classes int) ([]float32, float64, error) {
	switch o.Kind {
	case OutputMean:
		s := make([]float32, classes*classes)
		for c := 0; c < classes; c++ {
			s[c*classes+c] = 1
		}
		return s, 1 / float64(classes), nil
	case OutputSum:
		s := make([]float32, classes)
		for c := range s {
			s[c] = 1
		}
		return s, 1, nil
	case OutputLogit:
		if o.Class < 0 || o.Class >= classes {
			return nil, 0, fmt.Errorf("ntk: logit %d: the net has %d logits (0 to %d)", o.Class, classes, classes-1)
		}
		s := make([]float32, classes)
		s[o.Class] = 1
		return s, 1, nil
	}
	return nil, 0, fmt.Errorf("ntk: unknown output kind %d", o.Kind)
}
