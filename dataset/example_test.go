package dataset_test

import (
	"fmt"
	"log"

	"github.com/surfscope/surfscope/dataset"
)

func ExampleOpen() {
	train, err := dataset.Open("sample", "train") // the MNIST excerpt embedded in the binary
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d images %d×%d×%d, %d classes\n", train.Name, train.Len(), train.C, train.H, train.W, train.Classes)
	img := train.Image(0) // a view: 784 pixels in [0,1]
	fmt.Printf("image 0: label %s, %d pixels, centre pixel %.3f\n", train.ClassName(train.Labels[0]), len(img), img[14*28+14])
	small := train.Head(100) // a view of the first 100
	fmt.Println("head:", small.Len(), "images, first labels", small.Labels[:5])
	// Output:
	// sample/train: 4000 images 1×28×28, 10 classes
	// image 0: label 5, 784 pixels, centre pixel 0.941
	// head: 100 images, first labels [5 0 4 1 9]
}

func ExampleDescribe() {
	info, err := dataset.Describe("sample")
	if err != nil {
		log.Fatal(err)
	}
	for _, sp := range info.Splits {
		fmt.Println(sp.Split, sp.N, "images; class 0:", sp.ClassCounts[0])
	}
	// Output:
	// train 4000 images; class 0: 379
	// test 1000 images; class 0: 85
}
