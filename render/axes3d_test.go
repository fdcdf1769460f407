package render

import (
	"image"
	"image/color"
	"testing"
)

// composite is "surface over underlay" for a surface blended with bg.
func TestComposite(t *testing.T) {
	bg := color.RGBA{255, 255, 255, 255}
	under := image.NewRGBA(image.Rect(0, 0, 3, 1))
	dst := image.NewRGBA(image.Rect(0, 0, 3, 1))
	pane := color.RGBA{200, 200, 200, 255}
	for x := 0; x < 3; x++ {
		under.SetRGBA(x, 0, pane)
	}
	surf := color.RGBA{0, 100, 200, 255}
	dst.SetRGBA(0, 0, color.RGBA{255, 255, 255, 0}) // no surface
	dst.SetRGBA(1, 0, surf)                         // covered
	// half covered: the backend blended surf with bg half and half
	dst.SetRGBA(2, 0, color.RGBA{128, 178, 228, 128})
	composite(dst, under, bg)
	want := []color.RGBA{pane, surf, {100, 150, 200, 255}}
	for x, w := range want {
		if got := dst.RGBAAt(x, 0); colorDist(got, w) > 1 || got.A != 255 {
			t.Errorf("pixel %d: %v, want %v", x, got, w)
		}
	}
}

// With Axes the panes show behind the surface, the same in both backends,
// and the surface itself is unchanged where it covers them.
func TestAxesPanes(t *testing.T) {
	rs := backends(t)
	var pics []*image.RGBA
	for _, r := range rs {
		s := &Scene{Field: waves(48), Axes: true, XLabel: "s", YLabel: "t", ZLabel: "z"}
		img := image.NewRGBA(image.Rect(0, 0, 320, 240))
		if err := r.Render(img, s); err != nil {
			t.Fatal(err)
		}
		f, _ := r.(*renderer).prepare(img.Bounds(), s)
		b := boxFor(f)
		// Just inside the far top corner of the back walls: pane, not background.
		px, py, _ := f.project(vec3{b.backX * 0.97, b.backY * 0.97, b.az * 0.9})
		if c := img.RGBAAt(int(px), int(py)); c == (color.RGBA{255, 255, 255, 255}) {
			t.Errorf("%s: no pane behind the surface at (%d, %d)", r.Name(), int(px), int(py))
		}
		pics = append(pics, img)
	}
	if len(pics) == 2 {
		if mean, frac := imageDiff(pics[0], pics[1], 24); mean > 1.5 || frac > 0.01 {
			t.Errorf("GL and CPU differ with axes: mean %.3f, %.3f%%", mean, 100*frac)
		}
	}
}
