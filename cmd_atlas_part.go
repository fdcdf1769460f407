package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
	"github.com/surfscope/surfscope/view"
)

// atlasPartFile is what atlas --shard i/n --json writes: the part's header and every model's part
// of its atlas, in the models' order.
type atlasPartFile struct {
	Part  partHeader           `json:"part"`
	Parts []*surface.AtlasPart `json:"atlas_parts"`
}

// parseShard reads --shard ("" is the whole atlas) and checks the flags it goes with.
func (c *atlasConfig) parseShard(s string) error {
	var err error
	if c.shard, err = parseShardFlag(s); err != nil || s == "" {
		return err
	}
	switch {
	case c.show != "":
		return &flagError{"--shard and --show: --show reads a whole atlas (merge the parts first)"}
	case c.shard.Split() && c.json == "":
		return &flagError{"--shard needs --json, the part file `surfscope merge` joins"}
	case c.shard.Split() && c.explain:
		return &flagError{"--shard and --explain: a part has no table to explain"}
	}
	return nil
}

// writeAtlasPart builds the shard's part of every model's atlas and writes them to --json.
func writeAtlasPart(ctx context.Context, c *atlasConfig, rec provenance.Record, stdout, stderr io.Writer) error {
	rec.Data, rec.Split = view.DataProvenance(c.data), c.split
	rec.SetSeed(c.cfg.Seed)
	if err := identifyModels(&rec, c.models...); err != nil {
		return err
	}
	file := atlasPartFile{Part: partHeader{Of: "atlas", Shard: c.shard, Config: c.hash(rec)}}
	for _, path := range c.models {
		net, set, err := c.open(path)
		if err != nil {
			return err
		}
		pr := &progress{w: stderr, what: fmt.Sprintf("atlas %s, shard %s", atlasName(path), c.shard)}
		p, err := surface.BuildAtlasPart(ctx, net, set.Images, set.Labels, &c.cfg, c.shard, pr.update)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		p.Model = path
		file.Parts = append(file.Parts, p)
	}
	if err := writeJSON(c.json, rec, file); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: shard %s of the atlas; `surfscope merge --out atlas.json` with every shard's file joins them\n", c.json, c.shard)
	return nil
}

// hash is the SHA-256 of what every shard of one atlas shares: the models (paths and contents),
// the data, split and images, and the probes' configuration.
func (c *atlasConfig) hash(rec provenance.Record) string {
	return configHash(struct {
		Models      []provenance.Model
		Data, Split string
		Images      int
		Config      surface.AtlasConfig
	}{rec.Models, rec.Data, rec.Split, c.images, c.cfg})
}

// mergeAtlas joins atlas part files into the atlas file of the unsharded run, written to out, and
// prints its table.
func mergeAtlas(out string, parts []*partFile, stdout io.Writer, rec provenance.Record) error {
	files := make([]atlasPartFile, len(parts))
	for i, p := range parts {
		if err := json.Unmarshal(p.body, &files[i]); err != nil || len(files[i].Parts) == 0 {
			return fmt.Errorf("%s: not an atlas part file (%v)", p.path, err)
		}
		if len(files[i].Parts) != len(files[0].Parts) {
			return fmt.Errorf("%s has %d models, %s %d: parts of different atlases", p.path, len(files[i].Parts), parts[0].path, len(files[0].Parts))
		}
	}
	var atlases []*surface.Atlas
	var names []string
	for m := range files[0].Parts {
		models := make([]*surface.AtlasPart, len(files))
		for i := range files {
			models[i] = files[i].Parts[m]
		}
		a, err := surface.MergeAtlasParts(models)
		if err != nil {
			return err
		}
		atlases, names = append(atlases, a), append(names, atlasName(a.Model))
	}
	if err := writeJSON(out, rec, atlasFile{atlases}); err != nil {
		return err
	}
	printAtlas(stdout, names, atlases)
	fmt.Fprintf(stdout, "wrote %s: the atlas of %d shards\n", out, len(parts))
	return nil
}

// configHash is the SHA-256 (hex) of v's JSON.
func configHash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("surfscope: configuration hash: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
