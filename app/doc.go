// Package app is surfscope's desktop UI in Fyne. It wires widgets to the engine packages (dataset,
// models, projection, surface, render) and draws through view, as `surfscope render` does; it
// holds no numerical code of its own.
//
// Threading: widgets are touched only on the UI thread. Long work (sampling, training, a
// comparison, a landscape, an NTK, statistics, exports) runs as a Job of the window's Jobs: a new
// run cancels the one in flight, a run's results reach the widgets through JobRun.Show (fyne.Do,
// which never waits), and closing the window cancels every run and waits for it. There is no lock
// around the UI; a Session (dataset, model, grid) and each SurfaceView guard their own state.
package app

import _ "github.com/surfscope/surfscope/internal/cleanlocale" // before Fyne's initialisers
