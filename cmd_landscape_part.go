package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/surface"
)

// landscapePart is one shard's rows of a loss plane (landscape --shard i/n): row j (β_j) belongs to
// shard j mod n, and the Hessian at the centre to the shard that owns the item after the last row.
type landscapePart struct {
	Model  string    `json:"model"`
	Data   string    `json:"data"`
	Split  string    `json:"split"`
	Set    string    `json:"set"` // the split's name, as the report prints it
	Images int       `json:"images"`
	What   string    `json:"what"`
	Alphas []float64 `json:"alphas"`
	Betas  []float64 `json:"betas"` // every row's β, not only the shard's
	Rows   []int     `json:"rows"`  // the shard's rows, in order
	// Values are the rows' loss and accuracy as float32, little-endian: len(Rows)·len(Alphas)·2
	// values in the order of surface.Grid's Values (base64 in JSON, exact).
	Values         []byte                   `json:"values"`
	Seconds        float64                  `json:"seconds"`
	Hessian        *surface.HessianSpectrum `json:"hessian,omitempty"`
	HessianImages  int                      `json:"hessian_images,omitempty"`
	HessianSeconds float64                  `json:"hessian_seconds,omitempty"`
}

// landscapePartFile is what landscape --shard writes to --out.
type landscapePartFile struct {
	Part      partHeader     `json:"part"`
	Landscape *landscapePart `json:"landscape_part"`
}

// parseShard reads --shard ("" is the whole plane) and checks the flags it goes with.
func (c *landscapeConfig) parseShard(s string) error {
	var err error
	if c.shard, err = parseShardFlag(s); err != nil || s == "" {
		return err
	}
	switch {
	case !c.shard.Split():
	case c.other != "":
		return &flagError{"--shard and --other: a model line is not sharded (shard a plane's rows)"}
	case c.acc != "" || c.vts != "" || c.json != "":
		return &flagError{"--shard writes only the part file --out: give --acc, --vts and --json to surfscope merge"}
	}
	return nil
}

// hash is the SHA-256 of what every shard of one loss plane shares.
func (c *landscapeConfig) hash(rec provenance.Record) string {
	return configHash(struct {
		Models          []provenance.Model
		Data, Split     string
		Grid, Images    int
		Span            float64
		Seed            uint64
		BiasBN, Plain   bool
		HSteps, HImages int
		HTol            float64
	}{rec.Models, rec.Data, rec.Split, c.grid, c.images, c.span, c.seed, c.biasBN, c.plain, c.hsteps, c.himages, c.htol})
}

// writeLandscapePart computes the shard's rows of the plane (and the Hessian when the shard owns
// it) and writes them to --out.
func writeLandscapePart(ctx context.Context, c *landscapeConfig, rec provenance.Record, stdout, stderr io.Writer) error {
	net, set, err := openModel(c.model, c.data, c.split)
	if err != nil {
		return err
	}
	l := &landscape{set: set, images: min(c.images, set.Len())}
	axis := projection.Linspace(-c.span, c.span, c.grid)
	p := &landscapePart{Model: c.model, Data: c.data, Split: c.split, Set: set.Name, Images: l.images, Alphas: axis, Betas: axis,
		What: fmt.Sprintf("filter-normalised plane, %dx%d points in [−%g, %g]²", c.grid, c.grid, c.span, c.span)}
	var betas []float64
	for j := range axis {
		if c.shard.Owns(j) {
			p.Rows, betas = append(p.Rows, j), append(betas, axis[j])
		}
	}
	if len(betas) > 0 {
		d := &surface.DirectionOptions{BiasBN: c.biasBN}
		dirs := []surface.ParamVector{surface.FilterNormalized(net, c.seed, d), surface.FilterNormalized(net, c.seed+1, d)}
		pr := &progress{w: stderr, what: "landscape, shard " + c.shard.String()}
		start := time.Now()
		g, err := surface.LossLandscape(ctx, net, dirs, axis, betas, set.Images[:l.images*set.ImageSize()], set.Labels[:l.images],
			&surface.LandscapeOptions{Plain: c.plain}, pr.update)
		if err != nil {
			return err
		}
		p.Seconds = time.Since(start).Seconds()
		p.Values = make([]byte, 0, 4*len(g.Values))
		for _, v := range g.Values {
			p.Values = binary.LittleEndian.AppendUint32(p.Values, math.Float32bits(v))
		}
	}
	if c.hsteps > 0 && c.shard.Owns(c.grid) {
		if err := l.measureHessian(ctx, net, c); err != nil {
			return err
		}
		p.Hessian, p.HessianImages, p.HessianSeconds = l.hessian, l.hn, l.hsecs
	}
	l.grid = &surface.Grid{S: axis, T: axis}
	if err := c.provenance(&rec, l); err != nil {
		return err
	}
	rec.Metric = "loss"
	if err := writeJSON(c.out, rec, landscapePartFile{partHeader{Of: "landscape", Shard: c.shard, Config: c.hash(rec)}, p}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: rows %d of %d of the plane (shard %s); `surfscope merge --out landscape.npy` with every shard's file joins them\n",
		c.out, len(p.Rows), c.grid, c.shard)
	return nil
}

