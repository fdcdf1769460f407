//go:build cgo && !windows && !darwin

package gl

import (
	"fmt"
	"unsafe"

	ogl "github.com/go-gl/gl/v3.3-core/gl"
)

// Draw renders f and reads it back into dst, 4*Width*Height bytes of RGBA
// with the top row first (the projection is flipped so no row copy is needed).
func (c *Context) Draw(f *Frame, dst []byte) error {
	if f.Width <= 0 || f.Height <= 0 {
		return fmt.Errorf("gl: frame size %dx%d", f.Width, f.Height)
	}
	if len(dst) < 4*f.Width*f.Height {
		return fmt.Errorf("gl: destination holds %d bytes, frame needs %d", len(dst), 4*f.Width*f.Height)
	}
	if len(f.Vertices)%VertexFloats != 0 || len(f.Indices)%3 != 0 {
		return fmt.Errorf("gl: %d vertex floats, %d indices: not whole vertices and triangles", len(f.Vertices), len(f.Indices))
	}
	if len(f.LUT) != 256*4 {
		return fmt.Errorf("gl: colormap has %d bytes, want 1024", len(f.LUT))
	}
	if f.Classes != nil && (f.ClassesW < 1 || f.ClassesH < 1 || len(f.Classes) != f.ClassesW*f.ClassesH || len(f.Palette) != 256*4) {
		return fmt.Errorf("gl: %d classes for %dx%d points with a %d-byte palette", len(f.Classes), f.ClassesW, f.ClassesH, len(f.Palette))
	}
	nv := uint32(len(f.Vertices) / VertexFloats)
	for _, ix := range f.Indices {
		if ix >= nv {
			return fmt.Errorf("gl: index %d out of range for %d vertices", ix, nv)
		}
	}
	return c.do(func() error {
		if err := c.targets.ensure(f.Width, f.Height, f.Samples); err != nil {
			return err
		}
		c.drawSurface(f)
		c.targets.resolve()
		return c.read(dst)
	})
}

// Read reads the last drawn frame again into dst; benchmarks use it to time
// the readback alone.
func (c *Context) Read(dst []byte) error {
	return c.do(func() error {
		if c.targets.outFBO == 0 {
			return fmt.Errorf("gl: nothing drawn yet")
		}
		if len(dst) < 4*c.targets.w*c.targets.h {
			return fmt.Errorf("gl: destination holds %d bytes, frame needs %d", len(dst), 4*c.targets.w*c.targets.h)
		}
		return c.read(dst)
	})
}

func (c *Context) read(dst []byte) error {
	ogl.BindFramebuffer(ogl.READ_FRAMEBUFFER, c.targets.outFBO)
	ogl.PixelStorei(ogl.PACK_ALIGNMENT, 1)
	ogl.ReadPixels(0, 0, int32(c.targets.w), int32(c.targets.h), ogl.RGBA, ogl.UNSIGNED_BYTE, unsafe.Pointer(&dst[0]))
	return glError("reading pixels")
}

func (c *Context) drawSurface(f *Frame) {
	ogl.BindFramebuffer(ogl.FRAMEBUFFER, c.targets.drawFBO())
	ogl.Viewport(0, 0, int32(f.Width), int32(f.Height))
	b := f.Background
	ogl.ClearColor(b[0], b[1], b[2], b[3])
	ogl.Clear(ogl.COLOR_BUFFER_BIT | ogl.DEPTH_BUFFER_BIT)
	if len(f.Indices) == 0 {
		return
	}
	ogl.Enable(ogl.DEPTH_TEST)
	ogl.DepthFunc(ogl.LESS)
	if c.targets.samples > 1 {
		ogl.Enable(ogl.MULTISAMPLE)
	}

	p := c.surface
	ogl.UseProgram(p.prog)
	ogl.BindVertexArray(p.vao)
	ogl.BindBuffer(ogl.ARRAY_BUFFER, p.vbo)
	ogl.BufferData(ogl.ARRAY_BUFFER, 4*len(f.Vertices), unsafe.Pointer(&f.Vertices[0]), ogl.STREAM_DRAW)
	ogl.BufferData(ogl.ELEMENT_ARRAY_BUFFER, 4*len(f.Indices), unsafe.Pointer(&f.Indices[0]), ogl.STREAM_DRAW)

	ogl.ActiveTexture(ogl.TEXTURE0)
	ogl.BindTexture(ogl.TEXTURE_2D, p.lut)
	ogl.TexImage2D(ogl.TEXTURE_2D, 0, ogl.RGBA8, 256, 1, 0, ogl.RGBA, ogl.UNSIGNED_BYTE, unsafe.Pointer(&f.LUT[0]))
	ogl.Uniform1i(p.lutU, 0)

	mvp := f.MVP
	for _, i := range []int{1, 5, 9, 13} { // y -> -y: rows come out top-down
		mvp[i] = -mvp[i]
	}
	ogl.UniformMatrix4fv(p.mvp, 1, false, &mvp[0])
	ogl.Uniform3fv(p.eye, 1, &f.Eye[0])
	ogl.Uniform3fv(p.light, 1, &f.Light[0])
	ogl.Uniform4fv(p.mat, 1, &f.Material[0])
	ogl.Uniform1f(p.contours, f.Contours)
	ogl.Uniform4fv(p.cstyle, 1, &f.ContourStyle[0])
	ogl.Uniform4fv(p.wstyle, 1, &f.WireStyle[0])
	ogl.Uniform1f(p.wstep, max(f.WireStep, 1))
	ogl.Uniform3fv(p.width, 1, &f.LineWidth[0])
	ogl.Uniform4fv(p.bstyle, 1, &f.BoundaryStyle[0])
	if f.Classes != nil {
		ogl.Uniform1i(p.categorical, 1)
		ogl.ActiveTexture(ogl.TEXTURE1)
		ogl.BindTexture(ogl.TEXTURE_2D, p.classes)
		ogl.PixelStorei(ogl.UNPACK_ALIGNMENT, 4)
		ogl.TexImage2D(ogl.TEXTURE_2D, 0, ogl.R32F, int32(f.ClassesW), int32(f.ClassesH), 0, ogl.RED, ogl.FLOAT, unsafe.Pointer(&f.Classes[0]))
		ogl.ActiveTexture(ogl.TEXTURE2)
		ogl.BindTexture(ogl.TEXTURE_2D, p.palette)
		ogl.TexImage2D(ogl.TEXTURE_2D, 0, ogl.RGBA8, 256, 1, 0, ogl.RGBA, ogl.UNSIGNED_BYTE, unsafe.Pointer(&f.Palette[0]))
		ogl.ActiveTexture(ogl.TEXTURE0)
	} else {
		ogl.Uniform1i(p.categorical, 0)
	}
	ogl.Uniform1i(p.classesU, 1)
	ogl.Uniform1i(p.paletteU, 2)

	ogl.DrawElements(ogl.TRIANGLES, int32(len(f.Indices)), ogl.UNSIGNED_INT, nil)
	ogl.BindVertexArray(0)
}
