package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/surfscope/surfscope/models"
)

// Convolution, batch norm and pooling on [C,H,W] samples; [C,L] samples (1D ops) are run as
// [C,1,L].

// geometry is a sliding window in models' 2D terms.
type geometry struct {
	kernel, stride, dil [2]int
	pad                 [4]int // top, left, bottom, right
	out                 [2]int
}

// readWindow reads strides, dilations, pads and auto_pad for a window of the given kernel over
// spatial input sizes in (one or two axes) and returns its 2D geometry.
func readWindow(n *node, in, kernel []int) (geometry, error) {
	var g geometry
	sp := len(in)
	strides, dil, pads := n.attrs.Ints("strides"), n.attrs.Ints("dilations"), n.attrs.Ints("pads")
	auto := n.attrs.String("auto_pad", "NOTSET")
	if (strides != nil && len(strides) != sp) || (dil != nil && len(dil) != sp) || (pads != nil && len(pads) != 2*sp) || len(kernel) != sp {
		return g, fmt.Errorf("strides %v, dilations %v, pads %v or kernel %v do not fit %d spatial axes", brief(strides), brief(dil), brief(pads), brief(kernel), sp)
	}
	off := 2 - sp // 1D windows sit on the W axis
	for i := range sp {
		s, d := int64(1), int64(1)
		if strides != nil {
			s = strides[i]
		}
		if dil != nil {
			d = dil[i]
		}
		var pb, pe int64
		if pads != nil {
			pb, pe = pads[i], pads[i+sp]
		}
		k := int64(kernel[i])
		if s < 1 || d < 1 || k < 1 || pb < 0 || pe < 0 || max(s, d, k, pb, pe) > 1<<20 {
			return g, fmt.Errorf("bad window: kernel %v, strides %v, dilations %v, pads %v", kernel, strides, dil, pads)
		}
		size := int64(in[i])
		keff := d*(k-1) + 1
		switch auto {
		case "NOTSET", "":
		case "VALID":
			pb, pe = 0, 0
		case "SAME_UPPER", "SAME_LOWER":
			o := (size + s - 1) / s
			total := max(0, (o-1)*s+keff-size)
			pb, pe = total/2, total-total/2
			if auto == "SAME_LOWER" {
				pb, pe = pe, pb
			}
		default:
			return g, fmt.Errorf("auto_pad %q", auto)
		}
		span := size + pb + pe - keff
		if span < 0 {
			return g, fmt.Errorf("kernel %v does not fit input %v with pads %v", kernel, in, pads)
		}
		a := i + off
		g.kernel[a], g.stride[a], g.dil[a] = int(k), int(s), int(d)
		g.pad[a], g.pad[a+2] = int(pb), int(pe)
		g.out[a] = int(span/s) + 1
	}
	for a := range off {
		g.kernel[a], g.stride[a], g.dil[a], g.out[a] = 1, 1, 1, 1
	}
	return g, nil
}

// spatial checks that data x has [C,H,W] or [C,L] samples and returns it as [C,H,W].
func (b *builder) spatial(n *node, x *value, sp int) (*value, error) {
	if len(x.shape) != sp+1 || sp < 1 || sp > 2 {
		return nil, fmt.Errorf("sample shape %v is not [C,H,W] or [C,L] (%d spatial axes)", x.shape, sp)
	}
	if sp == 1 {
		return b.reshape(x, []int{x.shape[0], 1, x.shape[1]}, n.name()+"/2d"), nil
	}
	return x, nil
}

// unspatial returns a [C,H,W] result in the sample rank of the input (sp spatial axes).
func (b *builder) unspatial(n *node, y *value, sp int) *value {
	if sp == 1 {
		return b.reshape(y, []int{y.shape[0], y.shape[2]}, n.name()+"/1d")
	}
	return y
}

