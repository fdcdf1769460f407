package provenance

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// MetaKey is the key of a net's metadata (models.Net.Meta) under which a checkpoint carries its
// provenance as JSON (Record.JSON). A checkpoint stores the metadata as the JSON object "meta" of
// its safetensors header's __metadata__, so Python reads it as
// json.loads(json.loads(safe_open(path, "np").metadata()["meta"])["provenance"]).
const MetaKey = "provenance"

// maxSafetensorsHeader bounds the header ReadSafetensors reads (as models.Load does).
const maxSafetensorsHeader = 64 << 20

// ReadSafetensors returns the provenance in a surfscope checkpoint's metadata; a checkpoint
// without one is a zero Record and no error.
func ReadSafetensors(r io.Reader) (Record, error) {
	var n uint64
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return Record{}, errors.New("not a safetensors file")
	}
	if n < 2 || n > maxSafetensorsHeader {
		return Record{}, fmt.Errorf("not a safetensors file (header of %d bytes)", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return Record{}, errors.New("the safetensors header is truncated")
	}
	var header struct {
		Metadata map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(b, &header); err != nil {
		return Record{}, fmt.Errorf("safetensors header: %v", err)
	}
	metaJSON, ok := header.Metadata["meta"]
	if !ok {
		return Record{}, nil
	}
	var meta map[string]string
	if err := json.Unmarshal([]byte(metaJSON), &meta); err != nil {
		return Record{}, fmt.Errorf("checkpoint metadata: %v", err)
	}
	s, ok := meta[MetaKey]
	if !ok {
		return Record{}, nil
	}
	return ParseJSON(s)
}
