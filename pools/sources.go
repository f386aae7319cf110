package pools

import (
	"embed"
	"io/fs"
)

// sources is embedded so that the ergonomics study can measure each adapter's glue, and
// check the custom pool's feature claims, from any working directory.
//
//go:embed *.go
var sources embed.FS

// Sources returns this package's Go files, tests included: the adapters whose glue the
// ergonomics study measures, in <executor>.go files.
func Sources() fs.FS { return sources }
