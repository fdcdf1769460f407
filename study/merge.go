package study

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
)

// Merge joins the folders of a study's shards (parts, each written by Run with a Shard of one
// configuration) into the study folder out, then draws the figures and writes the report there:
// out is then what the unsharded run writes (timings aside). Parts must share one configuration;
// a unit done in two parts with different configuration hashes, or a unit of the study done in
// none, is an error naming it. out may be one of the parts (shards that wrote into one shared
// folder need no merge: `--stages report` does the rest).
func Merge(ctx context.Context, out string, parts []string, o Options) error {
	if len(parts) == 0 {
		return fmt.Errorf("study: merge: no parts")
	}
	var cfg *Config
	var cfgJSON []byte
	for _, p := range parts {
		plan, err := ReadPlan(p)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(plan.Config)
		if cfg == nil {
			cfg, cfgJSON = &plan.Config, b
		} else if string(b) != string(cfgJSON) {
			return fmt.Errorf("study: merge: %s is a part of another study than %s (their configurations differ)", p, parts[0])
		}
	}
	hashes := map[string]string{} // record (relative path) → configuration hash and the part it came from
	for _, p := range parts {
		if err := mergePart(ctx, out, p, hashes); err != nil {
			return err
		}
	}
	o.Shard, o.Stages = Shard{}, []string{StageFigures, StageReport}
	return Run(ctx, *cfg, out, o)
}

// mergePart copies the records and models of part's cells into out, refusing a record that
// another part has with another configuration hash.
func mergePart(ctx context.Context, out, part string, hashes map[string]string) error {
	same, err := sameDir(out, part)
	if err != nil {
		return err
	}
	root := filepath.Join(part, "cells")
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(path) == ".resume" {
			return nil
		}
		rel, err := filepath.Rel(part, path)
		if err != nil {
			return err
		}
		if filepath.Ext(path) == ".json" {
			rec, err := readRecord(path)
			if err != nil || rec == nil {
				return fmt.Errorf("study: merge: %v", err)
			}
			if h, ok := hashes[rel]; ok && h != rec.ConfigHash {
				return fmt.Errorf("study: merge: %s differs between parts (configuration %s and %s): the same unit was run with other settings", rel, h, rec.ConfigHash)
			}
			hashes[rel] = rec.ConfigHash
		}
		if same {
			return nil
		}
		return copyFile(filepath.Join(out, rel), path)
	})
}

// sameDir reports whether a and b are one folder.
func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// copyFile copies src to dst atomically, creating dst's folder.
func copyFile(dst, src string) error {
	in, err := inputfile.Open(src)
	if err != nil {
		return err
	}
	defer in.Close() // read-only
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
