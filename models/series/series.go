package series

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/surfscope/surfscope/internal/atomicfile"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/provenance"
)

// IndexName is the index file's name in a series folder; Format is its format tag.
const (
	IndexName = "series.json"
	Format    = "surfscope-series/1"
)

// maxIndexBytes bounds the index file that Read accepts (a million checkpoints is about 200 MB;
// a series has at most a few thousand).
const maxIndexBytes = 64 << 20

// Index is a series folder's index file.
type Index struct {
	// Provenance is the record of the train command that wrote the series (the run that resumed
	// it, for a resumed one), the first key of the file; each checkpoint carries it too.
	Provenance  *provenance.Record `json:"provenance,omitempty"`
	Format      string             `json:"format"`      // Format
	Data        string             `json:"data"`        // the data set trained on, as given to train --data
	Images      int                `json:"images"`      // training images
	Arch        map[string]string  `json:"arch"`        // the architecture (models.Net.Arch)
	Every       int                `json:"every"`       // a checkpoint every Every epochs, and the run's last epoch
	Checkpoints []Entry            `json:"checkpoints"` // by epoch, increasing
}

// Entry is one checkpoint of a series and the net's measurements after its epoch (as
// train.EpochStats has them: accuracies in [0,1], mean cross-entropy losses; test values are zero
// without test data).
type Entry struct {
	Epoch     int       `json:"epoch"`
	File      string    `json:"file"` // name in the series folder
	TrainLoss float64   `json:"train_loss"`
	TrainAcc  float64   `json:"train_acc"`
	TestLoss  float64   `json:"test_loss"`
	TestAcc   float64   `json:"test_acc"`
	Seconds   float64   `json:"seconds"` // training time of the run up to this epoch, measurements included
	Time      time.Time `json:"time"`    // when the checkpoint was written
}

// FileName is the name of the checkpoint of epoch in a series folder.
func FileName(epoch int) string { return fmt.Sprintf("epoch-%04d.safetensors", epoch) }

// Read reads the index of the series in folder dir and checks it: format, epochs increasing,
// file names inside the folder, every file present. Errors name the index file.
func Read(dir string) (*Index, error) {
	path := filepath.Join(dir, IndexName)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("series: %s is not a checkpoint series: no %s", dir, IndexName)
	}
	b, err := inputfile.ReadAll(path, maxIndexBytes)
	if err != nil {
		return nil, fmt.Errorf("series: %v", err)
	}
	var ix Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("series: %s: %v", path, err)
	}
	if err := ix.check(dir); err != nil {
		return nil, fmt.Errorf("series: %s: %v", path, err)
	}
	return &ix, nil
}

func (ix *Index) check(dir string) error {
	if ix.Format != Format {
		return fmt.Errorf("format %q, want %q", ix.Format, Format)
	}
	for i, e := range ix.Checkpoints {
		if i > 0 && e.Epoch <= ix.Checkpoints[i-1].Epoch || e.Epoch < 0 {
			return fmt.Errorf("checkpoint %d: epoch %d does not follow epoch %d", i, e.Epoch, ix.Checkpoints[max(i-1, 0)].Epoch)
		}
		if e.File == "" || e.File != filepath.Base(e.File) || e.File == "." || e.File == ".." {
			return fmt.Errorf("checkpoint %d: file %q is not a name in the folder", i, e.File)
		}
		if fi, err := os.Stat(filepath.Join(dir, e.File)); err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("checkpoint of epoch %d: %s is missing or not a regular file", e.Epoch, e.File)
		}
	}
	return nil
}

// Path is the file of checkpoint i of the series in folder dir.
func (ix *Index) Path(dir string, i int) string { return filepath.Join(dir, ix.Checkpoints[i].File) }

// Load loads checkpoint i of the series in folder dir.
func (ix *Index) Load(dir string, i int) (*models.Net, error) { return models.Load(ix.Path(dir, i)) }

// Writer adds checkpoints to a series folder.
type Writer struct {
	dir   string
	index Index
}

// NewWriter starts a series in folder dir (created if missing) described by ix (its Checkpoints
// are ignored). A folder that already holds a series is an error unless resume is set: then the
// series continues, and the first Add drops the entries from its epoch on.
func NewWriter(dir string, ix Index, resume bool) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("series: %v", err)
	}
	ix.Format, ix.Checkpoints = Format, nil
	if fileExists(filepath.Join(dir, IndexName)) {
		old, err := Read(dir)
		if err != nil {
			return nil, err
		}
		if !resume {
			return nil, fmt.Errorf("series: %s already holds a series of %d checkpoints; choose another folder or remove it", dir, len(old.Checkpoints))
		}
		ix.Checkpoints = old.Checkpoints
	}
	return &Writer{dir: dir, index: ix}, nil
}

func fileExists(p string) bool { _, err := os.Lstat(p); return err == nil }

// Add writes net as the checkpoint of e.Epoch (e.File is set to its name) and the index that
// lists it; entries of e.Epoch and later epochs that a resumed run left are replaced.
func (w *Writer) Add(net *models.Net, e Entry) error {
	e.File = FileName(e.Epoch)
	if err := models.Save(filepath.Join(w.dir, e.File), net); err != nil {
		return err
	}
	keep := slices.IndexFunc(w.index.Checkpoints, func(c Entry) bool { return c.Epoch >= e.Epoch })
	if keep >= 0 {
		w.index.Checkpoints = w.index.Checkpoints[:keep]
	}
	w.index.Checkpoints = append(w.index.Checkpoints, e)
	b, err := json.MarshalIndent(w.index, "", "  ")
	if err != nil {
		return fmt.Errorf("series: %v", err)
	}
	return atomicfile.Write(filepath.Join(w.dir, IndexName), func(out io.Writer) error {
		_, err := out.Write(append(b, '\n'))
		return err
	})
}

// Index returns the index as written so far.
func (w *Writer) Index() Index { return w.index }
