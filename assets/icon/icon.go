// Package icon embeds surfscope's application icon: a lit viridis surface drawn by surfscope's own
// renderer (`go generate` remakes it).
package icon

import _ "embed"

//go:generate go run ./gen -out icon.png

// PNG is the 512x512 icon.
//
//go:embed icon.png
var PNG []byte
