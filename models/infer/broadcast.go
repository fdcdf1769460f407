package models

// fwdBroadcast combines two per-sample arrays element-wise, repeating size-1 dimensions (the shapes
// have equal rank, as Net.Shapes checks). Equal shapes and a [C,1,…] gate against [C,…] take fast
// paths; any other pair walks the output with per-input strides.
type fwdBroadcast struct {
	kind   int   // bcSame, bcGateB (b is per channel), bcGateA (a is per channel), bcGeneral
	plane  int   // elements per channel for the gates
	out    []int // output shape
	sa, sb []int // strides of a and b per output dimension, 0 where they repeat
}

const (
	bcSame = iota
	bcGateB
	bcGateA
	bcGeneral
)

func newFwdBroadcast(a, b, out []int) fwdBroadcast {
	size := shapeSize(out)
	bc := fwdBroadcast{out: out, sa: bcStrides(a, out), sb: bcStrides(b, out)}
	switch {
	case shapeSize(a) == size && shapeSize(b) == size:
		bc.kind = bcSame
	case shapeSize(a) == size && b[0] == out[0] && shapeSize(b) == b[0]:
		bc.kind, bc.plane = bcGateB, size/out[0]
	case shapeSize(b) == size && a[0] == out[0] && shapeSize(a) == a[0]:
		bc.kind, bc.plane = bcGateA, size/out[0]
	default:
		bc.kind = bcGeneral
	}
	return bc
}

func bcStrides(s, out []int) []int {
	st := make([]int, len(s))
	step := 1
	for d := len(s) - 1; d >= 0; d-- {
		if s[d] != 1 || out[d] == 1 {
			st[d] = step
		}
		step *= s[d]
	}
	return st
}

// each calls f(k, ia, ib) for every output index k with the indices of a and b it reads.
func (bc *fwdBroadcast) each(f func(k, ia, ib int)) {
	r := len(bc.out)
	idx := make([]int, r)
	ia, ib := 0, 0
	n := shapeSize(bc.out)
	for k := 0; k < n; k++ {
		f(k, ia, ib)
		for d := r - 1; d >= 0; d-- {
			idx[d]++
			ia += bc.sa[d]
			ib += bc.sb[d]
			if idx[d] < bc.out[d] {
				break
			}
			ia -= bc.sa[d] * idx[d]
			ib -= bc.sb[d] * idx[d]
			idx[d] = 0
		}
	}
}

func (bc *fwdBroadcast) forward(y, a, b []float32, mul bool) {
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
		if mul {
			bc.each(func(k, ia, ib int) { y[k] = a[ia] * b[ib] })
		} else {
			bc.each(func(k, ia, ib int) { y[k] = a[ia] + b[ib] })
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
func (bc *fwdBroadcast) backward(da, db, dy, a, b []float32, mul bool) {
	if mul {
		bc.each(func(k, ia, ib int) {
			da[ia] += dy[k] * b[ib]
			db[ib] += dy[k] * a[ia]
		})
		return
	}
	bc.each(func(k, ia, ib int) {
		da[ia] += dy[k]
		db[ib] += dy[k]
	})
}
