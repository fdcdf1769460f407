package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	pb "github.com/advancedclimatesystems/gonnx/onnx"
	"github.com/surfscope/surfscope/models"
)

// maxElements bounds the size of one stored tensor (1 GiB of float32), checked before allocating;
// maxComputed bounds tensors the importer computes itself (folded constants, expanded operands).
const (
	maxElements = 1 << 28
	maxComputed = 1 << 22
)

// batchDim stands for the dynamic batch size inside folded shape tensors (Shape of a data value).
// Any arithmetic on it is refused: surfscope keeps the batch dimension out of the sample.
const batchDim = math.MinInt64

// constant is a tensor known at import time: an initializer, a Constant node or a folded result.
// Float tensors keep their values in f, integer and boolean tensors in i.
type constant struct {
	shape []int
	float bool
	f     []float32
	i     []int64
}

func newFloat(shape []int, f []float32) *constant {
	return &constant{shape: shape, float: true, f: f}
}

func newInt(shape []int, i []int64) *constant {
	return &constant{shape: shape, i: i}
}

func (c *constant) size() int { return models.ShapeSize(c.shape) }

// floats returns the values as float32 (integers converted).
func (c *constant) floats() []float32 {
	if c.float {
		return c.f
	}
	f := make([]float32, len(c.i))
	for k, v := range c.i {
		f[k] = float32(v)
	}
	return f
}

// ints returns integer values; a float tensor is an error (shapes, axes and pads are integers).
func (c *constant) ints() ([]int64, error) {
	if c.float {
		return nil, fmt.Errorf("want an integer tensor, have float")
	}
	return c.i, nil
}

// scalar returns the only value of a one-element tensor.
func (c *constant) scalar() (float64, error) {
	if c.size() != 1 {
		return 0, fmt.Errorf("want one value, have shape %v", brief(c.shape))
	}
	if c.float {
		return float64(c.f[0]), nil
	}
	if c.i[0] == batchDim {
		return 0, errBatchArithmetic
	}
	return float64(c.i[0]), nil
}

