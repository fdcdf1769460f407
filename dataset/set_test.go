package dataset

import (
	"math"
	"strings"
	"testing"
)

// tinySet has 3 images of 2 channels of 1×2 pixels; pixel values identify image and position.
func tinySet() *Set {
	return &Set{
		Name: "tiny", N: 3, C: 2, H: 1, W: 2,
		Images: []float32{
			0.0, 0.1, 0.2, 0.3,
			0.4, 0.5, 0.6, 0.7,
			0.8, 0.9, 1.0, 0.0,
		},
		Labels:  []int{2, 0, 1},
		Classes: 3,
	}
}

func TestSetAccessors(t *testing.T) {
	s := tinySet()
	if s.Len() != 3 || (*Set)(nil).Len() != 0 || (&Set{}).Len() != 0 {
		t.Errorf("Len: %d, nil %d", s.Len(), (*Set)(nil).Len())
	}
	img := s.Image(1)
	if len(img) != 4 || cap(img) != 4 || img[0] != 0.4 || img[3] != 0.7 {
		t.Errorf("Image(1) = %v (cap %d)", img, cap(img))
	}
	img[0] = 0.45
	if s.Images[4] != 0.45 {
		t.Error("Image must be a view of the set's memory")
	}
	if s.ClassName(1) != "1" {
		t.Errorf("unnamed class: %q", s.ClassName(1))
	}
	s.ClassNames = []string{"a", "b", "c"}
	if s.ClassName(1) != "b" || s.ClassName(5) != "5" {
		t.Errorf("named class: %q, %q", s.ClassName(1), s.ClassName(5))
	}
}

func TestSubsetCopies(t *testing.T) {
	s := tinySet()
	sub := s.Subset([]int{2, 0, 2})
	if sub.N != 3 || sub.Labels[0] != 1 || sub.Labels[1] != 2 || sub.Labels[2] != 1 {
		t.Fatalf("labels %v", sub.Labels)
	}
	if sub.Image(0)[1] != 0.9 || sub.Image(1)[1] != 0.1 {
		t.Errorf("images %v", sub.Images)
	}
	if err := sub.Check(); err != nil {
		t.Error(err)
	}
	sub.Images[0] = 0.5
	sub.Labels[0] = 0
	if s.Images[8] != 0.8 || s.Labels[2] != 1 {
		t.Error("Subset must copy")
	}
}

func TestHeadIsAView(t *testing.T) {
	s := tinySet()
	h := s.Head(2)
	if h.N != 2 || len(h.Images) != 8 || len(h.Labels) != 2 || cap(h.Images) != 8 || cap(h.Labels) != 2 {
		t.Fatalf("Head(2): N %d, %d values (cap %d), %d labels", h.N, len(h.Images), cap(h.Images), len(h.Labels))
	}
	h.Images[0] = 0.25
	if s.Images[0] != 0.25 {
		t.Error("Head must share memory")
	}
	h.Images = append(h.Images, 0.99)
	if s.Images[8] != 0.8 {
		t.Error("appending to a Head view overwrote the set")
	}
	if s.Head(10).N != 3 || s.Head(0).N != 0 {
		t.Error("Head clamps to N")
	}
}

func TestIndexPanics(t *testing.T) {
	s := tinySet()
	for name, f := range map[string]func(){
		"Image(3)":    func() { s.Image(3) },
		"Image(-1)":   func() { s.Image(-1) },
		"Subset([5])": func() { s.Subset([]int{5}) },
		"Head(-1)":    func() { s.Head(-1) },
	} {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.HasPrefix(msg, "dataset: ") {
					t.Errorf("%s: recovered %v, want a panic starting \"dataset: \"", name, r)
				}
			}()
			f()
		}()
	}
}

func TestCheck(t *testing.T) {
	if err := tinySet().Check(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		break_ func(*Set)
		want   string
	}{
		{"short images", func(s *Set) { s.Images = s.Images[:5] }, "5 pixel values, want"},
		{"labels", func(s *Set) { s.Labels = s.Labels[:2] }, "image count 3, labels 2"},
		{"label range", func(s *Set) { s.Labels[1] = 3 }, "image 1: label 3 out of range [0,3)"},
		{"negative label", func(s *Set) { s.Labels[0] = -1 }, "image 0: label -1"},
		{"pixel", func(s *Set) { s.Images[9] = 1.5 }, "image 2: pixel value 1.5 outside [0,1]"},
		{"NaN", func(s *Set) { s.Images[0] = float32(math.NaN()) }, "image 0: pixel value NaN"},
		{"names", func(s *Set) { s.ClassNames = []string{"x"} }, "1 class names for 3 classes"},
	} {
		s := tinySet()
		tc.break_(s)
		if err := s.Check(); err == nil || !strings.Contains(err.Error(), "dataset: tiny: "+tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestClassCountsAndChannelStats(t *testing.T) {
	s := tinySet()
	if c := s.ClassCounts(); len(c) != 3 || c[0] != 1 || c[1] != 1 || c[2] != 1 {
		t.Errorf("ClassCounts = %v", c)
	}
	mean, std := s.ChannelStats()
	// Channel 0 holds 0, .1, .4, .5, .8, .9: mean .45, variance (.2025+.1225+.0025+.0025+.1225+.2025)/6.
	// Channel 1 holds .2, .3, .6, .7, 1, 0: mean .4667, variance (E[x²] = 1.98/6) − mean².
	wantMean := []float64{0.45, 2.8 / 6}
	wantStd := []float64{math.Sqrt(0.655 / 6), math.Sqrt(1.98/6 - (2.8/6)*(2.8/6))}
	for c := range 2 {
		if math.Abs(mean[c]-wantMean[c]) > 1e-6 || math.Abs(std[c]-wantStd[c]) > 1e-6 {
			t.Errorf("channel %d: mean %v std %v, want %v %v (±1e-6, float32 inputs)", c, mean[c], std[c], wantMean[c], wantStd[c])
		}
	}
	m, sd := (&Set{C: 1, H: 2, W: 2}).ChannelStats()
	if len(m) != 1 || m[0] != 0 || sd[0] != 0 {
		t.Errorf("empty set stats %v %v", m, sd)
	}
}
