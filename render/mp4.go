package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
)

// ErrNoFFmpeg is returned by WriteMP4 when the ffmpeg program is not installed.
var ErrNoFFmpeg = errors.New("MP4 needs the ffmpeg program, which is not installed (Debian: apt-get install ffmpeg); write a .gif instead")

// ffmpegProgram is the program WriteMP4 runs; tests point it elsewhere to see the missing case.
var ffmpegProgram = "ffmpeg"

// CheckFFmpeg returns ErrNoFFmpeg when the ffmpeg program WriteMP4 needs is not installed, so a
// command can say so before it does any work.
func CheckFFmpeg() error {
	if _, err := exec.LookPath(ffmpegProgram); err != nil {
		return ErrNoFFmpeg
	}
	return nil
}

// WriteMP4 encodes frames (all the same size) as an H.264 MP4 at fps frames per second with the
// ffmpeg program (ErrNoFFmpeg when it is not installed), with rec's text form as the file's comment
// metadata. ffmpeg writes into a temporary folder and the result is copied to path through a
// temporary file renamed into place, so a cancelled ctx or a failed encoder leaves no file. Odd
// sizes are padded by one pixel (H.264's 4:2:0 chroma needs even sides).
func WriteMP4(ctx context.Context, path string, frames []*image.RGBA, fps float64, rec provenance.Record) error {
	if len(frames) == 0 {
		return fmt.Errorf("render: %s: an animation needs at least one frame", path)
	}
	if !(fps > 0 && fps <= 120) {
		return fmt.Errorf("render: %s: %g frames per second: want more than 0 and at most 120", path, fps)
	}
	exe, err := exec.LookPath(ffmpegProgram)
	if err != nil {
		return fmt.Errorf("render: %s: %w", path, ErrNoFFmpeg)
	}
	tmp, err := os.MkdirTemp("", "surfscope-mp4-")
	if err != nil {
		return fmt.Errorf("render: %s: %v", path, err)
	}
	defer os.RemoveAll(tmp)
	encoded := filepath.Join(tmp, "out.mp4")
	r := frames[0].Rect
	cmd := exec.CommandContext(ctx, exe, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", r.Dx(), r.Dy()),
		"-r", strconv.FormatFloat(fps, 'g', -1, 64), "-i", "-",
		"-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
		"-crf", "18", "-movflags", "+faststart", "-metadata", "comment="+rec.Text(), encoded)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("render: %s: %v", path, err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("render: %s: starting ffmpeg: %v", path, err)
	}
	werr := writeRaw(stdin, frames)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("render: %s: ffmpeg failed: %v: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	if werr != nil {
		return fmt.Errorf("render: %s: %v", path, werr)
	}
	err = atomicfile.Write(path, func(w io.Writer) error {
		f, err := os.Open(encoded)
		if err != nil {
			return err
		}
		defer f.Close() // read-only
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return fmt.Errorf("render: writing %w", err)
	}
	return nil
}

// writeRaw writes the frames' pixels row by row as packed RGBA.
func writeRaw(w io.Writer, frames []*image.RGBA) error {
	r := frames[0].Rect
	for i, f := range frames {
		if f.Rect.Size() != r.Size() {
			return fmt.Errorf("frame %d is %v, frame 0 %v: frames must have one size", i, f.Rect, r)
		}
		for y := 0; y < r.Dy(); y++ {
			row := f.Pix[y*f.Stride : y*f.Stride+4*r.Dx()]
			if _, err := w.Write(row); err != nil {
				return errors.New("ffmpeg stopped reading its input")
			}
		}
	}
	return nil
}
