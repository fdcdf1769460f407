package projection

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// PCAPlane returns the plane of the two leading principal components of a set of images (Pearson
// 1901; Hotelling 1933): e1 and e2 are the unit eigenvectors of the covariance of the n images in
// data ([n][C·H·W]) with the two largest eigenvalues σ1² ≥ σ2², each signed so that its entry of
// largest magnitude is positive. The plane passes through `through` (nil means the data mean),
// which sits at (0, 0); both axes are centred there and span ±r standard deviations of the data
// along them, s ∈ [−r σ1, r σ1] and t ∈ [−r σ2, r σ2] (r ≤ 0 means 3), n points each. When
// `through` is given, the anchor "mean" marks the data mean's coordinates.
//
// The components come from randomized subspace iteration (Halko, Martinsson & Tropp, "Finding
// structure with randomness", SIAM Review 2011, Alg. 4.4) with 8 extra vectors, iterated until the
// top two Ritz values settle to 1e-10 (at most 300 iterations), on the implicitly centred data in
// blocks of rows, so memory stays O(C·H·W) beyond the data; seed draws the start block.
func PCAPlane(shape [3]int, data []float32, through []float32, seed uint64, grid int, r float64) (*Probe, error) {
	D := shape[0] * shape[1] * shape[2]
	if D <= 0 {
		return nil, fmt.Errorf("projection: bad image shape %v", shape)
	}
	if err := checkPlaneSpace("PCA", shape); err != nil {
		return nil, err
	}
	if len(data)%D != 0 || len(data)/D < 3 {
		return nil, fmt.Errorf("projection: PCA plane: %d values are not at least 3 images of %v", len(data), shape)
	}
	if err := checkAxis(grid); err != nil {
		return nil, err
	}
	if through != nil {
		if err := checkImages(shape, through); err != nil {
			return nil, err
		}
	}
	if r <= 0 {
		r = 3
	}
	n := len(data) / D
	mean := make([]float64, D)
	for s := 0; s < n; s++ {
		for k, v := range data[s*D : (s+1)*D] {
			mean[k] += float64(v)
		}
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	spread := 0.0
	for s := 0; s < n; s++ {
		for k, v := range data[s*D : (s+1)*D] {
			spread += (float64(v) - mean[k]) * (float64(v) - mean[k])
		}
	}
	if spread == 0 {
		return nil, fmt.Errorf("projection: PCA plane: the images are all the same; the data varies along fewer than two directions")
	}
	vecs, vars, err := topComponents(data, mean, n, D, 2, seed)
	if err != nil {
		return nil, err
	}
	if vars[1] <= 1e-12*math.Max(vars[0], 1e-300) {
		return nil, fmt.Errorf("projection: PCA plane: the data varies along fewer than two directions")
	}
	origin := mean
	var anchors []Anchor
	if through != nil {
		origin = to64(through)
		d := sub(mean, origin)
		anchors = append(anchors, Anchor{Name: "x0"}, Anchor{Name: "mean", S: dot(d, vecs[0]), T: dot(d, vecs[1])})
	} else {
		anchors = append(anchors, Anchor{Name: "mean"})
	}
	s1, s2 := math.Sqrt(vars[0]), math.Sqrt(vars[1])
	return &Probe{
		Kind:    "pca",
		Origin:  to32(origin),
		Dirs:    [][]float32{to32(vecs[0]), to32(vecs[1])},
		S:       symmetricSpace(r*s1, grid),
		T:       symmetricSpace(r*s2, grid),
		Anchors: anchors,
		Shape:   shape,
	}, nil
}

// topComponents returns the k leading unit eigenvectors of the covariance of the n rows of data
// (centred on mean) and their eigenvalues (variances, dividing by n).
func topComponents(data []float32, mean []float64, n, D, k int, seed uint64) ([][]float64, []float64, error) {
	b := min(k+8, D)
	rng := rand.New(rand.NewPCG(seed, 0x9ca))
	v := mat.NewDense(D, b, nil)
	for i := 0; i < D; i++ {
		for j := 0; j < b; j++ {
			v.Set(i, j, rng.NormFloat64())
		}
	}
	orthonormalize(v, rng)
	block := mat.NewDense(pcaBlockRows, D, nil)
	var y, z, w mat.Dense
	prev := []float64{math.Inf(1), math.Inf(1)}
	var vals []float64
	var ritz mat.Dense
	for it := 0; it < 300; it++ {
		covarianceTimes(&z, block, &y, &w, v, data, mean, n, D)
		// Rayleigh–Ritz on span(v): vᵀ C v = vᵀ z / n.
		var h mat.Dense
		h.Mul(v.T(), &z)
		h.Scale(1/float64(n), &h)
		sym := mat.NewSymDense(b, nil)
		for i := 0; i < b; i++ {
			for j := i; j < b; j++ {
				sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
			}
		}
		var es mat.EigenSym
		if !es.Factorize(sym, true) {
			return nil, nil, fmt.Errorf("projection: PCA: eigen-decomposition failed")
		}
		vals = es.Values(nil)
		var ev mat.Dense
		es.VectorsTo(&ev)
		ritz.Reset()
		ritz.Mul(v, &ev)
		top := []float64{vals[b-1], vals[b-2]}
		done := math.Abs(top[0]-prev[0]) <= 1e-10*top[0] && math.Abs(top[1]-prev[1]) <= 1e-10*top[0]
		prev = top
		if done {
			break
		}
		v.Copy(&z)
		orthonormalize(v, rng)
	}
	vecs := make([][]float64, k)
	vars := make([]float64, k)
	for c := 0; c < k; c++ {
		col := b - 1 - c
		e := make([]float64, D)
		big := 0
		for i := range e {
			e[i] = ritz.At(i, col)
			if math.Abs(e[i]) > math.Abs(e[big]) {
				big = i
			}
		}
		if e[big] < 0 {
			scale(-1, e)
		}
		scale(1/norm(e), e)
		vecs[c], vars[c] = e, vals[col]
	}
	return vecs, vars, nil
}

// pcaBlockRows is how many centred rows topComponents holds at a time.
const pcaBlockRows = 512

// covarianceTimes sets z = Xcᵀ Xc v for the n rows of data centred on mean, accumulated over
// blocks of pcaBlockRows rows (block, y and w are scratch).
func covarianceTimes(z, block, y, w *mat.Dense, v *mat.Dense, data []float32, mean []float64, n, D int) {
	_, b := v.Dims()
	z.Reset()
	z.ReuseAs(D, b)
	z.Zero()
	for lo := 0; lo < n; lo += pcaBlockRows {
		m := min(pcaBlockRows, n-lo)
		xb := block.Slice(0, m, 0, D).(*mat.Dense)
		raw := xb.RawMatrix()
		for s := 0; s < m; s++ {
			dst := raw.Data[s*raw.Stride : s*raw.Stride+D]
			for c, x := range data[(lo+s)*D : (lo+s+1)*D] {
				dst[c] = float64(x) - mean[c]
			}
		}
		y.Reset()
		y.Mul(xb, v)
		w.Reset()
		w.Mul(xb.T(), y)
		z.Add(z, w)
	}
}

// orthonormalize replaces the columns of a by an orthonormal basis of their span: classical
// Gram–Schmidt applied twice ("twice is enough", Giraud et al., Numer. Math. 2005). A column
// that vanishes (rank-deficient data) is replaced by a random one from rng.
func orthonormalize(a *mat.Dense, rng *rand.Rand) {
	_, c := a.Dims()
	cols := make([][]float64, c)
	for j := range cols {
		cols[j] = mat.Col(nil, j, a)
		for try := 0; ; try++ {
			before := norm(cols[j])
			for pass := 0; pass < 2; pass++ {
				for _, u := range cols[:j] {
					axpy(-dot(cols[j], u), u, cols[j])
				}
			}
			if after := norm(cols[j]); after > 1e-10*before && after > 0 || try == 3 {
				break
			}
			cols[j] = gaussian(rng, len(cols[j]))
		}
		scale(1/norm(cols[j]), cols[j])
		a.SetCol(j, cols[j])
	}
}
