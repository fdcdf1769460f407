// Package app is surfscope's desktop UI in Fyne. It wires widgets to the engine packages (dataset,
// models, projection, surface, render) and draws through view, as `surfscope render` does; it
// holds no numerical code of its own: a Session does the
// engine work in background goroutines with cancellation, and widgets are only touched on the UI
// thread (fyne.Do).
package app

import _ "github.com/surfscope/surfscope/internal/cleanlocale" // before Fyne's initialisers
