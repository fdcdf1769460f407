//go:build !windows

package console

// Release does nothing outside Windows: a program started from a desktop entry has no console window.
func Release() {}
