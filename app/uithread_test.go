package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Fyne's test driver runs fyne.Do callbacks at once on the goroutine that calls fyne.Do, so a
// background job's widget update would race with the test reading the widgets. The desktop
// driver instead queues them for its main loop, which also runs every event handler. uiThreadApp
// gives the tests the desktop's model: the test goroutine is the UI thread, fyne.Do queues, and
// the test runs the queue whenever it waits (waitFor, settle). Widgets are then only ever touched
// by the test goroutine, with no lock: the race detector checks that the app keeps to it.

// uiThreadApp is Fyne's test app with a driver whose fyne.Do queues for the UI thread.
type uiThreadApp struct {
	fyne.App
	driver *uiThreadDriver
}

// Driver returns the queueing driver (fyne.Do and fyne.DoAndWait go through it).
func (a *uiThreadApp) Driver() fyne.Driver { return a.driver }

// uiThreadDriver is Fyne's test driver with fyne.Do and fyne.DoAndWait queued for the UI thread.
type uiThreadDriver struct {
	fyne.Driver
	thread uint64 // goroutine id of the UI thread

	mu      sync.Mutex
	queue   []queued
	drained time.Time // when the UI thread last emptied the queue
}

type queued struct {
	fn   func()
	done chan struct{} // closed after fn for DoAndWait, else nil
}

// newUIThreadApp makes a Fyne test app whose UI thread is the calling test goroutine and watches
// that thread: if it runs no queued callback for stall (a UI call is blocked: a deadlock), the
// test binary fails at once with every goroutine's stack instead of hanging until go test's
// timeout. stall is a minute (raceSlowdown minutes under the race detector); SURFSCOPE_UI_STALL (a
// duration) overrides it.
func newUIThreadApp(t *testing.T) *uiThreadApp {
	t.Helper()
	base := test.NewTempApp(t)
	d := &uiThreadDriver{Driver: base.Driver(), thread: goroutineID(), drained: time.Now()}
	a := &uiThreadApp{App: base, driver: d}
	fyne.SetCurrentApp(a)
	stall := raceSlowdown * 60 * time.Second
	if s := os.Getenv("SURFSCOPE_UI_STALL"); s != "" {
		v, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("SURFSCOPE_UI_STALL=%q: %v", s, err)
		}
		stall = v
	}
	stop := make(chan struct{})
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		d.watch(t.Name(), stall, stop)
	}()
	t.Cleanup(func() { // registered first, so it runs last: after the UI's Close
		close(stop)
		<-watching
	})
	return a
}

// DoFromGoroutine queues fn for the UI thread; with wait it returns once fn has run. Called on
// the UI thread itself with wait, fn runs at once (waiting for the queue there would never end).
func (d *uiThreadDriver) DoFromGoroutine(fn func(), wait bool) {
	if wait && goroutineID() == d.thread {
		fn()
		return
	}
	q := queued{fn: fn}
	if wait {
		q.done = make(chan struct{})
	}
	d.mu.Lock()
	if len(d.queue) == 0 {
		d.drained = time.Now() // the wait of this callback starts now
	}
	d.queue = append(d.queue, q)
	d.mu.Unlock()
	if wait {
		<-q.done
	}
}

// drain runs the queued callbacks, and those they queue, on the UI thread; it reports whether it
// ran any.
func (d *uiThreadDriver) drain() bool {
	if id := goroutineID(); id != d.thread {
		panic(fmt.Sprintf("app test: the queue drained on goroutine %d, not the UI thread %d", id, d.thread))
	}
	ran := false
	for {
		d.mu.Lock()
		q := d.queue
		d.queue = nil
		d.drained = time.Now()
		d.mu.Unlock()
		if len(q) == 0 {
			return ran
		}
		for _, c := range q {
			c.fn()
			if c.done != nil {
				close(c.done)
			}
		}
		ran = true
	}
}

// watch fails the test binary when a callback has waited stall for the UI thread. A ping is queued
// every second so that a blocked UI thread is noticed even when nothing else is queued.
func (d *uiThreadDriver) watch(name string, stall time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		d.mu.Lock()
		waiting := len(d.queue) > 0
		since := time.Since(d.drained)
		if !waiting {
			d.queue = append(d.queue, queued{fn: func() {}})
			d.drained = time.Now()
		}
		d.mu.Unlock()
		if waiting && since > stall {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			fmt.Fprintf(os.Stderr, "\n%s: the UI thread ran no queued callback for %v: a UI call is blocked (deadlock?)\n\n%s\n",
				name, since.Round(time.Second), buf)
			panic(fmt.Sprintf("%s: UI thread blocked for %v", name, since.Round(time.Second)))
		}
	}
}

// goroutineID returns the id of the calling goroutine from its stack header "goroutine N [".
func goroutineID() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		panic("app test: cannot read the goroutine id from " + strconv.Quote(string(buf[:])))
	}
	return id
}

// The watchdog turns a deadlocked UI call into a failure: a child test binary blocks its UI thread
// on a lock it already holds (as the old global UI lock did when an error dialog opened inside a
// UI callback) and must die within seconds, naming the test and the blocked UI thread, instead of
// hanging until go test's timeout.
func TestWatchdogFailsADeadlockedUICall(t *testing.T) {
	if os.Getenv("SURFSCOPE_DEADLOCK_CHILD") != "" {
		var mu sync.Mutex
		newUIThreadApp(t)
		mu.Lock()
		btn := widget.NewButton("deadlock", func() { mu.Lock() })
		test.Tap(btn) // blocks the UI thread for good
		t.Fatal("the deadlocked call returned")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), raceSlowdown*60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestWatchdogFailsADeadlockedUICall$", "-test.v")
	cmd.Env = append(os.Environ(), "SURFSCOPE_DEADLOCK_CHILD=1", "SURFSCOPE_UI_STALL=2s")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the deadlocked child still ran after %v: the watchdog did not fire\n%s", took, out)
	}
	if err == nil {
		t.Fatalf("the deadlocked child passed\n%s", out)
	}
	want := "TestWatchdogFailsADeadlockedUICall: the UI thread ran no queued callback for"
	if !bytes.Contains(out, []byte(want)) || !bytes.Contains(out, []byte("deadlock?")) {
		t.Fatalf("the child failed without saying why (want %q)\n%s", want, out)
	}
	t.Logf("the deadlocked child failed after %v", took.Round(time.Millisecond))
}
