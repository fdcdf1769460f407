package ntk

import (
	"encoding/json"
	"math"
	"strconv"
)

// Number is a float64 that marshals NaN and ±Inf as JSON null (encoding/json rejects them) and reads
// null back as NaN.
type Number float64

// MarshalJSON writes the value, or null when it is not finite.
func (x Number) MarshalJSON() ([]byte, error) {
	v := float64(x)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (x *Number) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Number(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*x = Number(v)
	return nil
}
