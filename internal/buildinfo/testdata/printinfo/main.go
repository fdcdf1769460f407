// Command printinfo prints what package buildinfo reports, one value a line, for buildinfo's tests.
package main

import (
	"fmt"

	"github.com/surfscope/surfscope/internal/buildinfo"
)

func main() {
	fmt.Println(buildinfo.Version())
	fmt.Println(buildinfo.Commit())
	fmt.Println(buildinfo.BLAS())
	fmt.Println(buildinfo.String())
}
