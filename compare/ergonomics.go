package compare

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"poolbench/examples"
	"poolbench/pools"
)

// Ergonomics is what the ergonomics study measured: the same five jobs written with each
// library's own API (package examples), each adapter's glue in package pools, and a feature
// matrix whose every "yes" was checked against the library's source.
type Ergonomics struct {
	Jobs      []Job            `json:"jobs"`      // in report order
	Libraries []LibrarySummary `json:"libraries"` // in pools.Names order
	Examples  []Example        `json:"examples"`  // library by library, job by job
	Glue      []Glue           `json:"glue"`      // one per executor, in pools.Names order
	Features  []Feature        `json:"features"`  // the matrix's columns, in report order
	Matrix    []Cell           `json:"matrix"`    // library by library, feature by feature
}

// A Job is one of the common jobs every library's examples do.
type Job struct {
	ID   string `json:"id"` // the suffix of Example_<library>_<id>
	Name string `json:"name"`
}

// Jobs returns the five jobs, in report order.
func Jobs() []Job {
	return []Job{
		{"batch", "submit a batch and wait for all of it"},
		{"bounded", "a bounded queue that rejects work when full"},
		{"shutdown", "graceful shutdown with a deadline"},
		{"results", "collect results, or the first error"},
		{"panic", "survive a panicking task and learn of it"},
	}
}

// Size is how much code something takes: lines that hold code (not blank, not only a
// comment) and Go tokens, not counting the semicolons the compiler inserts at line ends.
type Size struct {
	Lines  int `json:"lines"`
	Tokens int `json:"tokens"`
}

// Example is one Example function of package examples, measured.
type Example struct {
	Library string `json:"library"` // executor name, as in pools.Names
	Job     string `json:"job"`     // Job.ID
	Name    string `json:"name"`    // Example_<library>_<job>
	File    string `json:"file"`    // examples/<library>_test.go
	// Workaround is the text of the doc comment's "Workaround:" line, empty when the example
	// uses the library natively.
	Workaround string `json:"workaround,omitempty"`
	Size       Size   `json:"size"` // of the function's body
	// Identifiers are the library's exported names the body selects, as pkg.Name, sorted.
	Identifiers []string `json:"identifiers"`
	Source      string   `json:"source"` // the function as written, doc comment included
}

// Native reports whether the example does its job with the library alone.
func (e Example) Native() bool { return e.Workaround == "" }

// LibrarySummary sums one library's five examples.
type LibrarySummary struct {
	Library     string   `json:"library"`
	Module      string   `json:"module"`
	Version     string   `json:"version"`
	Size        Size     `json:"size"`        // of the five bodies together
	Native      int      `json:"native"`      // examples that need no workaround
	Identifiers []string `json:"identifiers"` // distinct library names the examples use, sorted
}

// Glue is what an adapter in package pools adds around its library to meet the Executor
// contract: its constructor and methods. For custom it is the whole pool.
type Glue struct {
	Library     string   `json:"library"`
	File        string   `json:"file"`        // pools/<file>.go
	Type        string   `json:"type"`        // the adapter's type
	Funcs       []string `json:"funcs"`       // NewT and T's methods, in file order
	Size        Size     `json:"size"`        // of those declarations, doc comments excluded
	Identifiers []string `json:"identifiers"` // library names they select, sorted
	// Helpers are the package's unexported functions the adapter calls, directly or not,
	// such as waitFor, the deadline the contract needs around a wait that has none.
	Helpers    []string `json:"helpers,omitempty"`
	HelperSize Size     `json:"helper_size"`
}

// studyErgonomics reads the examples and the adapters from their embedded sources, measures
// them, and checks the feature matrix against each library's source at the version this
// binary was built with.
func studyErgonomics(ctx context.Context, opts Options) (*Ergonomics, error) {
	return measureErgonomics(ctx, opts, matrix())
}

// measureErgonomics is studyErgonomics with the matrix to check, so that tests can feed it
// a wrong one.
func measureErgonomics(ctx context.Context, opts Options, cells []Cell) (*Ergonomics, error) {
	libs := libraries(opts.Pools)
	opts.Progress.Step("ergonomics", len(libs)+2)
	exs, err := readExamples(examples.Sources(), libs)
	if err != nil {
		return nil, err
	}
	opts.Progress.Add(1)
	glue, err := readGlue(pools.Sources(), selected(opts.Pools))
	if err != nil {
		return nil, err
	}
	opts.Progress.Add(1)
	for _, c := range cells {
		if !slices.Contains(libraries(nil), c.Library) {
			return nil, fmt.Errorf("matrix: unknown library %q (known: %s)", c.Library, strings.Join(libraries(nil), ", "))
		}
	}
	erg := &Ergonomics{Jobs: Jobs(), Examples: exs, Glue: glue, Features: Features()}
	src := newLibrarySource()
	for _, lib := range libs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, err := src.summarise(ctx, lib, exs)
		if err != nil {
			return nil, err
		}
		erg.Libraries = append(erg.Libraries, sum)
		var mine []Cell
		for _, c := range cells {
			if c.Library == lib {
				mine = append(mine, c)
			}
		}
		if err := src.check(ctx, lib, mine, exs); err != nil {
			return nil, err
		}
		erg.Matrix = append(erg.Matrix, mine...)
		opts.Progress.Add(1)
	}
	return erg, nil
}

// libraries returns the executors that have examples, among those chosen (all when none are).
func libraries(chosen []string) []string {
	var libs []string
	for _, name := range selected(chosen) {
		if name != "goroutines" { // the baseline is no library: there is nothing to write with
			libs = append(libs, name)
		}
	}
	return libs
}

// selected returns pools.Names() filtered to chosen, or all of them when chosen is empty.
func selected(chosen []string) []string {
	if len(chosen) == 0 {
		return pools.Names()
	}
	var names []string
	for _, name := range pools.Names() {
		if slices.Contains(chosen, name) {
			names = append(names, name)
		}
	}
	return names
}

// summarise sums lib's examples and names its module and version.
func (s *librarySource) summarise(ctx context.Context, lib string, exs []Example) (LibrarySummary, error) {
	in, err := pools.Describe(lib)
	if err != nil {
		return LibrarySummary{}, err
	}
	sum := LibrarySummary{Library: lib, Module: in.Module, Version: in.Version}
	if in.Module != "poolbench" {
		m, err := s.module(ctx, in.Module)
		if err != nil {
			return LibrarySummary{}, err
		}
		sum.Version = m.Version
	}
	for _, e := range exs {
		if e.Library != lib {
			continue
		}
		sum.Size.Lines += e.Size.Lines
		sum.Size.Tokens += e.Size.Tokens
		if e.Native() {
			sum.Native++
		}
		for _, id := range e.Identifiers {
			if !slices.Contains(sum.Identifiers, id) {
				sum.Identifiers = append(sum.Identifiers, id)
			}
		}
	}
	slices.Sort(sum.Identifiers)
	return sum, nil
}
