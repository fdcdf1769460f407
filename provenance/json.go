package provenance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// JSONKey is the key of the provenance block in JSON documents.
const JSONKey = "provenance"

// MarshalJSON returns v, which must encode as a JSON object, as indented JSON with r as its first
// key, "provenance". It is an error for v to be anything but an object, or to have a provenance
// key of its own.
func MarshalJSON(r Record, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("provenance: %T does not encode as a JSON object", v)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(body, &keys); err != nil {
		return nil, err
	}
	if _, taken := keys[JSONKey]; taken {
		return nil, fmt.Errorf("provenance: %T has a %q key of its own", v, JSONKey)
	}
	block, err := json.Marshal(map[string]Record{JSONKey: r})
	if err != nil {
		return nil, err
	}
	out := block
	if len(keys) > 0 {
		out = append(append(block[:len(block)-1:len(block)-1], ','), body[1:]...)
	}
	var b bytes.Buffer
	if err := json.Indent(&b, out, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// maxJSON bounds the JSON documents ReadJSON reads.
const maxJSON = 256 << 20

// ReadJSON returns the provenance block of a JSON document; a document without one (or one that
// is not an object) is a zero Record and no error.
func ReadJSON(r io.Reader) (Record, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return Record{}, err
	}
	if len(b) > maxJSON {
		return Record{}, fmt.Errorf("larger than %d bytes", maxJSON)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		if _, isType := err.(*json.UnmarshalTypeError); isType {
			return Record{}, nil // an array or a value: no block
		}
		return Record{}, fmt.Errorf("not JSON: %v", err)
	}
	raw, ok := doc[JSONKey]
	if !ok {
		return Record{}, nil
	}
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return Record{}, fmt.Errorf("provenance block: %v", err)
	}
	return rec, nil
}

// JSON returns r as one line of JSON, as checkpoints store it under MetaKey.
func (r Record) JSON() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic("provenance: " + err.Error()) // strings, finite numbers and lists always marshal
	}
	return string(b)
}

// ParseJSON reads a record from the JSON that Record.JSON writes.
func ParseJSON(s string) (Record, error) {
	var r Record
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return Record{}, fmt.Errorf("provenance %q: %v", s, err)
	}
	return r, nil
}