// landscapeOutputs are merge's optional outputs of a loss plane besides --out (as landscape's).
type landscapeOutputs struct{ acc, vts, json *string }

func registerLandscapeMergeFlags(fs *flag.FlagSet) landscapeOutputs {
	return landscapeOutputs{
		acc:  fs.String("acc", "", "landscape parts: optional .npy of the accuracy"),
		vts:  fs.String("vts", "", "landscape parts: optional VTK structured grid (.vts) of the loss surface"),
		json: fs.String("json", "", "landscape parts: optional JSON summary"),
	}
}

// mergeLandscape joins the rows of landscape part files into the plane and writes the files the
// unsharded landscape writes.
func mergeLandscape(out string, o landscapeOutputs, parts []*partFile, stdout io.Writer, rec provenance.Record) error {
	c := &landscapeConfig{out: out, acc: *o.acc, vts: *o.vts, json: *o.json}
	l := &landscape{}
	var values []float32
	rows := 0
	for _, f := range parts {
		var file landscapePartFile
		if err := json.Unmarshal(f.body, &file); err != nil || file.Landscape == nil {
			return fmt.Errorf("%s: not a landscape part file (%v)", f.path, err)
		}
		p := file.Landscape
		nx, ny := len(p.Alphas), len(p.Betas)
		if len(p.Values) != 4*2*nx*len(p.Rows) {
			return fmt.Errorf("%s: %d bytes of values for %d rows of %d points", f.path, len(p.Values), len(p.Rows), nx)
		}
		if l.grid == nil {
			c.model, c.data, c.split, c.grid = p.Model, p.Data, p.Split, ny
			l.set, l.images, l.what = &dataset.Set{Name: p.Set}, p.Images, p.What
			l.grid = &surface.Grid{NX: nx, NY: ny, K: 2, S: p.Alphas, T: p.Betas}
			values = make([]float32, nx*ny*2)
		}
		for r, j := range p.Rows {
			if j < 0 || j >= ny || !f.part.Shard.Owns(j) || ny != l.grid.NY || nx != l.grid.NX {
				return fmt.Errorf("%s: row %d is not shard %s's of a plane of %d×%d points", f.path, j, f.part.Shard, l.grid.NX, l.grid.NY)
			}
			rows++
			for k := range 2 * nx {
				values[j*2*nx+k] = math.Float32frombits(binary.LittleEndian.Uint32(p.Values[4*(r*2*nx+k):]))
			}
		}
		l.seconds += p.Seconds
		if p.Hessian != nil {
			l.hessian, l.hn, l.hsecs = p.Hessian, p.HessianImages, p.HessianSeconds
		}
	}
	if rows != l.grid.NY {
		return fmt.Errorf("the parts hold %d of the plane's %d rows", rows, l.grid.NY)
	}
	l.grid.Values = values
	rec.SetGrid(l.grid.S, l.grid.T)
	if err := writeLandscape(c, l, rec); err != nil {
		return err
	}
	printLandscape(stdout, c, l)
	return nil
}
