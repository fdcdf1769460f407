package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is share Index of Count. The zero value is the whole work (one share).
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// Parse reads "i/n" (0 ≤ i < n; "0/1" is the whole work). The error names the flag --shard.
func Parse(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("--shard %q: want i/n with 0 ≤ i < n (e.g. 0/4 … 3/4)", s)
	}
	return Shard{Index: i, Count: n}, nil
}

// String is the "i/n" form Parse reads ("0/1" for the zero value).
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, max(s.Count, 1)) }

// Split reports whether s is a proper share (more than one shard).
func (s Shard) Split() bool { return s.Count > 1 }

// Owns reports whether work item k (0-based, in the order of the unsharded run) is s's.
func (s Shard) Owns(k int) bool { return s.Count <= 1 || k%s.Count == s.Index }

// Check returns an error unless parts, one Shard per part in any order, are every share of one
// split exactly once; name(i) names part i in the message (a file name).
func Check(parts []Shard, name func(i int) string) error {
	if len(parts) == 0 {
		return fmt.Errorf("no parts to merge")
	}
	n := max(parts[0].Count, 1)
	seen := make([]int, n)
	for i := range seen {
		seen[i] = -1
	}
	for i, p := range parts {
		switch {
		case max(p.Count, 1) != n:
			return fmt.Errorf("%s is shard %s but %s is shard %s: parts of different splits", name(i), p, name(0), parts[0])
		case p.Index < 0 || p.Index >= n:
			return fmt.Errorf("%s: shard %s is out of range", name(i), p)
		case seen[p.Index] >= 0:
			return fmt.Errorf("%s and %s are both shard %s", name(seen[p.Index]), name(i), p)
		}
		seen[p.Index] = i
	}
	var missing []string
	for i, at := range seen {
		if at < 0 {
			missing = append(missing, Shard{i, n}.String())
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing shard %s of the %d", strings.Join(missing, ", "), n)
	}
	return nil
}
