package server

// WithPanicPath returns opts with a route at path whose handler panics. It exists only in
// tests, so the CLI cannot reach it.
func WithPanicPath(opts Options, path string) Options {
	opts.panicPath = path
	return opts
}
