package series

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadIndex: any index file is a series whose checkpoints are files of the folder, in
// increasing epochs, or an error naming the index, never a panic.
func FuzzReadIndex(f *testing.F) {
	f.Add([]byte(`{"format":"surfscope-series/1","checkpoints":[{"epoch":1,"file":"epoch-0001.safetensors"},{"epoch":2,"file":"epoch-0002.safetensors"}]}`))
	f.Add([]byte(`{"format":"surfscope-series/1","checkpoints":[{"epoch":2,"file":"../x"},{"epoch":1,"file":"."}]}`))
	f.Add([]byte(`{"format":"surfscope-series/1","checkpoints":[{"epoch":-1,"file":"epoch-0001.safetensors"}]}`))
	f.Add([]byte(`[]`))
	dir := f.TempDir()
	for _, name := range []string{FileName(1), FileName(2)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, IndexName), b, 0o644); err != nil {
			t.Fatal(err)
		}
		ix, err := Read(dir)
		if err != nil {
			return
		}
		for i, c := range ix.Checkpoints {
			if i > 0 && c.Epoch <= ix.Checkpoints[i-1].Epoch || filepath.Dir(ix.Path(dir, i)) != dir {
				t.Fatalf("checkpoint %d: %+v", i, c)
			}
		}
	})
}
