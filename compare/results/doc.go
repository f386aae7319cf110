// Package results is the schema of results.json: everything one run of `poolbench compare`
// measured, with the environment and the rules it was measured under.
//
// Each study's package fills its part; package report reads it and nothing else, so a
// report re-rendered from an old file says what that run found under that run's rules. The
// schema is versioned: Read rejects a file of another Schema.
package results
