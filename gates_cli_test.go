package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/surface"
)

// analyze and atlas report the saturation of a net's gates along the probe and over the split:
// an sgate ResNet-8 with SE gates has 6 (a shortcut-side gate and an SE gate per stage).
func TestGateSaturationCommands(t *testing.T) {
	dir := t.TempDir()
	net, err := models.NewResNet(models.ResNetConfig{Input: [3]int{1, 28, 28}, Classes: 10, Shortcut: models.ShortcutSGate, SE: true}, 3)
	if err != nil {
		t.Fatal(err)
	}
	model, js := filepath.Join(dir, "sgate.safetensors"), filepath.Join(dir, "s.json")
	if err := models.Save(model, net); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "analyze", "--model", model, "--probe", "mixup:2,5", "--points", "13", "--metric", "margin",
		"--gate-images", "150", "--out", js)
	if strings.Count(out, "gate saturation") != 2 || !strings.Contains(out, "at the probe's points (13 inputs)") ||
		!strings.Contains(out, "over the first images of sample/test (150 inputs)") || !strings.Contains(out, "s2.b1.shortcut_gate") ||
		!strings.Contains(out, models.GateSE) {
		t.Errorf("analyze output:\n%s", out)
	}
	var rep struct {
		Summary surface.ProbeSummary
		Gates   *surface.GateSummary `json:"gates_split"`
	}
	b, _ := os.ReadFile(js)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if g := rep.Summary.Gates; g == nil || len(g.Gates) != 6 || g.Inputs != 13 || rep.Gates == nil || rep.Gates.Inputs != 150 ||
		rep.Gates.Gates[1].Kind != models.GateShortcut && rep.Gates.Gates[0].Kind != models.GateShortcut {
		t.Errorf("analyze JSON: probe gates %+v, split gates %+v", rep.Summary.Gates, rep.Gates)
	}
	out = mustRun(t, "atlas", "--model", model, "--planes", "1", "--lines", "1", "--grid", "5", "--points", "9", "--images", "60")
	for _, w := range []string{"plane.gate_low", "line.gate_high", "split.gate_low"} {
		if !strings.Contains(out, w) {
			t.Errorf("atlas table lacks %s:\n%s", w, out)
		}
	}
}
