package memcap

import (
	"strconv"
	"testing"
)

// FuzzParse: any text is a size or an error, never a panic or a negative size; a size printed in
// bytes parses back to itself.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"16GiB", "1.5G", "500MB", "2000000000", "1e400", "9223372036854775807", "0.0000001kB", "..", "-0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := Parse(s)
		if err != nil {
			return
		}
		if b < 0 {
			t.Fatalf("Parse(%q) = %d", s, b)
		}
		if back, err := Parse(strconv.FormatInt(b, 10)); err != nil || back != b {
			t.Fatalf("%d printed and parsed back as %d, %v", b, back, err)
		}
	})
}
