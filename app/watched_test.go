package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every app test runs under the UI-thread watchdog (newUIThreadApp), so a deadlocked UI call
// fails the test instead of hanging it: no test file makes a Fyne test app of its own.
func TestEveryAppTestIsWatched(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "//") || f == "watched_test.go" {
				continue
			}
			for _, unwatched := range []string{"test.NewApp(", "test.NewTempApp(", "app.New("} {
				if strings.Contains(line, unwatched) && !(f == "uithread_test.go" && strings.Contains(line, "base := test.NewTempApp(t)")) {
					t.Errorf("%s:%d: %s makes an app without the UI-thread watchdog; use newUIThreadApp or newTestUI", f, i+1, unwatched)
				}
			}
		}
	}
}
