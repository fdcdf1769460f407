// Package gl is the only place in surfscope that talks to OpenGL.
//
// It is built with cgo on Linux and other systems with Mesa's EGL; on Windows,
// on macOS and without cgo, Open reports why there is no context.
//
// A Context owns one OS thread (runtime.LockOSThread) holding an EGL display
// and a desktop OpenGL 3.3 core context made current without any surface
// (Mesa's surfaceless platform: no X server, no window). Every GL call runs
// on that thread; the exported methods send it work and block until done, so
// a Context may be used from any goroutine.
//
// Drawing goes into an offscreen framebuffer object (multisampled when asked)
// and is read back with glReadPixels. The package knows nothing about fields
// or scenes: it draws an indexed triangle mesh with the shading described by
// a Frame. Shaders are embedded; compile and link logs come back as errors.
package gl
