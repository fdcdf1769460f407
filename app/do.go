package app

import (
	"sync"

	"fyne.io/fyne/v2"
)

// uiMu serialises the widget updates that background work hands to the UI. In the app fyne.Do
// already runs them one at a time on the UI thread and uiMu is never contended; under Fyne's test
// driver fyne.Do runs them at once on the calling goroutine, and uiMu keeps them from racing each
// other and the test (which holds it while it inspects or paints the window).
var uiMu sync.Mutex

// do runs fn on the UI thread, serialised with every other do.
func do(fn func()) {
	fyne.Do(func() {
		uiMu.Lock()
		defer uiMu.Unlock()
		fn()
	})
}
