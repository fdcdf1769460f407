package render

import "testing"

// Antialiasing never asks for more than maxSupersamples: 16384×8192 pixels at 16 samples drew
// into an 8 GiB buffer with GL on llvmpipe (issue 20); now large pictures get fewer samples.
func TestSupersamplingIsBounded(t *testing.T) {
	for _, c := range []struct{ w, h, samples, want int }{
		{1600, 1000, 16, 4}, {1600, 1000, 4, 2}, {1600, 1000, 1, 1}, {1600, 1000, 0, 1},
		{4096, 4096, 16, 2}, {16384, 8192, 16, 1}, {16384, 16384, 16, 1},
	} {
		ss := supersampling(c.w, c.h, c.samples)
		if ss != c.want {
			t.Errorf("%dx%d, %d samples: factor %d, want %d", c.w, c.h, c.samples, ss, c.want)
		}
		if ss > 1 && c.w*c.h*ss*ss > maxSupersamples {
			t.Errorf("%dx%d: %d supersamples", c.w, c.h, c.w*c.h*ss*ss)
		}
	}
	if got := MemoryNeed(16384, 8192, 16); got > 4<<30 {
		t.Errorf("MemoryNeed(16384, 8192, 16) = %d", got)
	}
}