func conv(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	w, err := n.konst(1)
	if err != nil {
		return err
	}
	bias, err := n.optConst(2)
	if err != nil {
		return err
	}
	if !w.float || len(w.shape) < 3 {
		return fmt.Errorf("weight of shape %v", brief(w.shape))
	}
	sp := len(w.shape) - 2
	x3, err := b.spatial(n, x, sp)
	if err != nil {
		return err
	}
	group := n.attrs.Int("group", 1)
	cin, cout := x.shape[0], w.shape[0]
	if group < 1 || int64(cout)%group != 0 || int64(w.shape[1])*group != int64(cin) {
		return fmt.Errorf("weight %v with %d groups does not fit %d input channels", w.shape, group, cin)
	}
	if ks := n.attrs.Ints("kernel_shape"); ks != nil && !slices.Equal(ks, dims64(w.shape[2:])) {
		return fmt.Errorf("kernel_shape %v does not match the weight %v", brief(ks), brief(w.shape))
	}
	g, err := readWindow(n, x.shape[1:], w.shape[2:])
	if err != nil {
		return err
	}
	wshape := []int{cout, w.shape[1], g.kernel[0], g.kernel[1]}
	params := map[string]*models.Tensor{"weight": tensor(slices.Clone(w.f), wshape...)}
	if bias != nil {
		if !bias.float || bias.size() != cout {
			return fmt.Errorf("bias of shape %v for %d channels", bias.shape, cout)
		}
		params["bias"] = tensor(slices.Clone(bias.f), cout)
	}
	attr := models.Attr{Stride: g.stride, Pad: g.pad, Dilation: g.dil, Groups: int(group)}
	y := b.emit(n.name(), models.OpConv, attr, params, []int{cout, g.out[0], g.out[1]}, x3)
	n.out[0] = b.unspatial(n, y, sp)
	return nil
}

func batchNorm(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	n.attrs.ignore("momentum", "is_test", "consumed_inputs")
	if n.attrs.Int("spatial", 1) != 1 {
		return fmt.Errorf("spatial=0 (per-element statistics) is not supported")
	}
	if n.attrs.Int("training_mode", 0) != 0 {
		return fmt.Errorf("training mode normalises with batch statistics; export the model in eval mode")
	}
	eps := n.attrs.Float("epsilon", 1e-5)
	if eps < 0 || math.IsNaN(float64(eps)) {
		return fmt.Errorf("epsilon %v", eps)
	}
	if eps == 0 {
		eps = math.SmallestNonzeroFloat32 // models reads 0 as its default 1e-5
	}
	xs := x
	if !b.batched { // channels are axis 1 of the whole tensor
		if len(x.shape) < 2 || x.shape[0] != 1 {
			return fmt.Errorf("BatchNormalization of a whole tensor %v with a batch other than 1", x.shape)
		}
		xs = b.reshape(x, x.shape[1:], n.name()+"/sample")
	}
	c := xs.shape[0]
	params := map[string]*models.Tensor{}
	for k, name := range []string{"gamma", "beta", "mean", "var"} {
		p, err := n.konst(k + 1)
		if err != nil {
			return err
		}
		if !p.float || p.size() != c {
			return fmt.Errorf("%s of shape %v for %d channels", name, p.shape, c)
		}
		params[name] = tensor(slices.Clone(p.f), c)
	}
	y := b.emit(n.name(), models.OpBatchNorm, models.Attr{Eps: eps}, params, xs.shape, xs)
	n.out[0] = b.reshape(y, x.shape, n.name()+"/unsample")
	return nil
}

func pool(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	ks := n.attrs.Ints("kernel_shape")
	kernel := make([]int, len(ks))
	for k, v := range ks {
		if v < 1 || v > 1<<20 {
			return fmt.Errorf("kernel_shape %v", brief(ks))
		}
		kernel[k] = int(v)
	}
	x3, err := b.spatial(n, x, len(kernel))
	if err != nil {
		return err
	}
	g, err := readWindow(n, x.shape[1:], kernel)
	if err != nil {
		return err
	}
	if g.dil != [2]int{1, 1} {
		return fmt.Errorf("dilated pooling is not supported")
	}
	op := models.OpMaxPool
	if n.op == "AveragePool" {
		op = models.OpAvgPool
		if n.attrs.Int("count_include_pad", 0) == 0 && g.pad != [4]int{} {
			return fmt.Errorf("average pooling that excludes the padding from the count is not supported (count_include_pad=0 with pads %v)", g.pad)
		}
	} else {
		n.attrs.ignore("storage_order") // only for the indices output
	}
	if n.attrs.Int("ceil_mode", 0) != 0 {
		if err := ceilWindow(&g, x3.shape[1:], op); err != nil {
			return err
		}
	}
	attr := models.Attr{Kernel: g.kernel, Stride: g.stride, Pad: g.pad}
	y := b.emit(n.name(), op, attr, nil, []int{x.shape[0], g.out[0], g.out[1]}, x3)
	n.out[0] = b.unspatial(n, y, len(kernel))
	return nil
}

