package projection

import (
	"reflect"
	"testing"
)

// FuzzParseSpec: any text is a probe spec or an error, never a panic; a spec prints back to text
// that parses to the same spec.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"data:1,2,3", "mixup:0,9", "random:4,42", "flip:7,0", "grad:3,5", "pca", "pca:8",
		"mixup:5,5", "data:1,2,99999999999", "random: 4 ,42", "data:18446744073709551615,1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpec(s)
		if err != nil {
			return
		}
		back, err := ParseSpec(sp.String())
		if err != nil || !reflect.DeepEqual(back, sp) {
			t.Fatalf("%q parsed as %+v, printed as %q, parsed back as %+v, %v", s, sp, sp.String(), back, err)
		}
	})
}
