package render

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/provenance"
)

// The palette holds the colormap's ends at full brightness, black, white and the extra colours,
// in at most 256 entries.
func TestAnimationPalette(t *testing.T) {
	bg := color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	p := AnimationPalette(Magma, bg)
	if len(p) > 256 {
		t.Fatalf("%d colours", len(p))
	}
	for _, want := range []color.Color{Magma.At(0), Magma.At(1), color.RGBA{A: 255}, color.RGBA{255, 255, 255, 255}, bg, Tab10[3]} {
		if got := p.Convert(want); !sameColor(got, want) {
			t.Errorf("palette lacks %v (nearest %v)", want, got)
		}
	}
}

func sameColor(a, b color.Color) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1>>8 == r2>>8 && g1>>8 == g2>>8 && b1>>8 == b2>>8 && a1>>8 == a2>>8
}

// gradientFrames returns n frames of a colormap gradient shifted by k pixels per frame.
func gradientFrames(n, w, h int) []*image.RGBA {
	out := make([]*image.RGBA, n)
	for k := range out {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				img.Set(x, y, Viridis.At(float64((x+k)%w)/float64(w-1)))
			}
		}
		out[k] = img
	}
	return out
}

// A written GIF decodes to the frames given, close to their colours, with the delay of the frame
// rate, the last frame held, and the provenance given.
func TestWriteGIF(t *testing.T) {
	frames := gradientFrames(5, 40, 10)
	pal := AnimationPalette(Viridis)
	ps := make([]*image.Paletted, len(frames))
	for i, f := range frames {
		ps[i] = Paletted(f, pal)
	}
	path := filepath.Join(t.TempDir(), "a.gif")
	rec := provenance.Record{Surfscope: "test", Probe: "data:0,1,2"}
	if err := WriteGIF(path, ps, GIFOptions{FPS: 5, HoldLast: 2}, rec); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 5 || g.Delay[0] != 20 || g.Delay[4] != 60 || g.LoopCount != 0 {
		t.Fatalf("%d frames, delays %v, loop %d; want 5, 20 … 60, 0", len(g.Image), g.Delay, g.LoopCount)
	}
	for k, img := range g.Image {
		for x := 0; x < 40; x += 7 {
			r1, g1, b1, _ := img.At(x, 5).RGBA()
			r2, g2, b2, _ := frames[k].At(x, 5).RGBA()
			if d := diff16(r1, r2) + diff16(g1, g2) + diff16(b1, b2); d > 3*40<<8 {
				t.Errorf("frame %d pixel %d: %v, drawn %v", k, x, img.At(x, 5), frames[k].At(x, 5))
			}
		}
	}
	got, err := provenance.ReadGIF(bytes.NewReader(b))
	if err != nil || got.Probe != "data:0,1,2" {
		t.Errorf("provenance %+v, %v", got, err)
	}
	if err := WriteGIF(path, ps[:0], GIFOptions{}, rec); err == nil {
		t.Error("no frames: no error")
	}
	ps[2] = Paletted(image.NewRGBA(image.Rect(0, 0, 3, 3)), pal)
	if err := WriteGIF(path, ps, GIFOptions{}, rec); err == nil || !strings.Contains(err.Error(), "frame 2") {
		t.Errorf("frames of two sizes: %v", err)
	}
}

func diff16(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

// Without ffmpeg, WriteMP4 says so and writes nothing; with it, the MP4 holds every frame (ffprobe
// counts them) and odd sizes are padded.
func TestWriteMP4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.mp4")
	frames := gradientFrames(7, 41, 23)
	saved := ffmpegProgram
	ffmpegProgram = "surfscope-no-such-ffmpeg"
	err := WriteMP4(context.Background(), path, frames, 10, provenance.Record{})
	if !errors.Is(err, ErrNoFFmpeg) || CheckFFmpeg() == nil {
		t.Errorf("without ffmpeg: %v", err)
	}
	ffmpegProgram = saved
	if _, err := os.Stat(path); err == nil {
		t.Error("a file was written without ffmpeg")
	}
	if _, err := exec.LookPath("ffprobe"); err != nil || CheckFFmpeg() != nil {
		t.Skip("ffmpeg is not installed")
	}
	if err := WriteMP4(context.Background(), path, frames, 10, provenance.Record{Surfscope: "test"}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "42,24,"+strconv.Itoa(7) {
		t.Errorf("ffprobe: %q, want 42,24,7", got)
	}
}
