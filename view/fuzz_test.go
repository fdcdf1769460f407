package view

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseJSON: a session file (the app's view state as JSON) is a valid State or an error,
// never a panic; a State that parses gives itself back through its flags (Args, ParseArgs) and
// through JSON.
func FuzzParseJSON(f *testing.F) {
	def, _ := json.Marshal(Default())
	f.Add(def)
	f.Add([]byte(`{"probe":"flip:3,1","grid":4097,"camera":{"yaw":1e400}}`))
	f.Add([]byte(`{"width":16384,"height":16384,"samples":16,"color_min":1,"color_max":0}`))
	f.Add([]byte(`{"margin":-1,"from":"NaN"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseJSON(b)
		if err != nil {
			return
		}
		roundTrip(t, s)
	})
}

// FuzzParseArgs: the flags of `surfscope render` (one argument per line) are a valid State or an
// error, never a panic; what parses gives itself back.
func FuzzParseArgs(f *testing.F) {
	f.Add(strings.Join(Default().Args(), "\n"))
	f.Add("--probe\nmixup:1,2\n--from\n-0.5\n--to\n1.5\n--camera\n1,2,3,4,5,6,7")
	f.Add("--color-range\n3,1")
	f.Add("--camera\nNaN,0,1")
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseArgs(strings.Split(text, "\n"))
		if err != nil {
			return
		}
		roundTrip(t, s)
	})
}

func roundTrip(t *testing.T, s State) {
	t.Helper()
	back, err := ParseArgs(s.Args())
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Fatalf("%+v\nthrough its flags %q: %+v, %v", s, s.Args(), back, err)
	}
	for _, text := range []string{s.Model, s.Data, s.Split, s.Probe, s.Metric, s.View, s.Colormap, s.Theme} {
		if !utf8.ValidString(text) {
			return // JSON strings are UTF-8: encoding/json writes U+FFFD for a stray byte
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	back, err = ParseJSON(b)
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Fatalf("%+v\nthrough JSON %s: %+v, %v", s, b, back, err)
	}
	_ = s.CommandLine("shot.png")
}
