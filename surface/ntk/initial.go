package ntk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/models"
)

// Initial returns net's architecture as it was before training: the models constructor named by
// net.Arch["arch"] (mlp, cnn, resnet) called with the configuration and seed recorded in Arch, which
// is what `surfscope train` started from. It returns an error when Arch does not describe a
// surfscope architecture (an ONNX import, say) or the rebuilt graph differs from net's (different
// ops, inputs or parameter shapes).
func Initial(net *models.Net) (*models.Net, error) {
	a := net.Arch
	r := archReader{a: a}
	seed := r.int64("seed")
	norm := r.normalize()
	input, classes := net.Input, net.Classes
	var init *models.Net
	var err error
	switch a["arch"] {
	case "mlp":
		cfg := models.MLPConfig{Input: input, Classes: classes, Hidden: r.ints("hidden"),
			Activation: models.Op(a["activation"]), Normalize: norm}
		if r.err == nil {
			init, err = models.NewMLP(cfg, seed)
		}
	case "cnn":
		cfg := models.CNNConfig{Input: input, Classes: classes, Channels: r.ints("channels"), Kernel: r.int("kernel"),
			PoolEvery: r.int("pool_every"), BatchNorm: r.bool("batchnorm"), Activation: models.Op(a["activation"]),
			GlobalPool: r.bool("global_pool"), Hidden: r.ints("hidden"), Normalize: norm}
		if r.err == nil {
			init, err = models.NewCNN(cfg, seed)
		}
	case "resnet":
		cfg := models.ResNetConfig{Input: input, Classes: classes, Depth: r.int("depth"), Width: r.int("width"),
			Shortcut: models.Shortcut(a["shortcut"]), SE: r.bool("se"), Normalize: norm}
		if r.err == nil {
			init, err = models.NewResNet(cfg, seed)
		}
	default:
		return nil, fmt.Errorf("ntk: the model's architecture %q is not one surfscope builds, so its initialisation is unknown", a["arch"])
	}
	if r.err != nil {
		return nil, r.err
	}
	if err != nil {
		return nil, fmt.Errorf("ntk: rebuilding the initial %s: %v", a["arch"], err)
	}
	if err := sameGraph(net, init); err != nil {
		return nil, fmt.Errorf("ntk: the %s rebuilt from the model's recorded configuration differs from the model: %v", a["arch"], err)
	}
	return init, nil
}

// archReader parses Arch values, keeping the first error.
type archReader struct {
	a   map[string]string
	err error
}

func (r *archReader) fail(key string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("ntk: architecture entry %s=%q: %v", key, r.a[key], err)
	}
}

func (r *archReader) int64(key string) int64 {
	v, err := strconv.ParseInt(r.a[key], 10, 64)
	if err != nil {
		r.fail(key, err)
	}
	return v
}

func (r *archReader) int(key string) int {
	if r.a[key] == "" {
		return 0
	}
	v, err := strconv.Atoi(r.a[key])
	if err != nil {
		r.fail(key, err)
	}
	return v
}

func (r *archReader) bool(key string) bool {
	if r.a[key] == "" {
		return false
	}
	v, err := strconv.ParseBool(r.a[key])
	if err != nil {
		r.fail(key, err)
	}
	return v
}

func (r *archReader) ints(key string) []int {
	var out []int
	for _, f := range strings.Split(r.a[key], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			r.fail(key, err)
			return nil
		}
		out = append(out, v)
	}
	return out
}

func (r *archReader) normalize() *[2]float32 {
	s := r.a["normalize"]
	if s == "" {
		return nil
	}
	m, d, ok := strings.Cut(s, ",")
	mv, err1 := strconv.ParseFloat(m, 32)
	dv, err2 := strconv.ParseFloat(d, 32)
	if !ok || err1 != nil || err2 != nil {
		r.fail("normalize", fmt.Errorf("want mean,std"))
		return nil
	}
	return &[2]float32{float32(mv), float32(dv)}
}

// sameGraph reports how b's graph differs from a's, or nil.
func sameGraph(a, b *models.Net) error {
	if a.Input != b.Input || a.Classes != b.Classes || len(a.Nodes) != len(b.Nodes) {
		return fmt.Errorf("%d nodes (input %v, %d classes) against %d (input %v, %d classes)",
			len(a.Nodes), a.Input, a.Classes, len(b.Nodes), b.Input, b.Classes)
	}
	for i := range a.Nodes {
		na, nb := &a.Nodes[i], &b.Nodes[i]
		if na.Op != nb.Op || fmt.Sprint(na.Inputs) != fmt.Sprint(nb.Inputs) || len(na.Params) != len(nb.Params) {
			return fmt.Errorf("node %d: %s%v against %s%v", i, na.Op, na.Inputs, nb.Op, nb.Inputs)
		}
		for k, t := range na.Params {
			u := nb.Params[k]
			if u == nil || fmt.Sprint(t.Shape) != fmt.Sprint(u.Shape) {
				return fmt.Errorf("node %d: parameter %s differs in shape", i, k)
			}
		}
	}
	return nil
}
