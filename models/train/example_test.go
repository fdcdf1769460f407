package train_test

import (
	"context"
	"fmt"
	"log"

	"github.com/surfscope/surfscope/dataset"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/train"
)

// Train an MLP on 300 images of the embedded MNIST sample until it classifies all of them
// correctly.
func ExampleRun() {
	images, err := dataset.Open(dataset.Sample, dataset.Train)
	if err != nil {
		log.Fatal(err)
	}
	images = images.Head(300)
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 28, 28}, Classes: 10, Hidden: []int{64},
		Normalize: &[2]float32{0.1307, 0.3081}}, 1)
	if err != nil {
		log.Fatal(err)
	}
	cfg := train.Config{UntilFit: true, MaxEpochs: 50, BatchSize: 32, Seed: 1}
	hist, err := train.Run(context.Background(), net, images, nil, cfg, func(p train.Progress) {
		// Called after every batch; p.Done is set at the end of each epoch.
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("training accuracy:", hist[len(hist)-1].TrainAcc)
	// Output: training accuracy: 1
}
