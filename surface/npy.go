package surface

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/provenance"
)

// WriteNPY writes data as a NumPy .npy file (format 1.0, little-endian float32, C order) with the
// given shape, through a temporary file renamed into place, then rec's provenance in the JSON
// sidecar provenance.SidecarPath(path) with the file's SHA-256 and shape (provenance.WriteSidecar;
// none for a zero rec, or for a path that is a device or a pipe).
func WriteNPY(path string, shape []int, data []float32, rec provenance.Record) error {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("surface: NPY shape %v does not hold %d values", shape, len(data)))
	}
	sum := sha256.New()
	err := atomicfile.Write(path, func(w io.Writer) error { return EncodeNPY(io.MultiWriter(w, sum), shape, data) })
	if err != nil || rec.IsZero() {
		return err
	}
	return provenance.WriteSidecar(path, rec, shape, sum.Sum(nil))
}

// EncodeNPY writes the .npy encoding of data with the given shape to w.
func EncodeNPY(w io.Writer, shape []int, data []float32) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", tuple)
	// Magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64.
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	bw := bufio.NewWriter(w)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(header)))
	bw.WriteString(header)
	var b [4]byte
	for _, v := range data {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		bw.Write(b[:])
	}
	return bw.Flush()
}

var npyShape = regexp.MustCompile(`'shape':\s*\(([0-9,\s]*)\)`)

// ReadNPY reads a little-endian float32 C-order .npy file as written by WriteNPY or numpy.save.
func ReadNPY(path string) (shape []int, data []float32, err error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	shape, data, err = DecodeNPY(bufio.NewReader(f))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return shape, data, nil
}

// DecodeNPY reads the .npy encoding of a float32 array from r.
func DecodeNPY(r io.Reader) (shape []int, data []float32, err error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil || string(pre[:6]) != "\x93NUMPY" {
		return nil, nil, fmt.Errorf("not an NPY file")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var l uint16
		err = binary.Read(r, binary.LittleEndian, &l)
		hlen = int(l)
	case 2, 3:
		var l uint32
		err = binary.Read(r, binary.LittleEndian, &l)
		hlen = int(l)
	default:
		return nil, nil, fmt.Errorf("NPY version %d not supported", pre[6])
	}
	if err != nil || hlen > 1<<20 {
		return nil, nil, fmt.Errorf("bad NPY header length")
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, nil, fmt.Errorf("truncated NPY header")
	}
	h := string(hb)
	if !strings.Contains(h, "'<f4'") || strings.Contains(h, "'fortran_order': True") {
		return nil, nil, fmt.Errorf("NPY header %q: only little-endian float32 in C order is read", strings.TrimSpace(h))
	}
	m := npyShape.FindStringSubmatch(h)
	if m == nil {
		return nil, nil, fmt.Errorf("NPY header %q has no shape", strings.TrimSpace(h))
	}
	n := 1
	for _, s := range strings.Split(m[1], ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		d, err := strconv.Atoi(s)
		if err != nil || d < 0 || d > 1<<31 {
			return nil, nil, fmt.Errorf("NPY shape %q", m[1])
		}
		shape = append(shape, d)
		n *= d
		if n > 1<<31 {
			return nil, nil, fmt.Errorf("NPY shape %q is too large", m[1])
		}
	}
	raw, rerr := io.ReadAll(io.LimitReader(r, int64(n)*4))
	if rerr != nil {
		return nil, nil, rerr
	}
	if len(raw) != n*4 {
		return nil, nil, fmt.Errorf("truncated NPY data: %d of %d bytes", len(raw), n*4)
	}
	data = make([]float32, n)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return shape, data, nil
}
