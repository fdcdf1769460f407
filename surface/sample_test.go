package surface

import (
	"context"
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/surfscope/surfscope/projection"
	"github.com/surfscope/surfscope/provenance"
)

// quadNet is an analytic "network": logits [Σx, Σx², x[0]] — known values at every point.
type quadNet struct {
	size  int
	calls atomic.Int64
}

func (q *quadNet) InputSize() int  { return q.size }
func (q *quadNet) NumClasses() int { return 3 }
func (q *quadNet) Forward(dst, x []float32, batch int) []float32 {
	q.calls.Add(1)
	dst = grow(dst, batch*3)
	for b := 0; b < batch; b++ {
		s, s2 := 0.0, 0.0
		for _, v := range x[b*q.size : (b+1)*q.size] {
			s += float64(v)
			s2 += float64(v) * float64(v)
		}
		dst[b*3], dst[b*3+1], dst[b*3+2] = float32(s), float32(s2), x[b*q.size]
	}
	return dst
}

// affineQuad adds the affine shortcut by forming the points itself: same answers, different path.
type affineQuad struct {
	quadNet
	affineCalls atomic.Int64
}

func (a *affineQuad) ForwardAffine(dst, x0 []float32, dirs [][]float32, coef []float32, batch int) []float32 {
	a.affineCalls.Add(1)
	pts := make([]float32, batch*a.size)
	for b := 0; b < batch; b++ {
		for d := range x0 {
			v := float64(x0[d])
			for k := range dirs {
				v += float64(coef[b*len(dirs)+k]) * float64(dirs[k][d])
			}
			pts[b*a.size+d] = float32(v)
		}
	}
	return a.quadNet.Forward(dst, pts, batch)
}

var shape = [3]int{1, 2, 3}

