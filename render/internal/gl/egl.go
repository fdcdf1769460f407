//go:build cgo && !windows && !darwin

package gl

/*
#cgo pkg-config: egl
#include <stdlib.h>
#include <string.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>

#ifndef EGL_PLATFORM_SURFACELESS_MESA
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD
#endif

typedef EGLDisplay (*platformDisplayFunc)(EGLenum, void*, const EGLint*);
typedef EGLDisplay (*platformDisplayAttribFunc)(EGLenum, void*, const EGLAttrib*);

// surfacelessDisplay returns a display on Mesa's surfaceless platform, which
// needs neither X nor Wayland nor a DRM device, or EGL_NO_DISPLAY.
static EGLDisplay surfacelessDisplay(void) {
	const char *ext = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (ext == NULL || strstr(ext, "EGL_MESA_platform_surfaceless") == NULL) {
		return EGL_NO_DISPLAY;
	}
	platformDisplayAttribFunc core = (platformDisplayAttribFunc) eglGetProcAddress("eglGetPlatformDisplay");
	if (core != NULL) {
		EGLDisplay d = core(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
		if (d != EGL_NO_DISPLAY) {
			return d;
		}
	}
	platformDisplayFunc ext_fn = (platformDisplayFunc) eglGetProcAddress("eglGetPlatformDisplayEXT");
	if (ext_fn != NULL) {
		return ext_fn(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
	}
	return EGL_NO_DISPLAY;
}

static EGLDisplay defaultDisplay(void) { return eglGetDisplay(EGL_DEFAULT_DISPLAY); }

// createContext chooses a config (or none, with EGL_KHR_no_config_context)
// and creates a desktop OpenGL 3.3 core context.
static EGLContext createContext(EGLDisplay d) {
	if (!eglBindAPI(EGL_OPENGL_API)) {
		return EGL_NO_CONTEXT;
	}
	const EGLint cfgAttr[] = {
		EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT,
		EGL_SURFACE_TYPE, 0,
		EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8,
		EGL_NONE,
	};
	EGLConfig cfg = NULL;
	EGLint n = 0;
	if (!eglChooseConfig(d, cfgAttr, &cfg, 1, &n) || n < 1) {
		cfg = NULL; // EGL_NO_CONFIG_KHR
	}
	const EGLint ctxAttr[] = {
		EGL_CONTEXT_MAJOR_VERSION, 3,
		EGL_CONTEXT_MINOR_VERSION, 3,
		EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT,
		EGL_NONE,
	};
	return eglCreateContext(d, cfg, EGL_NO_CONTEXT, ctxAttr);
}

static EGLBoolean makeCurrent(EGLDisplay d, EGLContext c) {
	return eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, c);
}

static EGLBoolean releaseCurrent(EGLDisplay d) {
	return eglMakeCurrent(d, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

static void *procAddress(const char *name) { return (void *) eglGetProcAddress(name); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// eglState is an initialised display with a current context on the calling thread.
type eglState struct {
	display C.EGLDisplay
	context C.EGLContext
}

// eglErrorName names the last EGL error of the calling thread.
func eglErrorName() string {
	code := C.eglGetError()
	names := map[C.EGLint]string{
		C.EGL_SUCCESS:             "EGL_SUCCESS",
		C.EGL_NOT_INITIALIZED:     "EGL_NOT_INITIALIZED",
		C.EGL_BAD_ACCESS:          "EGL_BAD_ACCESS",
		C.EGL_BAD_ALLOC:           "EGL_BAD_ALLOC",
		C.EGL_BAD_ATTRIBUTE:       "EGL_BAD_ATTRIBUTE",
		C.EGL_BAD_CONFIG:          "EGL_BAD_CONFIG",
		C.EGL_BAD_CONTEXT:         "EGL_BAD_CONTEXT",
		C.EGL_BAD_DISPLAY:         "EGL_BAD_DISPLAY",
		C.EGL_BAD_MATCH:           "EGL_BAD_MATCH",
		C.EGL_BAD_PARAMETER:       "EGL_BAD_PARAMETER",
		C.EGL_BAD_SURFACE:         "EGL_BAD_SURFACE",
		C.EGL_BAD_CURRENT_SURFACE: "EGL_BAD_CURRENT_SURFACE",
	}
	if n, ok := names[code]; ok {
		return n
	}
	return fmt.Sprintf("EGL error 0x%x", int(code))
}

// initEGL opens a display (surfaceless Mesa first, then the default one),
// creates an OpenGL 3.3 core context and makes it current without a surface.
// It must run on the locked thread that will issue all GL calls.
func initEGL() (*eglState, error) {
	d := C.surfacelessDisplay()
	if d == C.EGLDisplay(C.EGL_NO_DISPLAY) {
		d = C.defaultDisplay()
	}
	if d == C.EGLDisplay(C.EGL_NO_DISPLAY) {
		return nil, fmt.Errorf("gl: no EGL display: %s", eglErrorName())
	}
	var major, minor C.EGLint
	if C.eglInitialize(d, &major, &minor) == C.EGL_FALSE {
		return nil, fmt.Errorf("gl: eglInitialize: %s", eglErrorName())
	}
	ctx := C.createContext(d)
	if ctx == C.EGLContext(C.EGL_NO_CONTEXT) {
		err := fmt.Errorf("gl: EGL %d.%d: cannot create an OpenGL 3.3 core context: %s", major, minor, eglErrorName())
		C.eglTerminate(d)
		return nil, err
	}
	if C.makeCurrent(d, ctx) == C.EGL_FALSE {
		err := fmt.Errorf("gl: eglMakeCurrent without a surface: %s", eglErrorName())
		C.eglDestroyContext(d, ctx)
		C.eglTerminate(d)
		return nil, err
	}
	return &eglState{display: d, context: ctx}, nil
}

// procAddress resolves a GL entry point through EGL; go-gl's own loader
// would use GLX on Linux unless built with the egl tag.
func procAddress(name string) unsafe.Pointer {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return C.procAddress(cname)
}

// close releases the context and the display.
func (e *eglState) close() error {
	C.releaseCurrent(e.display)
	if C.eglDestroyContext(e.display, e.context) == C.EGL_FALSE {
		return fmt.Errorf("gl: eglDestroyContext: %s", eglErrorName())
	}
	if C.eglTerminate(e.display) == C.EGL_FALSE {
		return fmt.Errorf("gl: eglTerminate: %s", eglErrorName())
	}
	return nil
}
