package idlist

import (
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	ids, err := Parse("0-3, 7,2-2", 10)
	if err != nil || !slices.Equal(ids, []int{0, 1, 2, 3, 7, 2}) {
		t.Fatalf("%v, %v", ids, err)
	}
	for s, want := range map[string]string{
		"": `"" is not an index`, "3-1": `"3-1" is not an index`, "-1": `"-1" is not`, "a": `"a" is not`,
		"10": "index 10 is out of range (the split has 10 images)", "0-9223372036854775807": "out of range",
	} {
		if _, err := Parse(s, 10); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q): %v, want %q", s, err, want)
		}
	}
	if _, err := Parse("0-1048576", 1<<21); err == nil || !strings.Contains(err.Error(), "more than 1048576") {
		t.Errorf("2^20+1 indices: %v", err)
	}
	if ids, err := Parse("0-1048575", 1<<21); err != nil || len(ids) != Max {
		t.Errorf("2^20 indices: %d, %v", len(ids), err)
	}
}

// FuzzParse: any list is indices in [0, n), at most Max of them, or an error, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"0-15,20", "3", "5-5", "9-0", "-1", "0-9223372036854775807", " 1 , 2-3", "1,,2", "0-999999"} {
		f.Add(s, 1000)
	}
	f.Add("0-1048576", 1<<21)
	f.Fuzz(func(t *testing.T, s string, n int) {
		ids, err := Parse(s, n)
		if err != nil {
			return
		}
		if len(ids) == 0 || len(ids) > Max {
			t.Fatalf("%q: %d indices", s, len(ids))
		}
		for _, id := range ids {
			if id < 0 || id >= n {
				t.Fatalf("%q with %d images: index %d", s, n, id)
			}
		}
	})
}
