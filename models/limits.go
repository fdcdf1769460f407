package models

import (
	"fmt"
	"math/bits"
)

// Limits on what a net may declare. Net.Shapes (and so Validate, Load, Decode and the ONNX
// importer) refuses a net beyond them, so that a file of a few hundred bytes cannot make the
// forward pass allocate gigabytes or overflow an index: every shape product is computed without
// overflow and compared with MaxValues before anything is allocated.
const (
	// MaxSide is the largest height or width of any value a net computes, and the largest padded
	// height or width a convolution or pooling window slides over (2^15 = 32768).
	MaxSide = 1 << 15
	// MaxValues is the most values one node's output, the input or one parameter tensor may hold
	// per sample: 2^27 = 134,217,728 (512 MiB as float32). The largest activation of an ImageNet
	// ResNet-50 at 224×224 holds 0.8 M values, VGG-16's first dense weight 103 M.
	MaxValues = 1 << 27
)

// checkedSize returns the product of the dimensions of shape, or an error when a dimension is
// negative or the product exceeds MaxValues (which it does before it could overflow an int).
func checkedSize(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v has a negative dimension", shape)
		}
		hi, lo := bits.Mul64(uint64(n), uint64(d))
		if hi != 0 || lo > MaxValues {
			return 0, fmt.Errorf("shape %v holds more than %d values (models.MaxValues)", shape, MaxValues)
		}
		n = int(lo)
	}
	return n, nil
}

// checkWindowAttr checks the attributes of a sliding window (convolution or pooling) on an h×w
// input with a kh×kw kernel: strides and dilations positive (0 reads as 1), padding ≥ 0 and the
// padded input and the dilated kernel within MaxSide.
func checkWindowAttr(h, w, kh, kw int, a Attr) error {
	for _, v := range a.Stride {
		if v < 0 {
			return fmt.Errorf("stride %v: want positive strides", a.Stride)
		}
	}
	for _, v := range a.Dilation {
		if v < 0 {
			return fmt.Errorf("dilation %v: want positive dilations", a.Dilation)
		}
	}
	for _, p := range a.Pad {
		if p < 0 {
			return fmt.Errorf("negative padding %v", a.Pad)
		}
		if p > MaxSide {
			return fmt.Errorf("padding %v: more than %d (models.MaxSide)", a.Pad, MaxSide)
		}
	}
	if kh <= 0 || kw <= 0 || kh > MaxSide || kw > MaxSide {
		return fmt.Errorf("kernel %dx%d", kh, kw)
	}
	sh, sw := a.Strides()
	dh, dw := a.Dilations()
	if sh > MaxSide || sw > MaxSide || dh > MaxSide || dw > MaxSide {
		return fmt.Errorf("stride %v, dilation %v: more than %d (models.MaxSide)", a.Stride, a.Dilation, MaxSide)
	}
	if ph, pw := h+a.Pad[0]+a.Pad[2], w+a.Pad[1]+a.Pad[3]; ph > MaxSide || pw > MaxSide {
		return fmt.Errorf("padding %v makes the input %dx%d, more than %d (models.MaxSide) on a side", a.Pad, ph, pw, MaxSide)
	}
	if eh, ew := dh*(kh-1)+1, dw*(kw-1)+1; eh > MaxSide || ew > MaxSide {
		return fmt.Errorf("dilated kernel %dx%d is more than %d (models.MaxSide) on a side", eh, ew, MaxSide)
	}
	return nil
}
