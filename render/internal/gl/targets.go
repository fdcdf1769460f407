//go:build cgo && !windows && !darwin

package gl

import (
	"fmt"

	ogl "github.com/go-gl/gl/v3.3-core/gl"
)

// targets are the offscreen framebuffers: a multisampled one to draw into
// (when samples > 1) and a single-sampled one to resolve into and read from.
type targets struct {
	w, h, samples              int
	msFBO, msColor, msDepth    uint32
	outFBO, outColor, outDepth uint32
}

// ensure (re)creates the framebuffers for a w x h frame with the given
// number of samples, clamped to GL_MAX_SAMPLES.
func (t *targets) ensure(w, h, samples int) error {
	var size int32
	ogl.GetIntegerv(ogl.MAX_RENDERBUFFER_SIZE, &size)
	if w > int(size) || h > int(size) {
		return fmt.Errorf("gl: frame %dx%d is larger than GL_MAX_RENDERBUFFER_SIZE %d", w, h, size)
	}
	var max int32
	ogl.GetIntegerv(ogl.MAX_SAMPLES, &max)
	if samples > int(max) {
		samples = int(max)
	}
	if samples < 1 {
		samples = 1
	}
	if t.outFBO != 0 && t.w == w && t.h == h && t.samples == samples {
		return nil
	}
	t.delete()
	t.w, t.h, t.samples = w, h, samples

	ogl.GenFramebuffers(1, &t.outFBO)
	ogl.BindFramebuffer(ogl.FRAMEBUFFER, t.outFBO)
	t.outColor = renderbuffer(1, ogl.RGBA8, w, h)
	ogl.FramebufferRenderbuffer(ogl.FRAMEBUFFER, ogl.COLOR_ATTACHMENT0, ogl.RENDERBUFFER, t.outColor)
	if samples == 1 {
		t.outDepth = renderbuffer(1, ogl.DEPTH_COMPONENT24, w, h)
		ogl.FramebufferRenderbuffer(ogl.FRAMEBUFFER, ogl.DEPTH_ATTACHMENT, ogl.RENDERBUFFER, t.outDepth)
	}
	if err := complete("output"); err != nil {
		return err
	}
	if samples > 1 {
		ogl.GenFramebuffers(1, &t.msFBO)
		ogl.BindFramebuffer(ogl.FRAMEBUFFER, t.msFBO)
		t.msColor = renderbuffer(samples, ogl.RGBA8, w, h)
		ogl.FramebufferRenderbuffer(ogl.FRAMEBUFFER, ogl.COLOR_ATTACHMENT0, ogl.RENDERBUFFER, t.msColor)
		t.msDepth = renderbuffer(samples, ogl.DEPTH_COMPONENT24, w, h)
		ogl.FramebufferRenderbuffer(ogl.FRAMEBUFFER, ogl.DEPTH_ATTACHMENT, ogl.RENDERBUFFER, t.msDepth)
		if err := complete("multisampled"); err != nil {
			return err
		}
	}
	return glError("creating framebuffers")
}

// drawFBO is the framebuffer to draw into.
func (t *targets) drawFBO() uint32 {
	if t.samples > 1 {
		return t.msFBO
	}
	return t.outFBO
}

// resolve copies the multisampled image into the output framebuffer.
func (t *targets) resolve() {
	if t.samples <= 1 {
		return
	}
	ogl.BindFramebuffer(ogl.READ_FRAMEBUFFER, t.msFBO)
	ogl.BindFramebuffer(ogl.DRAW_FRAMEBUFFER, t.outFBO)
	ogl.BlitFramebuffer(0, 0, int32(t.w), int32(t.h), 0, 0, int32(t.w), int32(t.h), ogl.COLOR_BUFFER_BIT, ogl.NEAREST)
}

func (t *targets) delete() {
	for _, fbo := range []*uint32{&t.msFBO, &t.outFBO} {
		if *fbo != 0 {
			ogl.DeleteFramebuffers(1, fbo)
			*fbo = 0
		}
	}
	for _, rb := range []*uint32{&t.msColor, &t.msDepth, &t.outColor, &t.outDepth} {
		if *rb != 0 {
			ogl.DeleteRenderbuffers(1, rb)
			*rb = 0
		}
	}
	t.w, t.h, t.samples = 0, 0, 0
}

func renderbuffer(samples int, format uint32, w, h int) uint32 {
	var rb uint32
	ogl.GenRenderbuffers(1, &rb)
	ogl.BindRenderbuffer(ogl.RENDERBUFFER, rb)
	if samples > 1 {
		ogl.RenderbufferStorageMultisample(ogl.RENDERBUFFER, int32(samples), format, int32(w), int32(h))
	} else {
		ogl.RenderbufferStorage(ogl.RENDERBUFFER, format, int32(w), int32(h))
	}
	return rb
}

func complete(name string) error {
	if s := ogl.CheckFramebufferStatus(ogl.FRAMEBUFFER); s != ogl.FRAMEBUFFER_COMPLETE {
		return fmt.Errorf("gl: %s framebuffer incomplete: status 0x%x", name, s)
	}
	return nil
}
