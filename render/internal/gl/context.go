//go:build cgo && !windows && !darwin

package gl

import (
	"fmt"
	"runtime"
	"sync"

	ogl "github.com/go-gl/gl/v3.3-core/gl"
)

// Context is an offscreen OpenGL context served by one locked OS thread.
type Context struct {
	mu     sync.Mutex
	closed bool
	work   chan func()
	exited chan struct{}

	// Owned by the GL thread.
	egl      *eglState
	renderer string
	surface  *surfaceProgram
	targets  targets
}

// Open starts the GL thread, creates the EGL context and compiles the shaders.
// The error says why when no EGL display or GL 3.3 core context is available.
func Open() (*Context, error) {
	c := &Context{work: make(chan func()), exited: make(chan struct{})}
	ready := make(chan error, 1)
	go c.serve(ready)
	if err := <-ready; err != nil {
		<-c.exited
		return nil, err
	}
	return c, nil
}

// serve is the GL thread: it initialises EGL and GL, then runs work until
// the channel closes. The thread stays locked, so it is discarded with its
// EGL state when the goroutine returns.
func (c *Context) serve(ready chan<- error) {
	defer close(c.exited)
	runtime.LockOSThread()
	e, err := initEGL()
	if err != nil {
		ready <- err
		return
	}
	c.egl = e
	if err := c.initGL(); err != nil {
		c.release()
		ready <- err
		return
	}
	ready <- nil
	for f := range c.work {
		f()
	}
	c.release()
}

func (c *Context) initGL() error {
	if err := ogl.InitWithProcAddrFunc(procAddress); err != nil {
		return fmt.Errorf("gl: loading OpenGL 3.3 functions: %v", err)
	}
	c.renderer = ogl.GoStr(ogl.GetString(ogl.RENDERER))
	p, err := newSurfaceProgram()
	if err != nil {
		return err
	}
	c.surface = p
	return nil
}

// release frees GL objects and the EGL context; GL thread only.
func (c *Context) release() {
	if c.surface != nil {
		c.surface.delete()
		c.surface = nil
	}
	c.targets.delete()
	if c.egl != nil {
		c.egl.close()
		c.egl = nil
	}
}

// do runs f on the GL thread and waits for it.
func (c *Context) do(f func() error) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	done := make(chan error, 1)
	c.work <- func() { done <- f() }
	c.mu.Unlock()
	return <-done
}

// Renderer is the GL_RENDERER string, e.g. "llvmpipe (LLVM 15.0.7, 256 bits)".
func (c *Context) Renderer() string { return c.renderer }

// Close releases the context and ends its thread. Closing twice is harmless.
func (c *Context) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	close(c.work)
	c.mu.Unlock()
	<-c.exited
	return nil
}
