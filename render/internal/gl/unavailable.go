//go:build !cgo || windows || darwin

package gl

import (
	"errors"
	"runtime"
)

// Context is unavailable without cgo, and on Windows and macOS, which have
// no EGL (the surfaceless platform is Mesa's); Open says why and render falls
// back to its CPU backend.
type Context struct{}

var errUnavailable = func() error {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return errors.New("gl: no offscreen EGL on " + runtime.GOOS)
	}
	return errors.New("gl: built without cgo (CGO_ENABLED=0): no OpenGL")
}()

// Open reports why there is no OpenGL context.
func Open() (*Context, error) { return nil, errUnavailable }

// Renderer is empty without a context.
func (c *Context) Renderer() string { return "" }

// Draw reports why there is no OpenGL context.
func (c *Context) Draw(f *Frame, dst []byte) error { return errUnavailable }

// Read reports why there is no OpenGL context.
func (c *Context) Read(dst []byte) error { return errUnavailable }

// Close does nothing without a context.
func (c *Context) Close() error { return nil }