// ceilWindow turns ceil_mode into extra end padding (ignored by max pooling): allowed when every
// extra window starts inside the input, so no window is all padding.
func ceilWindow(g *geometry, in []int, op models.Op) error {
	for a := range 2 {
		span := in[a] + g.pad[a] + g.pad[a+2] - g.kernel[a]
		out := (span+g.stride[a]-1)/g.stride[a] + 1
		if out == g.out[a] {
			continue
		}
		if op != models.OpMaxPool {
			return fmt.Errorf("ceil_mode average pooling with a partial last window is not supported")
		}
		if (out-1)*g.stride[a] >= in[a]+g.pad[a] {
			return fmt.Errorf("ceil_mode adds a window that lies in the padding")
		}
		g.pad[a+2] += (out-1)*g.stride[a] + g.kernel[a] - (in[a] + g.pad[a] + g.pad[a+2])
		g.out[a] = out
	}
	return nil
}

func globalPool(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	x3, err := b.spatial(n, x, len(x.shape)-1)
	if err != nil {
		return err
	}
	c, h, w := x3.shape[0], x3.shape[1], x3.shape[2]
	var y *value
	if n.op == "GlobalAveragePool" {
		y = b.emit(n.name(), models.OpGlobalAvgPool, models.Attr{}, nil, []int{c, 1, 1}, x3)
	} else {
		y = b.emit(n.name(), models.OpMaxPool, models.Attr{Kernel: [2]int{h, w}}, nil, []int{c, 1, 1}, x3)
	}
	n.out[0] = b.unspatial(n, y, len(x.shape)-1)
	return nil
}

// reduceMean supports means over one run of sample axes (size-1 axes aside), which includes
// PyTorch's x.mean((2, 3)) on [N,C,H,W]: the data is viewed as [P,R,Q] (R the reduced run) and
// OpGlobalAvgPool (Q = 1) or an OpAvgPool with an R×1 window averages it.
func reduceMean(b *builder, n *node) error {
	x, err := n.data(0)
	if err != nil {
		return err
	}
	keep := n.attrs.Int("keepdims", 1) != 0
	axes, given, err := axesArg(b, n, 18, 1)
	if err != nil {
		return err
	}
	s := x.shape
	full := b.full(s)
	if !given || len(axes) == 0 {
		if n.attrs.Int("noop_with_empty_axes", 0) != 0 {
			n.out[0] = x
			return nil
		}
		axes = nil
		for a := range full {
			axes = append(axes, int64(a))
		}
	}
	sa, err := b.sampleAxes(axes, len(full))
	if err != nil {
		return err
	}
	red := make([]bool, len(s))
	for _, a := range sa {
		red[a] = true
	}
	var out []int
	p, r, q := 1, 1, 1 // kept before the run, reduced, kept after
	for a, d := range s {
		switch {
		case red[a] && keep:
			out = append(out, 1)
		case !red[a]:
			out = append(out, d)
		}
		switch {
		case d == 1:
		case red[a] && q > 1:
			return fmt.Errorf("mean over axes %v of sample shape %v: only one run of adjacent axes is supported", brief(axes), s)
		case red[a]:
			r *= d
		case r > 1:
			q *= d
		default:
			p *= d
		}
	}
	if len(out) == 0 {
		return fmt.Errorf("a mean over the whole sample gives a scalar sample, which is not supported")
	}
	y := x
	switch {
	case r == 1:
	case q == 1 && len(s) == 3 && s[0] == p: // the mean over H, W of [C,H,W]
		y = b.emit(n.name(), models.OpGlobalAvgPool, models.Attr{}, nil, []int{p, 1, 1}, y)
	case q == 1:
		y = b.reshape(x, []int{p, r, q}, n.name()+"/runs")
		y = b.emit(n.name(), models.OpGlobalAvgPool, models.Attr{}, nil, []int{p, 1, 1}, y)
	default:
		y = b.reshape(x, []int{p, r, q}, n.name()+"/runs")
		y = b.emit(n.name(), models.OpAvgPool, models.Attr{Kernel: [2]int{r, 1}}, nil, []int{p, 1, q}, y)
	}
	n.out[0] = b.reshape(y, out, n.name()+"/out")
	return nil
}
