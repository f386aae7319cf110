package examples

import (
	"embed"
	"io/fs"
)

// sources is embedded so that the study finds the examples from any working directory.
//
//go:embed *_test.go
var sources embed.FS

// Sources returns the example files, one per library, as <library>_test.go, beside
// examples_test.go, which holds what they share.
func Sources() fs.FS { return sources }
