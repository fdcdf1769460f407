package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models/series"
	"github.com/surfscope/surfscope/models/train"
)

// startState returns the run to train: a new one of the network the flags describe, or with
// --resume the interrupted run in statePath, which must be the run the flags describe. Without
// --resume an existing state file is an error: it holds work that a new run would overwrite.
func (c *trainConfig) startState(set *dataset.Set) (*train.State, error) {
	net, err := c.arch.build(set)
	if err != nil {
		return nil, err
	}
	fresh, err := train.NewState(net, c.cfg)
	if err != nil {
		return nil, err
	}
	path := c.statePath()
	_, statErr := os.Lstat(path)
	if !c.resume {
		if statErr == nil {
			return nil, fmt.Errorf("%s holds the state of an interrupted run: add --resume to continue it, or remove the file to start again", path)
		}
		net.Meta["data"] = c.data
		return fresh, nil
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return nil, fmt.Errorf("--resume: no interrupted run to continue: %s does not exist", path)
	}
	st, err := train.LoadState(path)
	if err != nil {
		return nil, err
	}
	if err := sameRun(st, fresh, set, c.data); err != nil {
		return nil, fmt.Errorf("--resume: %s: %v", path, err)
	}
	return st, nil
}

// configFlags names the train flag of each train.Config field (by JSON key).
var configFlags = map[string]string{"optimizer": "opt", "lr": "lr", "momentum": "momentum", "weight_decay": "wd",
	"batch_size": "batch", "max_epochs": "epochs", "until_fit": "until-fit", "seed": "seed", "flip": "flip",
	"mixup": "mixup", "schedule": "schedule"}

// sameRun checks that the saved run st is the run fresh describes: the same architecture,
// training configuration and data. The error names the first flag that differs.
func sameRun(st, fresh *train.State, set *dataset.Set, data string) error {
	for _, k := range slices.Sorted(maps.Keys(fresh.Net.Arch)) {
		if a, b := st.Net.Arch[k], fresh.Net.Arch[k]; a != b {
			return fmt.Errorf("the run trains a net with %s %q, this command asks for %q", k, a, b)
		}
	}
	old, now := jsonFields(st.Config), jsonFields(fresh.Config)
	for _, k := range slices.Sorted(maps.Keys(configFlags)) {
		if a, b := old[k], now[k]; a != b {
			return fmt.Errorf("the run was started with --%s %s, this command says %s", configFlags[k], orDefault(a), orDefault(b))
		}
	}
	r, ok, err := st.Net.TrainedOn()
	switch {
	case err != nil || !ok:
		return fmt.Errorf("the saved net does not record its training data (%v)", err)
	case r.Data != data:
		return fmt.Errorf("the run trains on --data %s, this command on %s", r.Data, data)
	case r.Images != set.Len():
		return fmt.Errorf("the run trains on %d images, this command on %d (--limit)", r.Images, set.Len())
	}
	return nil
}

func orDefault(v string) string {
	if v == "" {
		return "(default)"
	}
	return v
}

// jsonFields returns the JSON encoding of each field of v, by key ("" for one left out).
func jsonFields(v any) map[string]string {
	b, _ := json.Marshal(v)
	var raw map[string]json.RawMessage
	json.Unmarshal(b, &raw)
	out := map[string]string{}
	for k, m := range raw {
		out[k] = string(m)
	}
	return out
}

// seriesWriter returns the writer of the --out-dir series (nil without one), continuing the
// series of a resumed run.
func (c *trainConfig) seriesWriter(st *train.State, set *dataset.Set) (*series.Writer, error) {
	if c.outDir == "" {
		return nil, nil
	}
	ix := series.Index{Provenance: &c.provenance, Data: c.data, Images: set.Len(), Arch: st.Net.Arch, Every: c.saveEvery}
	return series.NewWriter(c.outDir, ix, st.Epoch() > 0)
}
