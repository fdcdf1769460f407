package projection

import (
	"fmt"
	"testing"
)

func TestParseSpecRoundTrip(t *testing.T) {
	for _, s := range []string{"data:1,2,3", "mixup:0,9", "random:4,42", "flip:7,0", "grad:3,5", "pca", "pca:8"} {
		sp, err := ParseSpec(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if sp.String() != s {
			t.Errorf("%s printed back as %s", s, sp.String())
		}
	}
	sp, _ := ParseSpec("random:4,42")
	if sp.Seed != 42 || len(sp.Images) != 1 || sp.Images[0] != 4 {
		t.Errorf("random:4,42 parsed as %+v", sp)
	}
}

func TestParseSpecErrors(t *testing.T) {
	for _, s := range []string{"", "data", "data:1,2", "data:1,1,2", "plane:1,2,3", "mixup:1,-2", "mixup:a,b", "flip:1", "data:1,2,99999999999", "grad:1", "pca:1,2", "pcb", "mixup:5,5"} {
		if _, err := ParseSpec(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestSpecBuild(t *testing.T) {
	imgs := map[int][]float32{}
	get := func(i int) ([]float32, error) {
		if i >= 10 {
			return nil, fmt.Errorf("image %d out of range", i)
		}
		if imgs[i] == nil {
			imgs[i] = randImage(uint64(i) + 100)
		}
		return imgs[i], nil
	}
	cases := map[string][2]int{"data:1,2,3": {16, 16}, "mixup:1,2": {11, 1}, "random:1,5": {16, 16}, "flip:1,5": {16, 16}}
	for s, dims := range cases {
		sp, _ := ParseSpec(s)
		p, err := sp.Build(shape, get, Sizes{Grid: 16, Points: 11})
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if nx, ny := p.Dims(); nx != dims[0] || ny != dims[1] {
			t.Errorf("%s: dims %d,%d want %v", s, nx, ny, dims)
		}
		if p.Anchors[0].Name != "#1" {
			t.Errorf("%s: first anchor named %q", s, p.Anchors[0].Name)
		}
	}
	sp, _ := ParseSpec("data:1,2,30")
	if _, err := sp.Build(shape, get, Sizes{}); err == nil {
		t.Error("image out of range accepted")
	}
}
