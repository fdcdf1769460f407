//go:build race

package app

// raceSlowdown scales the app tests' waits and the UI-thread watchdog in a race-detector build
// (make test runs the app's tests with -race): the detector makes code 2–20 times slower (Go's
// "Data Race Detector" article), and laying out docs/METRICS.md in the Help dialog took over a
// minute under it on a loaded machine. A deadlock still fails the test long before go test's
// timeout.
const raceSlowdown = 5
