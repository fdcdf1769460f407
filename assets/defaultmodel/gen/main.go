// Command gen trains the embedded default model: an MLP 784-128-128-10 on the embedded MNIST
// sample, until 100% training accuracy, and writes it as a surfscope checkpoint.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
)

func main() {
	out := flag.String("out", "mlp.safetensors", "checkpoint to write")
	flag.Parse()
	log.SetFlags(0)
	trainSet, err := dataset.Open(dataset.Sample, dataset.Train)
	if err != nil {
		log.Fatal(err)
	}
	test, err := dataset.Open(dataset.Sample, dataset.Test)
	if err != nil {
		log.Fatal(err)
	}
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{128, 128}}, 1)
	if err != nil {
		log.Fatal(err)
	}
	hist, err := train.Run(context.Background(), net, trainSet, test,
		train.Config{MaxEpochs: 100, UntilFit: true, Seed: 1}, func(p train.Progress) {
			if e := p.Done; e != nil {
				fmt.Fprintf(os.Stderr, "epoch %d: train %.2f%% test %.2f%%\n", e.Epoch, 100*e.TrainAcc, 100*e.TestAcc)
			}
		})
	if err != nil {
		log.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.TrainAcc < 1 {
		log.Fatalf("stopped at %.2f%% training accuracy", 100*last.TrainAcc)
	}
	net.Meta["data"] = dataset.Sample
	if err := models.Save(*out, net); err != nil {
		log.Fatal(err)
	}
}