// brief formats a list for an error message, eliding all but its first values.
func brief[T int | int64](v []T) string {
	if len(v) <= 8 {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(fmt.Sprint(v[:8]), "]") + fmt.Sprintf(" … (%d values)]", len(v))
}

// checkedSize returns the number of elements of dims, or an error for negative dims or tensors
// over maxElements (checked without overflow).
func checkedSize(dims []int64) ([]int, int, error) {
	shape := make([]int, len(dims))
	n := 1
	for k, d := range dims {
		if d < 0 {
			return nil, 0, fmt.Errorf("negative dimension in %v", brief(dims))
		}
		if d > 0 && n > maxElements/int(min(d, maxElements+1)) {
			return nil, 0, fmt.Errorf("tensor of shape %v is larger than %d elements", brief(dims), maxElements)
		}
		shape[k] = int(d)
		n *= int(d)
	}
	return shape, n, nil
}

// decodeTensor converts a TensorProto into a constant, checking that the stored data fits the
// declared shape before allocating.
func decodeTensor(t *pb.TensorProto) (*constant, error) {
	if t.GetDataLocation() == pb.TensorProto_EXTERNAL {
		return nil, fmt.Errorf("tensor %q: data stored in an external file is not supported", t.GetName())
	}
	if t.GetSegment() != nil {
		return nil, fmt.Errorf("tensor %q: segmented tensors are not supported", t.GetName())
	}
	shape, n, err := checkedSize(t.GetDims())
	if err != nil {
		return nil, fmt.Errorf("tensor %q: %v", t.GetName(), err)
	}
	dt := pb.TensorProto_DataType(t.GetDataType())
	c, err := decodeData(t, dt, shape, n)
	if err != nil {
		return nil, fmt.Errorf("tensor %q (%s, shape %v): %v", t.GetName(), dt, brief(shape), err)
	}
	return c, nil
}

func elemSize(dt pb.TensorProto_DataType) int {
	switch dt {
	case pb.TensorProto_FLOAT, pb.TensorProto_INT32, pb.TensorProto_UINT32:
		return 4
	case pb.TensorProto_DOUBLE, pb.TensorProto_INT64, pb.TensorProto_UINT64:
		return 8
	case pb.TensorProto_FLOAT16, pb.TensorProto_BFLOAT16, pb.TensorProto_INT16, pb.TensorProto_UINT16:
		return 2
	case pb.TensorProto_INT8, pb.TensorProto_UINT8, pb.TensorProto_BOOL:
		return 1
	}
	return 0
}

func decodeData(t *pb.TensorProto, dt pb.TensorProto_DataType, shape []int, n int) (*constant, error) {
	es := elemSize(dt)
	if es == 0 {
		return nil, fmt.Errorf("data type not supported")
	}
	isFloat := dt == pb.TensorProto_FLOAT || dt == pb.TensorProto_DOUBLE || dt == pb.TensorProto_FLOAT16 || dt == pb.TensorProto_BFLOAT16
	if raw := t.GetRawData(); len(raw) > 0 || n == 0 {
		if len(raw) != n*es {
			return nil, fmt.Errorf("raw data has %d bytes, want %d", len(raw), n*es)
		}
		if isFloat {
			f := make([]float32, n)
			for k := range f {
				f[k] = rawFloat(dt, raw[k*es:])
			}
			return newFloat(shape, f), nil
		}
		i := make([]int64, n)
		for k := range i {
			i[k] = rawInt(dt, raw[k*es:])
		}
		return newInt(shape, i), nil
	}
	var have int
	switch dt {
	case pb.TensorProto_FLOAT:
		have = len(t.GetFloatData())
	case pb.TensorProto_DOUBLE:
		have = len(t.GetDoubleData())
	case pb.TensorProto_INT64:
		have = len(t.GetInt64Data())
	case pb.TensorProto_UINT32, pb.TensorProto_UINT64:
		have = len(t.GetUint64Data())
	default: // int32, int16, int8, uint16, uint8, bool, float16 and bfloat16 bits
		have = len(t.GetInt32Data())
	}
	if have != n {
		return nil, fmt.Errorf("has %d values, want %d", have, n)
	}
	switch dt {
	case pb.TensorProto_FLOAT:
		return newFloat(shape, append([]float32(nil), t.GetFloatData()...)), nil
	case pb.TensorProto_DOUBLE:
		f := make([]float32, n)
		for k, v := range t.GetDoubleData() {
			f[k] = float32(v)
		}
		return newFloat(shape, f), nil
	case pb.TensorProto_FLOAT16, pb.TensorProto_BFLOAT16:
		f := make([]float32, n)
		var b [2]byte
		for k, v := range t.GetInt32Data() {
			binary.LittleEndian.PutUint16(b[:], uint16(v))
			f[k] = rawFloat(dt, b[:])
		}
		return newFloat(shape, f), nil
	case pb.TensorProto_INT64:
		return newInt(shape, append([]int64(nil), t.GetInt64Data()...)), nil
	case pb.TensorProto_UINT32, pb.TensorProto_UINT64:
		i := make([]int64, n)
		for k, v := range t.GetUint64Data() {
			i[k] = int64(v)
		}
		return newInt(shape, i), nil
	}
	i := make([]int64, n)
	for k, v := range t.GetInt32Data() {
		i[k] = int64(v)
	}
	return newInt(shape, i), nil
}

func rawFloat(dt pb.TensorProto_DataType, b []byte) float32 {
	switch dt {
	case pb.TensorProto_FLOAT:
		return math.Float32frombits(binary.LittleEndian.Uint32(b))
	case pb.TensorProto_DOUBLE:
		return float32(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case pb.TensorProto_BFLOAT16:
		return math.Float32frombits(uint32(binary.LittleEndian.Uint16(b)) << 16)
	}
	return halfToFloat(binary.LittleEndian.Uint16(b))
}

// halfToFloat converts IEEE 754 binary16 bits to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0: // zero, subnormal: frac·2⁻²⁴
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | uint32(exp-15+127)<<23 | frac<<13)
}

func rawInt(dt pb.TensorProto_DataType, b []byte) int64 {
	switch dt {
	case pb.TensorProto_INT64, pb.TensorProto_UINT64:
		return int64(binary.LittleEndian.Uint64(b))
	case pb.TensorProto_INT32:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	case pb.TensorProto_UINT32:
		return int64(binary.LittleEndian.Uint32(b))
	case pb.TensorProto_INT16:
		return int64(int16(binary.LittleEndian.Uint16(b)))
	case pb.TensorProto_UINT16:
		return int64(binary.LittleEndian.Uint16(b))
	case pb.TensorProto_INT8:
		return int64(int8(b[0]))
	}
	return int64(b[0]) // uint8, bool
}
