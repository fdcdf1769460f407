package provenance

import (
	"reflect"
	"strings"
	"testing"
)

// sample is a record with every field set, a second model, and values that need quoting.
func sample() Record {
	r := Record{Surfscope: "v1.2.0-3-g1a2b3c4", Commit: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", Go: "go1.26.8",
		BLAS: "openblas", Time: "2026-01-02T03:04:05Z", Command: "surfscope render --model 'my net.onnx' --out shot.png",
		Action: "app: File ▸ Export PNG", Data: "/data/mnist folder", Split: "test", Probe: "random:3,7", Metric: "mean curvature"}
	r.AddModel("/models/my net.onnx", strings.Repeat("ab", 32))
	r.AddModel("embedded", strings.Repeat("cd", 32))
	r.SetSeed(18446744073709551615)
	r.SetClass(0)
	r.SetGrid([]float64{-0.5, 0, 1.5}, []float64{-1e-3, 2.25})
	r.Renderer = "gl (llvmpipe)"
	return r
}

func TestFieldsRoundTrip(t *testing.T) {
	r := sample()
	got, err := FromFields(r.Fields())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("FromFields(Fields(r)):\n%+v\nwant\n%+v", got, r)
	}
	keys := []string{}
	for _, f := range r.Fields() {
		keys = append(keys, f.Key)
	}
	want := "surfscope commit go blas time command action model model_sha256 model_2 model_2_sha256 data split probe seed grid s t metric class renderer"
	if strings.Join(keys, " ") != want {
		t.Errorf("keys %q, want %q", strings.Join(keys, " "), want)
	}
	if r.Grid[0] != 3 || r.Grid[1] != 2 || r.S[1] != 1.5 || r.T[0] != -1e-3 {
		t.Errorf("SetGrid: grid %v, s %v, t %v", r.Grid, r.S, r.T)
	}
}

func TestTextRoundTripIsASCII(t *testing.T) {
	r := sample()
	r.Command = "line one\nline two "
	text := r.Text()
	for i := 0; i < len(text); i++ {
		if text[i] >= 0x7f {
			t.Fatalf("Text has a non-ASCII byte: %q", text)
		}
	}
	if !strings.Contains(text, "action: \"app: File \\u25b8 Export PNG\"\n") || !strings.Contains(text, "probe: random:3,7\n") {
		t.Errorf("Text:\n%s", text)
	}
	got, err := ParseText(text, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, r) {
		t.Fatalf("ParseText(Text()):\n%+v\nwant\n%+v", got, r)
	}
}

func TestFromFieldsErrorsNameTheKey(t *testing.T) {
	for _, f := range []Field{{"seed", "-1"}, {"grid", "64,x"}, {"s", "0,y"}, {"class", "one"}} {
		_, err := FromFields([]Field{f})
		if err == nil || !strings.Contains(err.Error(), "field "+f.Key) {
			t.Errorf("%v: %v", f, err)
		}
	}
	// Unknown keys, including near-misses of the model keys, are ignored.
	r, err := FromFields([]Field{{"surfscope", "v1"}, {"future", "x"}, {"modelx", "y"}, {"model_1", "z"}})
	if err != nil || r.Surfscope != "v1" || len(r.Models) != 0 {
		t.Errorf("unknown keys: %+v, %v", r, err)
	}
	if _, err := ParseText("no separator\n", ""); err == nil {
		t.Error("a line without ': ' parsed")
	}
}

func TestNewAndCommandLine(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1700000000")
	r := New(CommandLine("surfscope", "render", "--model", "my net's.onnx", "--out", "a.png"))
	if r.Time != "2023-11-14T22:13:20Z" || r.Surfscope == "" || r.Go == "" || r.BLAS == "" {
		t.Errorf("New: %+v", r)
	}
	if want := `surfscope render --model 'my net'\''s.onnx' --out a.png`; r.Command != want {
		t.Errorf("command %q, want %q", r.Command, want)
	}
	if s := (Record{Surfscope: "v1", Commit: "0123456789abcdef"}).Software(); s != "surfscope v1 (commit 0123456789ab)" {
		t.Errorf("Software() = %q", s)
	}
}
