//go:build !race

package app

// raceSlowdown scales the app tests' waits in a race-detector build (race_on_test.go); 1 without it.
const raceSlowdown = 1
