//go:build !cgo

package gl

import "errors"

// Context is unavailable without cgo; Open says so and render falls back
// to its CPU backend.
type Context struct{}

var errNoCgo = errors.New("gl: built without cgo (CGO_ENABLED=0): no OpenGL")

// Open reports that OpenGL needs cgo.
func Open() (*Context, error) { return nil, errNoCgo }

// Renderer is empty without cgo.
func (c *Context) Renderer() string { return "" }

// Draw reports that OpenGL needs cgo.
func (c *Context) Draw(f *Frame, dst []byte) error { return errNoCgo }

// Read reports that OpenGL needs cgo.
func (c *Context) Read(dst []byte) error { return errNoCgo }

// Close does nothing without cgo.
func (c *Context) Close() error { return nil }
