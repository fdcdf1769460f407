package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/surfscope/surfscope/internal/buildinfo"
	"github.com/surfscope/surfscope/render"
)

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "[--short]", stderr)
	short := fs.Bool("short", false, "print the version alone")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *short {
		fmt.Fprintln(stdout, buildinfo.Version())
		return nil
	}
	r, err := render.New()
	if err != nil {
		return err
	}
	defer r.Close()
	commit := buildinfo.Commit()
	if commit == "" {
		commit = "unknown (built without the Makefile outside a git clone)"
	}
	fmt.Fprintf(stdout, "surfscope %s\ncommit    %s\ngo        %s %s/%s\nblas      %s\nrenderer  %s\n",
		buildinfo.Version(), commit, buildinfo.GoVersion(), runtime.GOOS, runtime.GOARCH, buildinfo.BLAS(), r.Name())
	return nil
}
