package modelfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"

	"github.com/surfscope/surfscope/assets/defaultmodel"
	"github.com/surfscope/surfscope/internal/inputfile"
	"github.com/surfscope/surfscope/models"
	"github.com/surfscope/surfscope/provenance"
)

// Identify returns what names the model path for provenance: the path made absolute (Embedded for
// the embedded model) and the SHA-256 of the file's bytes (of the embedded checkpoint's). It reads
// the whole file; errors name it.
func Identify(path string) (provenance.Model, error) {
	if IsEmbedded(path) {
		sum := sha256.Sum256(defaultmodel.Safetensors)
		return provenance.Model{Path: Embedded, SHA256: hex.EncodeToString(sum[:])}, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return provenance.Model{}, fmt.Errorf("%s: %v", path, err)
	}
	f, err := inputfile.Open(path)
	if err != nil {
		return provenance.Model{}, err
	}
	defer f.Close() // read-only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return provenance.Model{}, fmt.Errorf("%s: %v", path, err)
	}
	return provenance.Model{Path: abs, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// IdentifyUnsaved returns what names a net that was never saved (trained in the app): the path
// provenance.Unsaved and the SHA-256 of the checkpoint it would be saved as (models.Encode).
func IdentifyUnsaved(net *models.Net) (provenance.Model, error) {
	h := sha256.New()
	if err := models.Encode(h, net); err != nil {
		return provenance.Model{}, err
	}
	return provenance.Model{Path: provenance.Unsaved, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
