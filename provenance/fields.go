package provenance

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Field is one key and value of a record's flat form.
type Field struct {
	Key, Value string
}

// Fields returns the record's flat form, the fields that are set in the order of Record. Keys are
// the JSON names; the models are "model" and "model_sha256", then "model_2", "model_2_sha256", …;
// lists are comma-separated ("grid": "64,64", "s": "-0.5,1.5").
func (r Record) Fields() []Field {
	var out []Field
	add := func(k, v string) {
		if v != "" {
			out = append(out, Field{k, v})
		}
	}
	add("surfscope", r.Surfscope)
	add("commit", r.Commit)
	add("go", r.Go)
	add("blas", r.BLAS)
	add("time", r.Time)
	add("command", r.Command)
	add("action", r.Action)
	for i, m := range r.Models {
		k := "model"
		if i > 0 {
			k += "_" + strconv.Itoa(i+1)
		}
		add(k, m.Path)
		add(k+"_sha256", m.SHA256)
	}
	add("data", r.Data)
	add("split", r.Split)
	add("probe", r.Probe)
	if r.Seed != nil {
		add("seed", strconv.FormatUint(*r.Seed, 10))
	}
	add("grid", joinInts(r.Grid))
	add("s", joinFloats(r.S))
	add("t", joinFloats(r.T))
	add("metric", r.Metric)
	if r.Class != nil {
		add("class", strconv.Itoa(*r.Class))
	}
	add("renderer", r.Renderer)
	return out
}

// FromFields reads a record from its flat form. Unknown keys are ignored (a newer surfscope may
// write more); a value that does not parse is an error naming its key.
func FromFields(fields []Field) (Record, error) {
	var r Record
	models := map[int]*Model{}
	for _, f := range fields {
		if err := r.setField(f, models); err != nil {
			return Record{}, fmt.Errorf("provenance field %s %q: %v", f.Key, f.Value, err)
		}
	}
	for i := 1; models[i] != nil; i++ {
		r.Models = append(r.Models, *models[i])
	}
	return r, nil
}

func (r *Record) setField(f Field, models map[int]*Model) error {
	var err error
	switch f.Key {
	case "surfscope":
		r.Surfscope = f.Value
	case "commit":
		r.Commit = f.Value
	case "go":
		r.Go = f.Value
	case "blas":
		r.BLAS = f.Value
	case "time":
		r.Time = f.Value
	case "command":
		r.Command = f.Value
	case "action":
		r.Action = f.Value
	case "data":
		r.Data = f.Value
	case "split":
		r.Split = f.Value
	case "probe":
		r.Probe = f.Value
	case "metric":
		r.Metric = f.Value
	case "renderer":
		r.Renderer = f.Value
	case "seed":
		var v uint64
		v, err = strconv.ParseUint(f.Value, 10, 64)
		r.Seed = &v
	case "class":
		var v int
		v, err = strconv.Atoi(f.Value)
		r.Class = &v
	case "grid":
		r.Grid, err = splitInts(f.Value)
	case "s":
		r.S, err = splitFloats(f.Value)
	case "t":
		r.T, err = splitFloats(f.Value)
	default:
		return setModelField(f, models)
	}
	return err
}

// setModelField reads model, model_sha256, model_N and model_N_sha256; other keys are ignored.
func setModelField(f Field, models map[int]*Model) error {
	rest, ok := strings.CutPrefix(f.Key, "model")
	if !ok {
		return nil
	}
	rest, hash := strings.CutSuffix(rest, "_sha256")
	i := 1
	if rest != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(rest, "_"))
		if err != nil || !strings.HasPrefix(rest, "_") || n < 2 || n > 1<<16 {
			return nil // not a model key
		}
		i = n
	}
	if models[i] == nil {
		models[i] = &Model{}
	}
	if hash {
		models[i].SHA256 = f.Value
	} else {
		models[i].Path = f.Value
	}
	return nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func joinFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}

func splitInts(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, v)
	}
	return out, nil
}

func splitFloats(s string) ([]float64, error) {
	var out []float64
	for _, p := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		out = append(out, v)
	}
	return out, nil
}

// Text returns the record's flat form as "key: value" lines. A value with anything but printable
// ASCII, or with spaces at either end, or starting with a double quote, is written as a JSON string
// with \u escapes (QuoteValue), so that the text is ASCII and one line per field.
func (r Record) Text() string {
	var b strings.Builder
	for _, f := range r.Fields() {
		b.WriteString(f.Key + ": " + QuoteValue(f.Value) + "\n")
	}
	return b.String()
}

// QuoteValue returns v unchanged when it is printable ASCII without spaces at either end and does
// not start with a double quote, else as a JSON string of ASCII characters (\uXXXX escapes; bytes
// that are not UTF-8 become U+FFFD). UnquoteValue undoes it; so does Python's json.loads.
func QuoteValue(v string) string {
	plain := v == strings.TrimSpace(v) && !strings.HasPrefix(v, `"`)
	for i := 0; i < len(v) && plain; i++ {
		plain = v[i] >= 0x20 && v[i] < 0x7f
	}
	if plain {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range v {
		switch {
		case c == '"' || c == '\\':
			b.WriteString(`\` + string(c))
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c >= 0x7f:
			if c > 0xffff {
				hi, lo := utf16.EncodeRune(c)
				fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(&b, `\u%04x`, c)
			}
		default:
			b.WriteRune(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// UnquoteValue undoes QuoteValue: a value starting with a double quote is read as a JSON string.
func UnquoteValue(v string) (string, error) {
	if !strings.HasPrefix(v, `"`) {
		return v, nil
	}
	var s string
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return "", fmt.Errorf("%s is not a quoted string", v)
	}
	return s, nil
}

// ParseText reads the "key: value" lines Text writes, skipping blank lines; prefix, when not
// empty, is removed from the start of every line first ("# " for CSV comments).
func ParseText(text, prefix string) (Record, error) {
	var fields []Field
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(strings.TrimPrefix(line, prefix), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			return Record{}, fmt.Errorf("provenance line %d %q is not key: value", n+1, line)
		}
		v, err := UnquoteValue(v)
		if err != nil {
			return Record{}, fmt.Errorf("provenance line %d: %v", n+1, err)
		}
		fields = append(fields, Field{k, v})
	}
	return FromFields(fields)
}
