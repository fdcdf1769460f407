package infer

import (
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/layout"
)

// broadcast combines two per-sample arrays element-wise, repeating size-1 dimensions (the shapes
// have equal rank, as Net.Shapes checks). Equal shapes and a [C,1,…] gate against [C,…] take fast
// paths forward; any other pair, and every gradient, goes through the index maps of the inputs.
type broadcast struct {
	kind   int // bcSame, bcGateB (b is per channel), bcGateA (a is per channel), bcGeneral
	plane  int // elements per channel for the gates
	ma, mb layout.Broadcast
}

const (
	bcSame = iota
	bcGateB
	bcGateA
	bcGeneral
)

func newBroadcast(a, b, out []int) broadcast {
	size := models.ShapeSize(out)
	bc := broadcast{ma: layout.NewBroadcast(out, a), mb: layout.NewBroadcast(out, b)}
	switch {
	case models.ShapeSize(a) == size && models.ShapeSize(b) == size:
		bc.kind = bcSame
	case models.ShapeSize(a) == size && b[0] == out[0] && models.ShapeSize(b) == b[0]:
		bc.kind, bc.plane = bcGateB, size/out[0]
	case models.ShapeSize(b) == size && a[0] == out[0] && models.ShapeSize(a) == a[0]:
		bc.kind, bc.plane = bcGateA, size/out[0]
	default:
		bc.kind = bcGeneral
	}
	return bc
}

func (bc *broadcast) forward(y, a, b []float32, mul bool) {
	switch bc.kind {
	case bcSame:
		if mul {
			for i := range y {
				y[i] = a[i] * b[i]
			}
		} else {
			for i := range y {
				y[i] = a[i] + b[i]
			}
		}
	case bcGateB:
		gate(y, a, b, bc.plane, mul)
	case bcGateA:
		gate(y, b, a, bc.plane, mul)
	default:
		for k := range y {
			if mul {
				y[k] = a[bc.ma.At(k)] * b[bc.mb.At(k)]
			} else {
				y[k] = a[bc.ma.At(k)] + b[bc.mb.At(k)]
			}
		}
	}
}

// gate combines a ([C,…], plane values per channel) with one value per channel c.
func gate(y, a, c []float32, plane int, mul bool) {
	for ch, cv := range c {
		yc, ac := y[ch*plane:(ch+1)*plane], a[ch*plane:(ch+1)*plane]
		if mul {
			for i, av := range ac {
				yc[i] = av * cv
			}
		} else {
			for i, av := range ac {
				yc[i] = av + cv
			}
		}
	}
}

// backward adds the gradients of both inputs, da and db, from the output's dy.
func (bc *broadcast) backward(da, db, dy, a, b []float32, mul bool) {
	for k, d := range dy {
		ia, ib := bc.ma.At(k), bc.mb.At(k)
		if mul {
			da[ia] += d * b[ib]
			db[ib] += d * a[ia]
		} else {
			da[ia] += d
			db[ib] += d
		}
	}
}
