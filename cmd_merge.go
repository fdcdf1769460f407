package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/internal/shard"
	"github.com/surfscope/surfscope/provenance"
	"github.com/surfscope/surfscope/study"
)

// partHeader says what a part file written with --shard is a part of: the command, the shard, and
// the SHA-256 of the configuration every shard of the run shares (configHash).
type partHeader struct {
	Of     string      `json:"of"` // atlas or landscape
	Shard  shard.Shard `json:"shard"`
	Config string      `json:"config"`
}

// partFile is a part file read back: its path, provenance, header and the whole document.
type partFile struct {
	path string
	rec  provenance.Record
	part partHeader
	body []byte
}

// maxPartBytes bounds a part file merge reads.
const maxPartBytes = 1 << 30

func cmdMerge(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	rec := commandRecord("merge", args)
	fs := newFlags("merge", "--out FILE|DIR PART...  (the parts of one atlas, landscape or study run with --shard i/n)", stderr)
	out := fs.String("out", "", "merged output: the atlas JSON, the landscape's loss .npy, or the study folder")
	l := registerLandscapeMergeFlags(fs)
	parts, err := parseWithArgs(fs, args, map[string]flagRule{"out": {}}) // a file, or a study's folder
	if err != nil {
		return err
	}
	if *out == "" {
		return &flagError{"--out is required"}
	}
	if len(parts) == 0 {
		return &flagError{"no parts: give every shard's file (or study folder) after the flags"}
	}
	if dirs, err := studyParts(parts); err != nil || dirs {
		if err != nil {
			return err
		}
		return mergeStudy(ctx, *out, parts, rec, stdout, stderr)
	}
	files, err := readParts(parts)
	if err != nil {
		return err
	}
	first := files[0].rec
	rec.Models, rec.Data, rec.Split, rec.Seed = first.Models, first.Data, first.Split, first.Seed
	switch files[0].part.Of {
	case "atlas":
		return mergeAtlas(*out, files, stdout, rec)
	case "landscape":
		return mergeLandscape(*out, l, files, stdout, rec)
	}
	return fmt.Errorf("%s: a part of %q, which surfscope merge does not know", files[0].path, files[0].part.Of)
}

// studyParts reports whether the parts are study folders (each holding a study.json), and
// refuses a mix of folders and files.
func studyParts(parts []string) (bool, error) {
	dirs := 0
	for _, p := range parts {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if _, err := study.ReadPlan(p); err != nil {
				return false, fmt.Errorf("%s: a folder but not a study folder written by study --shard (%v)", p, err)
			}
			dirs++
		}
	}
	if dirs > 0 && dirs < len(parts) {
		return false, fmt.Errorf("parts mix study folders and files: give the folders of one study --shard run")
	}
	return dirs > 0, nil
}

// mergeStudy joins study shard folders into out (study.Merge), which draws the figures and writes
// the report.
func mergeStudy(ctx context.Context, out string, parts []string, rec provenance.Record, stdout, stderr io.Writer) error {
	if err := study.Merge(ctx, out, parts, study.Options{Command: rec.Command, Progress: stderr}); err != nil {
		return err
	}
	res, err := study.ReadResults(out)
	if err != nil {
		return err
	}
	study.PrintHeadline(stdout, res)
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(out, study.ReportFile), filepath.Join(out, study.ResultsFile))
	return nil
}

// readParts reads part files and checks that they are every shard, once, of one run.
func readParts(paths []string) ([]*partFile, error) {
	var files []*partFile
	var shards []shard.Shard
	for _, path := range paths {
		p, err := readPart(path)
		if err != nil {
			return nil, err
		}
		if len(files) > 0 && (p.part.Of != files[0].part.Of || p.part.Config != files[0].part.Config) {
			return nil, fmt.Errorf("%s is a part of another run than %s (%s against %s, configurations %.12s… and %.12s…)",
				path, files[0].path, p.part.Of, files[0].part.Of, p.part.Config, files[0].part.Config)
		}
		files, shards = append(files, p), append(shards, p.part.Shard)
	}
	if err := shard.Check(shards, func(i int) string { return files[i].path }); err != nil {
		return nil, err
	}
	return files, nil
}

// readPart reads a part file's provenance and header.
func readPart(path string) (*partFile, error) {
	b, err := inputfile.ReadAll(path, maxPartBytes)
	if err != nil {
		return nil, err
	}
	var head struct {
		Provenance provenance.Record `json:"provenance"`
		Part       *partHeader       `json:"part"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s: not a part file written with --shard: %v", path, err)
	}
	if head.Part == nil || head.Part.Config == "" {
		return nil, fmt.Errorf("%s: not a part file written with --shard (no part header)", path)
	}
	return &partFile{path: path, rec: head.Provenance, part: *head.Part, body: b}, nil
}
