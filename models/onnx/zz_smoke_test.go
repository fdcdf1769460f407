package onnx_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/onnx"
)

func npy(path string) []float32 {
	f, _ := os.Open(path)
	defer f.Close()
	r, _ := npyio.NewReader(f)
	var d []float32
	r.Read(&d)
	return d
}

func TestZZSmoke(t *testing.T) {
	files, _ := filepath.Glob("/tmp/smoke/*.onnx")
	for _, f := range files {
		base := strings.SplitN(filepath.Base(f), "_", 2)[0]
		net, err := onnx.Load(f)
		if err != nil {
			fmt.Println(f, "ERR", err)
			continue
		}
		x, y := npy("/tmp/smoke/"+base+".x.npy"), npy("/tmp/smoke/"+base+".y.npy")
		e, _ := models.NewEvaluator(net)
		got := e.Forward(nil, x, 5)
		worst := 0.0
		for i := range y {
			worst = max(worst, math.Abs(float64(got[i]-y[i])))
		}
		ops := []string{}
		for _, nd := range net.Nodes {
			ops = append(ops, string(nd.Op))
		}
		fmt.Println(f, "worst", worst, strings.Join(ops, " "))
	}
}
