//go:build cgo && !windows && !darwin

package gl

import (
	_ "embed"
	"fmt"
	"strings"
	"unsafe"

	ogl "github.com/go-gl/gl/v3.3-core/gl"
)

//go:embed surface.vert
var surfaceVert string

//go:embed surface.frag
var surfaceFrag string

// surfaceProgram is the linked surface shader with its uniform locations and
// the vertex array, buffers and colormap texture it draws from.
type surfaceProgram struct {
	prog                 uint32
	vao, vbo, ebo, lut   uint32
	classes, palette     uint32
	mvp, eye, light, mat int32
	contours, cstyle     int32
	wstyle, width, lutU  int32
	wstep, bstyle        int32
	categorical          int32
	classesU, paletteU   int32
}

func newSurfaceProgram() (*surfaceProgram, error) {
	prog, err := link(surfaceVert, surfaceFrag)
	if err != nil {
		return nil, err
	}
	p := &surfaceProgram{prog: prog}
	loc := func(name string) int32 { return ogl.GetUniformLocation(prog, ogl.Str(name+"\x00")) }
	p.mvp, p.eye, p.light, p.mat = loc("uMVP"), loc("uEye"), loc("uLight"), loc("uMaterial")
	p.contours, p.cstyle = loc("uContours"), loc("uContourStyle")
	p.wstyle, p.width, p.lutU = loc("uWireStyle"), loc("uLineWidth"), loc("uLUT")
	p.wstep, p.bstyle, p.categorical = loc("uWireStep"), loc("uBoundaryStyle"), loc("uCategorical")
	p.classesU, p.paletteU = loc("uClasses"), loc("uPalette")

	ogl.GenVertexArrays(1, &p.vao)
	ogl.BindVertexArray(p.vao)
	ogl.GenBuffers(1, &p.vbo)
	ogl.GenBuffers(1, &p.ebo)
	ogl.BindBuffer(ogl.ARRAY_BUFFER, p.vbo)
	ogl.BindBuffer(ogl.ELEMENT_ARRAY_BUFFER, p.ebo)
	const stride = VertexFloats * 4
	ogl.EnableVertexAttribArray(0)
	ogl.VertexAttribPointerWithOffset(0, 3, ogl.FLOAT, false, stride, 0)
	ogl.EnableVertexAttribArray(1)
	ogl.VertexAttribPointerWithOffset(1, 3, ogl.FLOAT, false, stride, 3*4)
	ogl.EnableVertexAttribArray(2)
	ogl.VertexAttribPointerWithOffset(2, 4, ogl.FLOAT, false, stride, 6*4)
	ogl.BindVertexArray(0)

	p.lut = texture(ogl.LINEAR)
	p.classes = texture(ogl.NEAREST)
	p.palette = texture(ogl.NEAREST)
	// Empty class and palette textures keep the unused samplers complete.
	var zero [4]byte
	ogl.BindTexture(ogl.TEXTURE_2D, p.classes)
	ogl.TexImage2D(ogl.TEXTURE_2D, 0, ogl.R32F, 1, 1, 0, ogl.RED, ogl.FLOAT, unsafe.Pointer(&zero[0]))
	ogl.BindTexture(ogl.TEXTURE_2D, p.palette)
	ogl.TexImage2D(ogl.TEXTURE_2D, 0, ogl.RGBA8, 1, 1, 0, ogl.RGBA, ogl.UNSIGNED_BYTE, unsafe.Pointer(&zero[0]))
	if err := glError("creating buffers"); err != nil {
		p.delete()
		return nil, err
	}
	return p, nil
}

// texture makes a 2D texture with the given filter, clamped at the edges.
func texture(filter int32) uint32 {
	var t uint32
	ogl.GenTextures(1, &t)
	ogl.BindTexture(ogl.TEXTURE_2D, t)
	ogl.TexParameteri(ogl.TEXTURE_2D, ogl.TEXTURE_MIN_FILTER, filter)
	ogl.TexParameteri(ogl.TEXTURE_2D, ogl.TEXTURE_MAG_FILTER, filter)
	ogl.TexParameteri(ogl.TEXTURE_2D, ogl.TEXTURE_WRAP_S, ogl.CLAMP_TO_EDGE)
	ogl.TexParameteri(ogl.TEXTURE_2D, ogl.TEXTURE_WRAP_T, ogl.CLAMP_TO_EDGE)
	return t
}

func (p *surfaceProgram) delete() {
	ogl.DeleteTextures(1, &p.lut)
	ogl.DeleteTextures(1, &p.classes)
	ogl.DeleteTextures(1, &p.palette)
	ogl.DeleteBuffers(1, &p.vbo)
	ogl.DeleteBuffers(1, &p.ebo)
	ogl.DeleteVertexArrays(1, &p.vao)
	ogl.DeleteProgram(p.prog)
}

// link compiles and links a vertex and a fragment shader; the error carries
// the driver's log.
func link(vertSrc, fragSrc string) (uint32, error) {
	vs, err := compile(vertSrc, ogl.VERTEX_SHADER, "vertex")
	if err != nil {
		return 0, err
	}
	defer ogl.DeleteShader(vs)
	fs, err := compile(fragSrc, ogl.FRAGMENT_SHADER, "fragment")
	if err != nil {
		return 0, err
	}
	defer ogl.DeleteShader(fs)
	prog := ogl.CreateProgram()
	ogl.AttachShader(prog, vs)
	ogl.AttachShader(prog, fs)
	ogl.LinkProgram(prog)
	var ok int32
	ogl.GetProgramiv(prog, ogl.LINK_STATUS, &ok)
	if ok == ogl.FALSE {
		log := programLog(prog)
		ogl.DeleteProgram(prog)
		return 0, fmt.Errorf("gl: linking shaders: %s", log)
	}
	return prog, nil
}

func compile(src string, kind uint32, name string) (uint32, error) {
	sh := ogl.CreateShader(kind)
	csrc, free := ogl.Strs(src + "\x00")
	ogl.ShaderSource(sh, 1, csrc, nil)
	free()
	ogl.CompileShader(sh)
	var ok int32
	ogl.GetShaderiv(sh, ogl.COMPILE_STATUS, &ok)
	if ok == ogl.FALSE {
		var n int32
		ogl.GetShaderiv(sh, ogl.INFO_LOG_LENGTH, &n)
		log := strings.Repeat("\x00", int(n)+1)
		ogl.GetShaderInfoLog(sh, n, nil, ogl.Str(log))
		ogl.DeleteShader(sh)
		return 0, fmt.Errorf("gl: compiling %s shader: %s", name, strings.TrimRight(log, "\x00\n"))
	}
	return sh, nil
}

func programLog(prog uint32) string {
	var n int32
	ogl.GetProgramiv(prog, ogl.INFO_LOG_LENGTH, &n)
	log := strings.Repeat("\x00", int(n)+1)
	ogl.GetProgramInfoLog(prog, n, nil, ogl.Str(log))
	return strings.TrimRight(log, "\x00\n")
}

// glError reports the first pending GL error, if any.
func glError(what string) error {
	if e := ogl.GetError(); e != ogl.NO_ERROR {
		for ogl.GetError() != ogl.NO_ERROR {
		}
		return fmt.Errorf("gl: %s: GL error 0x%x", what, e)
	}
	return nil
}
