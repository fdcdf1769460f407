package view

import (
	"encoding/json"
	"math"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/render"
)

// everyFieldChanged is a State whose every field differs from Default, with values that need
// quoting (a space and a quote in the model path), negative numbers and floats that only
// round-trip when written in full.
func everyFieldChanged() State {
	return State{
		Sampling: Sampling{Model: "/tmp/my models/it's.onnx", Data: "/data/cifar 10", Split: "train",
			Probe: "grad:17,3", Grid: 33, Points: 257, Margin: 0.25, Range: 2.5, From: -0.5, To: 1.5},
		Metric: "predicted class", Class: 7, View: "heatmap", Colormap: "magma_r",
		ColorMin: -3.25, ColorMax: 1.0 / 3, ColorClip: 2.5, Symmetric: true, HeightMin: -20.5, HeightMax: 7.25,
		HeightClip: false, Contours: 0, Theme: "dark",
		Camera: render.Camera{Yaw: -1.0471975511965976, Pitch: 0.1 + 0.2, Distance: 3.3,
			Target: [3]float64{0.1, -0.2, 1e-17}, FOV: 45},
		Width: 1920, Height: 1080, Samples: 1,
	}
}

// State → Args → ParseArgs gives the State back, for the defaults, every field changed, and each
// field changed alone (so that no flag depends on another being written).
func TestArgsRoundTrip(t *testing.T) {
	states := []State{Default(), everyFieldChanged()}
	all := everyFieldChanged()
	dv := reflect.ValueOf(Default())
	av := reflect.ValueOf(all)
	fields := 0
	for _, path := range [][]int{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0, 6}, {0, 7}, {0, 8}, {0, 9}} {
		s := Default()
		reflect.ValueOf(&s).Elem().FieldByIndex(path).Set(av.FieldByIndex(path))
		states = append(states, s)
		fields++
	}
	for i := 1; i < dv.NumField(); i++ {
		s := Default()
		reflect.ValueOf(&s).Elem().Field(i).Set(av.Field(i))
		states = append(states, s)
		fields++
	}
	if want := reflect.TypeOf(Sampling{}).NumField() + reflect.TypeOf(State{}).NumField() - 1; fields != want {
		t.Fatalf("the test changes %d fields one at a time, State has %d", fields, want)
	}
	for _, s := range states {
		if err := s.Validate(); err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		args := s.Args()
		back, err := ParseArgs(args)
		if err != nil {
			t.Fatalf("ParseArgs(%q): %v", args, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("round trip through %q:\n got %+v\nwant %+v", args, back, s)
		}
	}
	if got := Default().Args(); strings.Join(got, " ") != "--model embedded --data sample --probe data:0,1,2" {
		t.Errorf("default args %q: want only model, data and probe", got)
	}
	// Boolean flags are written --name=value, so that false ends no flag list.
	if got := strings.Join(everyFieldChanged().Args(), " "); !strings.Contains(got, "--height-clip=false") || !strings.Contains(got, "--symmetric=true") {
		t.Errorf("args %q: want --height-clip=false and --symmetric=true", got)
	}
}

// The command line survives a real shell: sh splits it back into the same arguments.
func TestCommandLineThroughTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	s := everyFieldChanged()
	line := s.CommandLine("out dir/shot.png")
	if !strings.HasPrefix(line, "surfscope render --model '/tmp/my models/it'\\''s.onnx' --data ") {
		t.Errorf("command line %q", line)
	}
	words, err := exec.Command(sh, "-c", "set -- "+strings.TrimPrefix(line, "surfscope render ")+`; for a in "$@"; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
	if n := len(args); n < 2 || args[n-2] != "--out" || args[n-1] != "out dir/shot.png" {
		t.Fatalf("shell words end %q", args[max(0, n-2):])
	}
	back, err := ParseArgs(args[:len(args)-2])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, s) {
		t.Errorf("through the shell:\n got %+v\nwant %+v", back, s)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, s := range []State{Default(), everyFieldChanged()} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseJSON(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Errorf("JSON round trip of %s:\n got %+v\nwant %+v", b, back, s)
		}
	}
	// Keys are the flag names; missing keys keep the defaults.
	s, err := ParseJSON([]byte(`{"probe": "flip:4,2", "metric": "margin", "color_min": -1, "color_max": 1}`))
	want := Default()
	want.Probe, want.Metric, want.ColorMin, want.ColorMax = "flip:4,2", "margin", -1, 1
	if err != nil || !reflect.DeepEqual(s, want) {
		t.Errorf("partial JSON: %+v, %v", s, err)
	}
	if _, err := ParseJSON([]byte(`{"metric": "curl"}`)); err == nil || !strings.Contains(err.Error(), "curl") {
		t.Errorf("unknown metric in JSON: %v", err)
	}
}

// Bad values give one error naming the flag.
func TestValidateNamesTheFlag(t *testing.T) {
	cases := map[string][]string{
		"--metric":       {"--metric", "curl"},
		"--view":         {"--view", "lines3d"},
		"--theme":        {"--theme", "solarized"},
		"--colormap":     {"--colormap", "rainbow"},
		"--color-range":  {"--color-range", "2,1"},
		"--height-range": {"--height-range", "1,1"},
		"--camera":       {"--camera", "1,2"},
		"picture size":   {"--width", "8"},
		"--split":        {"--split", "validation"},
		"probe":          {"--probe", "data:1,2"},
		"--class":        {"--class", "-2"},
		"--margin":       {"--margin", "-0.1"},
		"--color-clip":   {"--color-clip", "50"},
	}
	for want, args := range cases {
		_, err := ParseArgs(args)
		if err == nil || !strings.Contains(err.Error(), want) && !strings.Contains(err.Error(), strings.TrimPrefix(want, "--")) {
			t.Errorf("%q: %v; want an error naming %s", args, err, want)
		}
	}
	if _, err := ParseArgs([]string{"--color-range", "nan,1"}); err == nil {
		t.Error("NaN colour range accepted")
	}
	if _, err := ParseArgs([]string{"stray"}); err == nil {
		t.Error("a stray argument accepted")
	}
}

func TestSizes(t *testing.T) {
	s := DefaultSampling()
	s.Margin, s.Range, s.From, s.To = 0, 2, -0.5, 1.5
	z := s.Sizes()
	if z.Margin >= 0 || z.Range != 2 || z.Lo != -0.5 || z.Hi != 1.5 || z.Grid != 64 || z.Points != 101 {
		t.Errorf("sizes %+v: margin 0 must be none (negative), the rest as given", z)
	}
	if s.Margin = 0.2; s.Sizes().Margin != 0.2 {
		t.Error("margin 0.2 not passed on")
	}
	if math.IsNaN(s.Sizes().Range) {
		t.Error("NaN range")
	}
}
