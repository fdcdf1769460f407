package models_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/models/internal/nettest"
)

// FuzzDecode feeds arbitrary bytes to the checkpoint reader: it returns an error starting
// "models: checkpoint: " or a net that validates, whose training record reads or errs, and whose
// forward pass runs. The corpus (testdata/fuzz/FuzzDecode) holds the crafted checkpoints of
// issue 20: negative strides and dilations, pad bombs, an overflowing reshape, a huge input.
func FuzzDecode(f *testing.F) {
	for _, seed := range []func(testing.TB) *models.Net{
		func(t testing.TB) *models.Net { return nettest.DenseNet(t, 3, models.OpReLU, true) },
		func(t testing.TB) *models.Net {
			n, err := models.NewCNN(models.CNNConfig{Input: [3]int{1, 6, 6}, Classes: 3, Channels: []int{2}, BatchNorm: true}, 1)
			if err != nil {
				t.Fatal(err)
			}
			return n
		},
	} {
		var buf bytes.Buffer
		if err := models.Encode(&buf, seed(f)); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		net, err := models.Decode(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "models: checkpoint: ") {
				t.Fatalf("error without its prefix: %v", err)
			}
			return
		}
		shapes, err := net.Shapes()
		if err != nil {
			t.Fatalf("Decode returned an invalid net: %v", err)
		}
		net.TrainedOn() // a record that does not parse is an error, never a panic
		if nettest.ForwardCost(net, shapes) > 1e7 {
			return
		}
		if _, err := net.ForwardReference(make([]float32, net.InputSize())); err != nil {
			t.Fatalf("forward pass of a decoded net: %v", err)
		}
	})
}
