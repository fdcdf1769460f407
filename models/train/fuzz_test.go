package train

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/surfscope/surfscope/models"
)

// FuzzDecodeState: any bytes are a training state (a valid net, a configuration Run would use,
// optimizer buffers no larger than the net) or an error, never a panic.
func FuzzDecodeState(f *testing.F) {
	net, err := models.NewMLP(models.MLPConfig{Input: [3]int{1, 2, 2}, Classes: 2, Hidden: []int{3}}, 1)
	if err != nil {
		f.Fatal(err)
	}
	for _, cfg := range []Config{{}, {Optimizer: "sgd", Mixup: 0.2}} {
		st, err := NewState(net, cfg)
		if err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(f.TempDir(), "state")
		if err := SaveState(path, st); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(stateMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeState(bytes.NewReader(b))
		if err != nil {
			return
		}
		if err := st.Net.Validate(); err != nil {
			t.Fatal(err)
		}
		for b, buf := range st.opt.Buffers {
			n := 0
			for _, v := range buf {
				n += len(v)
			}
			if n > st.Net.NumParams() {
				t.Fatalf("optimizer buffer %d holds %d values for %d parameters", b, n, st.Net.NumParams())
			}
		}
	})
}
