package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/surfscope/surfscope/internal/screenshot"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/study"
)

// TestWindowStudyTab opens the real app on a study folder (`surfscope --study DIR`), as a person
// would: the Study tab shows the study's models; a click on the second model's row opens it on the
// study's data, and the window's title names it and the surface is drawn. Screenshots are kept in
// SURFSCOPE_SCREENSHOTS when set.
func TestWindowStudyTab(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Skip("no X display: run under xvfb-run (make test does)")
	}
	for _, tool := range []string{"import", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (scripts/system-packages.sh install test)", tool)
		}
	}
	dir := studyFixture(t)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "SURFSCOPE_TEST_APP=--study "+dir, "FYNE_SCALE=1")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	shots := os.Getenv("SURFSCOPE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	keep := func(name string) {
		if _, raw, err := screenshot.Root(); err == nil {
			os.WriteFile(filepath.Join(shots, name), raw, 0o644)
		}
	}
	if !waitTitle("surfscope — embedded MLP on sample", 90*time.Second) {
		keep("study-tab-failed.png")
		t.Fatalf("the window did not open\n%s", logs.String())
	}
	time.Sleep(2 * time.Second) // the study's tables
	keep("study-tab.png")
	// The second model's row: the models table sits under the tab bar, the buttons, the folder and
	// its label, at the same place whatever the study; rows are 39 pixels high at scale 1 (row 0 is
	// the header, mul's is at y 285).
	exec.Command("xdotool", "mousemove", "372", "285", "click", "1").Run()
	if !waitTitle("surfscope — mul.safetensors on sample", 60*time.Second) {
		keep("study-click-failed.png")
		t.Fatalf("a click on mul's row did not open it (screenshot study-click-failed.png in %s)\n%s", shots, logs.String())
	}
	colours, shot := screenshot.WaitForSurface(60 * time.Second)
	os.WriteFile(filepath.Join(shots, "study-click.png"), shot, 0o644)
	if colours <= screenshot.SurfaceDrawn {
		t.Fatalf("after the click the window shows %d colours where mul's surface should be", colours)
	}
}

// waitTitle reports whether a window titled title appears within d.
func waitTitle(title string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if exec.Command("xdotool", "search", "--name", "^"+title+"$").Run() == nil {
			return true
		}
		time.Sleep(500 * time.Millisecond)
	}
	return false
}

// studyFixture writes a study folder with two small models (add, mul) of the sample and their
// results.
func studyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	res := study.Results{Config: study.Quick(), Datasets: []study.DatasetResults{{Data: "sample", Name: "sample"}}}
	for i, name := range []string{"add", "mul"} {
		net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{8}}, int64(i+3))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".safetensors")
		if err := models.Save(p, net); err != nil {
			t.Fatal(err)
		}
		res.Datasets[0].Variants = append(res.Datasets[0].Variants, study.VariantResults{Variant: name,
			Model: &study.ModelResult{Path: p, Epochs: 3, TrainAcc: 0.5, TestAcc: 0.4}})
	}
	b, _ := json.Marshal(res)
	if err := os.WriteFile(filepath.Join(dir, study.ResultsFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