func testPlane(t *testing.T, n int) *projection.Probe {
	x1 := []float32{0, 0, 0, 0, 0, 0}
	x2 := []float32{1, 0, 0, 0, 0, 0}
	x3 := []float32{0, 1, 0, 0, 0, 0}
	p, err := projection.DataPlane(shape, x1, x2, x3, n, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSampleKnownValues(t *testing.T) {
	p := testPlane(t, 7) // e1 = unit x[0], e2 = unit x[1]; s, t in [0,1]
	var reports int
	g, err := Sample(context.Background(), &quadNet{size: 6}, p, &Options{Chunk: 5}, func(done, total int) {
		reports++
		if total != 49 || done > total {
			t.Errorf("progress %d/%d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if reports != 10 {
		t.Errorf("%d progress reports, want 10 (49 points in chunks of 5)", reports)
	}
	for j := 0; j < 7; j++ {
		for i := 0; i < 7; i++ {
			s, tt := g.S[i], g.T[j]
			want := []float64{s + tt, s*s + tt*tt, s}
			for k, w := range want {
				if got := float64(g.At(i, j, k)); math.Abs(got-w) > 1e-6 {
					t.Fatalf("(%d,%d,%d) = %g, want %g", i, j, k, got, w)
				}
			}
		}
	}
	f := g.Channel(1)
	if lo, hi := f.Range(); lo != 0 || math.Abs(hi-2) > 1e-6 {
		t.Fatalf("range of Σx² = [%g,%g], want [0,2]", lo, hi)
	}
}

func TestSampleAffineShortcutMatchesPlain(t *testing.T) {
	p := testPlane(t, 33)
	net := &affineQuad{quadNet: quadNet{size: 6}}
	fast, err := Sample(context.Background(), net, p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if net.affineCalls.Load() == 0 || net.calls.Load() != net.affineCalls.Load() {
		t.Fatalf("affine shortcut not used: %d affine calls, %d forward calls", net.affineCalls.Load(), net.calls.Load())
	}
	plain, err := Sample(context.Background(), net, p, &Options{Plain: true, Workers: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range plain.Values {
		if math.Abs(float64(plain.Values[i]-fast.Values[i])) > 1e-6 {
			t.Fatalf("value %d: plain %g, affine %g", i, plain.Values[i], fast.Values[i])
		}
	}
}

func TestSampleDeterministicAcrossWorkers(t *testing.T) {
	p := testPlane(t, 20)
	a, _ := Sample(context.Background(), &quadNet{size: 6}, p, &Options{Workers: 1, Chunk: 7}, nil)
	b, _ := Sample(context.Background(), &quadNet{size: 6}, p, &Options{Workers: 4, Chunk: 3}, nil)
	for i := range a.Values {
		if a.Values[i] != b.Values[i] {
			t.Fatalf("value %d differs: %g vs %g", i, a.Values[i], b.Values[i])
		}
	}
}

func TestSampleCancel(t *testing.T) {
	p := testPlane(t, 100)
	ctx, cancel := context.WithCancel(context.Background())
	net := &quadNet{size: 6}
	_, err := Sample(ctx, net, p, &Options{Chunk: 10, Workers: 1}, func(done, total int) {
		if done >= 100 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if c := net.calls.Load(); c > 12 {
		t.Fatalf("%d chunks evaluated after cancelling at chunk 10", c)
	}
}

func TestSampleRejectsWrongInput(t *testing.T) {
	if _, err := Sample(context.Background(), &quadNet{size: 7}, testPlane(t, 4), nil, nil); err == nil {
		t.Fatal("net with the wrong input size accepted")
	}
}

func TestNPYRoundTrip(t *testing.T) {
	g, err := Sample(context.Background(), &quadNet{size: 6}, testPlane(t, 5), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "grid.npy")
	rec := provenance.New("surfscope sample --out grid.npy")
	rec.SetGrid(g.S, g.T)
	if err := WriteNPY(path, g.Shape(), g.Values, rec); err != nil {
		t.Fatal(err)
	}
	sc, err := provenance.ReadSidecar(path)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Provenance.Command != rec.Command || !slices.Equal(sc.NPY.Shape, g.Shape()) || !slices.Equal(sc.Provenance.Grid, []int{5, 5}) {
		t.Errorf("sidecar %+v", sc)
	}
	shape, data, err := ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 3 || shape[0] != 5 || shape[1] != 5 || shape[2] != 3 {
		t.Fatalf("shape %v", shape)
	}
	for i := range data {
		if data[i] != g.Values[i] {
			t.Fatalf("value %d: %g, want %g", i, data[i], g.Values[i])
		}
	}
	// numpy itself must read it with the same shape and values (Debian's python3-numpy).
	py, err := exec.LookPath("/usr/bin/python3")
	if err != nil {
		t.Skip("no /usr/bin/python3 to cross-check with numpy")
	}
	// and Python finds the sidecar's hash to be the file's.
	script := `import hashlib, json, sys, numpy as np
a = np.load(sys.argv[1]); assert a.dtype == np.float32 and a.shape == (5, 5, 3), (a.dtype, a.shape)
side = json.load(open(sys.argv[1] + ".json"))
assert side["npy"]["sha256"] == hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()
assert tuple(side["npy"]["shape"]) == a.shape and side["provenance"]["grid"] == [5, 5]
print(repr(float(a[2, 3, 1])))`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		if string(out) != "" && (contains(string(out), "No module named 'numpy'")) {
			t.Skip("numpy not installed")
		}
		t.Fatalf("numpy could not read the file: %v\n%s", err, out)
	}
	want := float64(g.At(3, 2, 1))
	var got float64
	if _, err := fmtSscan(string(out), &got); err != nil || math.Abs(got-want) > 1e-7 {
		t.Fatalf("numpy read a[2,3,1] = %q, want %g", out, want)
	}
}

func TestDecodeNPYRejectsBadFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	WriteNPY(path, []int{4, 4}, make([]float32, 16), provenance.Record{})
	for name, cut := range map[string]int{"truncated data": 100, "truncated header": 20, "magic": 3} {
		b := readFile(t, path)
		short := filepath.Join(dir, name+".npy")
		writeFile(t, short, b[:cut])
		if _, _, err := ReadNPY(short); err == nil || !contains(err.Error(), short) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
}
