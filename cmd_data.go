package main

import (
	"context"
	"fmt"
	"io"

	"github.com/surfscope/surfscope/dataset"
)

func cmdData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("data", "--data mnist|fashion|cifar10|cifar100|sample|FOLDER", stderr)
	name := fs.String("data", "sample", "dataset name or folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	info, err := dataset.Describe(*name)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, info.String())
	return nil
}
