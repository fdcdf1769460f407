package idlist

import (
	"fmt"
	"strconv"
	"strings"
)

// Max is the most indices a list may name (2^20).
const Max = 1 << 20

// Parse returns the indices s names, in the order it names them, for a split of n images. Each
// comma-separated part is an index or a range LO-HI with LO ≤ HI; every index must be below n.
// The error says which part is wrong, or that the list names more than Max indices.
func Parse(s string, n int) ([]int, error) {
	var ids []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 0 || b < a {
			return nil, fmt.Errorf("%q is not an index or a range like 0-15", part)
		}
		if b >= n {
			return nil, fmt.Errorf("index %d is out of range (the split has %d images)", b, n)
		}
		if b-a >= Max-len(ids) {
			return nil, fmt.Errorf("more than %d images", Max)
		}
		for i := a; i <= b; i++ {
			ids = append(ids, i)
		}
	}
	return ids, nil
}
