package provenance

import (
	"bufio"
	"io"
	"strings"
)

// CSVPrefix starts every provenance line of a CSV file.
const CSVPrefix = "# "

// WriteCSVComments writes r as comment lines "# key: value" (Text). A CSV file carries them right
// after its row of column names, where every common reader skips them: numpy.genfromtxt with
// names=True, numpy.loadtxt with skiprows=1, pandas.read_csv and R's read.csv with comment="#".
// (Before the column names, genfromtxt would take the first comment for the names.)
func WriteCSVComments(w io.Writer, r Record) error {
	var b strings.Builder
	for _, line := range strings.SplitAfter(r.Text(), "\n") {
		if line != "" {
			b.WriteString(CSVPrefix + line)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxCSVHeader bounds the lines ReadCSV reads.
const maxCSVHeader = 1 << 20

// ReadCSV returns the provenance in the "# key: value" lines after a CSV file's column names (or
// before them); a file without any is a zero Record and no error.
func ReadCSV(r io.Reader) (Record, error) {
	br := bufio.NewReader(io.LimitReader(r, maxCSVHeader))
	var text strings.Builder
	for n := 0; ; n++ {
		line, err := br.ReadString('\n')
		if strings.HasPrefix(line, "#") {
			text.WriteString(line)
		} else if n > 0 || line == "" {
			break // the first data row, or the end
		}
		if err != nil {
			break
		}
	}
	return ParseText(text.String(), CSVPrefix)
}

// isCSVWithComments reports whether a file starting with head is a CSV file with provenance
// comments: a first line and then a line "# surfscope: ".
func isCSVWithComments(head []byte) bool {
	first, rest, ok := strings.Cut(string(head), "\n")
	return ok && !strings.HasPrefix(first, "#") && strings.HasPrefix(rest, CSVPrefix+"surfscope: ")
}
