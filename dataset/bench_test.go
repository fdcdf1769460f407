package dataset

import (
	"bytes"
	"io"
	"testing"
	"testing/fstest"
)

// BenchmarkOpenMNISTTrain loads the 60,000 MNIST training images (gunzip, parse, convert to float32).
func BenchmarkOpenMNISTTrain(b *testing.B) {
	openReal(b, MNIST, Train) // skips when MNIST is absent
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(MNIST, Train); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenSample loads the embedded 4,000-image sample.
func BenchmarkOpenSample(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(Sample, Train); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadCIFAR10 reads one 10,000-record CIFAR-10 batch from memory, through a plain reader (size
// unknown: the buffer doubles as records arrive) and through an fs.File (size known: one allocation).
func BenchmarkReadCIFAR10(b *testing.B) {
	records := make([][]byte, 10000)
	for i := range records {
		records[i] = []byte{byte(i % 10)}
	}
	data := cifarRecords(records...)
	fsys := fstest.MapFS{"batch": {Data: data}}
	for _, via := range []string{"reader", "fs.File"} {
		b.Run(via, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var r io.Reader = bytes.NewReader(data)
				if via == "fs.File" {
					f, err := fsys.Open("batch")
					if err != nil {
						b.Fatal(err)
					}
					r = f
				}
				if _, err := ReadCIFAR10(r, "batch"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
