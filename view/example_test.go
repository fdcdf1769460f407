package view_test

import (
	"fmt"

	"github.com/surfscope/surfscope/view"
)

// A State describes a picture; its command line draws the same picture headless, and parsing
// the flags gives the State back.
func ExampleState_CommandLine() {
	st := view.Default()
	st.Probe, st.Metric, st.View, st.Theme = "flip:4,1", "mirror difference", "heatmap", "dark"
	fmt.Println(st.CommandLine("mirror.png"))
	back, err := view.ParseArgs(st.Args())
	fmt.Println(back == st, err)
	// Output:
	// surfscope render --model embedded --data sample --probe flip:4,1 --metric 'mirror difference' --theme dark --view heatmap --out mirror.png
	// true <nil>
}
