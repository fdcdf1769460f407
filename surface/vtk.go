package surface

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/provenance"
)

// VTKArray is a named array of values at the grid points of a VTK structured grid, Components
// values per point in the order of the grid (s fastest, then t), e.g. one Field or a Grid's logits.
type VTKArray struct {
	Name       string
	Components int // 0 means 1
	Values     []float32
}

// FieldArray returns the values of f as a one-component VTK array.
func FieldArray(name string, f *Field) VTKArray {
	v := make([]float32, 0, f.NX*f.NY)
	for j := 0; j < f.NY; j++ {
		for i := 0; i < f.NX; i++ {
			v = append(v, float32(f.Z(i, j)))
		}
	}
	return VTKArray{Name: name, Components: 1, Values: v}
}

// WriteVTS writes a surface as a VTK XML structured grid (.vts, "VTK User's Guide", Kitware,
// §19.3 "XML File Formats"), which ParaView and VisIt open: the points are (X(i), Y(j), Z(i,j)) of
// height (a field of zeros gives a flat sheet), arrays become point data (the first one active
// for colouring), and rec's provenance the grid's field data (provenance.WriteVTKFieldData; none
// for a zero rec). The file is written to a temporary file and renamed into place. It returns an
// error for an array whose size does not fit the grid.
func WriteVTS(path string, rec provenance.Record, height *Field, arrays ...VTKArray) error {
	if height == nil {
		panic("surface: WriteVTS without a height field")
	}
	for _, a := range arrays {
		c := max(a.Components, 1)
		if len(a.Values) != height.NX*height.NY*c {
			return fmt.Errorf("surface: %s: VTK array %q has %d values, the %dx%d grid needs %d", path, a.Name, len(a.Values), height.NX, height.NY, height.NX*height.NY*c)
		}
	}
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeVTS(w, rec, height, arrays...) })
}

// EncodeVTS writes the .vts document of WriteVTS to w (ASCII data, big enough grids stay readable).
func EncodeVTS(w io.Writer, rec provenance.Record, height *Field, arrays ...VTKArray) error {
	bw := bufio.NewWriter(w)
	nx, ny := height.NX, height.NY
	extent := fmt.Sprintf("0 %d 0 %d 0 0", nx-1, ny-1)
	fmt.Fprintf(bw, "<?xml version=\"1.0\"?>\n<VTKFile type=\"StructuredGrid\" version=\"0.1\" byte_order=\"LittleEndian\">\n")
	fmt.Fprintf(bw, "  <StructuredGrid WholeExtent=\"%s\">\n", extent)
	if !rec.IsZero() {
		if err := provenance.WriteVTKFieldData(bw, rec, "    "); err != nil {
			return err
		}
	}
	fmt.Fprintf(bw, "    <Piece Extent=\"%s\">\n", extent)
	if len(arrays) > 0 {
		fmt.Fprintf(bw, "      <PointData Scalars=\"%s\">\n", xmlAttr(arrays[0].Name))
		for _, a := range arrays {
			fmt.Fprintf(bw, "        <DataArray type=\"Float32\" Name=\"%s\" NumberOfComponents=\"%d\" format=\"ascii\">\n", xmlAttr(a.Name), max(a.Components, 1))
			writeFloats(bw, a.Values, max(a.Components, 1)*8)
			fmt.Fprintf(bw, "        </DataArray>\n")
		}
		fmt.Fprintf(bw, "      </PointData>\n")
	}
	fmt.Fprintf(bw, "      <Points>\n        <DataArray type=\"Float64\" NumberOfComponents=\"3\" format=\"ascii\">\n")
	pts := make([]float64, 0, 3*nx*ny)
	for j := 0; j < ny; j++ {
		for i := 0; i < nx; i++ {
			pts = append(pts, height.X(i), height.Y(j), height.Z(i, j))
		}
	}
	for k := 0; k < len(pts); k += 3 {
		bw.WriteString("          ")
		for c := 0; c < 3; c++ {
			v := pts[k+c]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0 // VTK readers reject non-finite coordinates; NaN heights sit at 0
			}
			bw.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			bw.WriteByte(' ')
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "        </DataArray>\n      </Points>\n    </Piece>\n  </StructuredGrid>\n</VTKFile>\n")
	return bw.Flush()
}

func writeFloats(bw *bufio.Writer, v []float32, perLine int) {
	for k, x := range v {
		if k%perLine == 0 {
			if k > 0 {
				bw.WriteByte('\n')
			}
			bw.WriteString("          ")
		} else {
			bw.WriteByte(' ')
		}
		if math.IsNaN(float64(x)) {
			bw.WriteString("nan")
			continue
		}
		bw.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
	}
	bw.WriteByte('\n')
}

// xmlAttr escapes s for a double-quoted XML attribute.
func xmlAttr(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			out = append(out, "&amp;"...)
		case '<':
			out = append(out, "&lt;"...)
		case '"':
			out = append(out, "&quot;"...)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
