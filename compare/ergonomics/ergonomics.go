package ergonomics

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"poolbench/compare/results"
	"poolbench/examples"
	"poolbench/internal/study"
	"poolbench/pools"
)

// Jobs returns the five jobs, in report order. Each definition says what the job asks and
// what a library must do for its example to be native; an example that needs more says what
// in a "Workaround:" paragraph of its doc comment.
func Jobs() []results.Job {
	return []results.Job{
		{ID: "batch", Name: "batch", Definition: "Submit 100 tasks and wait until all of them have run. " +
			"Native: the library's own wait does it (a wait, a group's wait, or a shutdown that drains what it accepted)."},
		{ID: "bounded", Name: "load shedding", Definition: "One worker is busy; where the library keeps a bounded queue " +
			"it has room for one task. Two more submits follow: what does not fit must be refused at once, with an error " +
			"or false, neither blocking nor queueing without limit. Native: the library's own submit refuses. Where the " +
			"library has no queue, full means every worker busy, so the example shows a non-blocking submit and no bounded queue: " +
			"the matrix's bounded queue column says which libraries have one."},
		{ID: "shutdown", Name: "shutdown with a deadline", Definition: "A task is stuck; stop taking work and wait for " +
			"what was accepted, giving up after 10 ms. Native: the library's shutdown takes the deadline (a duration, " +
			"a context, or a channel a select can bound); a goroutine of the caller's around a wait that has none is a workaround."},
		{ID: "results", Name: "results or first error", Definition: "Square a batch: return its results in order, or " +
			"the first error a task returned. Writing each result to its own index is allowed to every library. Native: the " +
			"library waits for the batch and hands back its results or its first error, so the caller keeps no error of its own."},
		{ID: "panic", Name: "panic", Definition: "A task panics and another follows: the pool must live on, run the next " +
			"task, and let the caller learn of the panic. Native: the library recovers the panic and delivers it " +
			"(a handler, the task's error, or a panic again on the caller's goroutine); a recover the caller writes is a workaround."},
	}
}

// tolerance is how close to the fewest lines a library must be to tie for the simplest
// API: examples are written by hand, and a line or two, or a tenth, is style, not API.
const (
	tieRatio = 0.10
	tieLines = 2
)

// rules are the study's rules as results.json states them.
func rules() results.ErgonomicsRules {
	return results.ErgonomicsRules{
		Size: "Lines of a function body that hold code (not blank, not only a comment) and its Go tokens, " +
			"not counting the semicolons the compiler inserts at line ends.",
		ErrCheck: errCheckRule,
		Native:   "An example is native when the library alone does the job as the job's definition says; otherwise its doc comment says what it adds, after \"Workaround:\".",
		Proof: "Every yes names its proof: native examples of the library, or exported names of the library as pkg.Name or " +
			"pkg.Type.Member. The run checks each against the examples and the library's source at the version it was built with " +
			"(the package is found at the module's root, under a directory of its name, or deeper in a directory of its name); " +
			"a name the source does not declare, or an example that is a workaround, fails the run.",
		TieRatio: tieRatio,
		TieLines: tieLines,
		Tie: fmt.Sprintf("Simplest API: the fewest lines over the jobs, counted without error checks; a library within "+
			"%.0f%% or %d lines of the fewest, whichever is larger, ties with it.", tieRatio*100, tieLines),
	}
}

// Run reads the examples and the adapters from their embedded sources, measures
// them, and checks the feature matrix against each library's source at the version this
// binary was built with.
func Run(ctx context.Context, opts study.Options) (*results.Ergonomics, error) {
	return runWith(ctx, opts, matrix())
}

// runWith is Run with the matrix to check, so that tests can feed it
// a wrong one.
func runWith(ctx context.Context, opts study.Options, cells []results.Cell) (*results.Ergonomics, error) {
	libs := libraries(opts.Pools)
	opts.Step("ergonomics", len(libs)+2)
	exs, err := readExamples(examples.Sources(), libs)
	if err != nil {
		return nil, err
	}
	opts.Add(1)
	adapters, err := selected(opts.Pools)
	if err != nil {
		return nil, err
	}
	glue, err := readGlue(pools.Sources(), adapters)
	if err != nil {
		return nil, err
	}
	opts.Add(1)
	for _, c := range cells {
		if !slices.Contains(libraries(nil), c.Library) {
			return nil, fmt.Errorf("matrix: unknown library %q (known: %s)", c.Library, strings.Join(libraries(nil), ", "))
		}
	}
	erg := &results.Ergonomics{Rules: rules(), Jobs: Jobs(), Examples: exs, Glue: glue, Features: Features()}
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
		var mine []results.Cell
		for _, c := range cells {
			if c.Library == lib {
				mine = append(mine, c)
			}
		}
		if err := src.check(ctx, lib, mine, exs); err != nil {
			return nil, err
		}
		erg.Matrix = append(erg.Matrix, mine...)
		opts.Add(1)
	}
	return erg, nil
}

// libraries returns the executors that have examples, among those chosen (all when none are).
func libraries(chosen []string) []string {
	var libs []string
	for _, name := range pools.Names() {
		// The baseline is no library: there is nothing to write with.
		if name != "goroutines" && (len(chosen) == 0 || slices.Contains(chosen, name)) {
			libs = append(libs, name)
		}
	}
	return libs
}

// selected describes the executors of chosen (every one when empty), in pools.Names order.
func selected(chosen []string) ([]pools.Info, error) {
	var infos []pools.Info
	for _, name := range pools.Names() {
		if len(chosen) > 0 && !slices.Contains(chosen, name) {
			continue
		}
		in, err := pools.Describe(name)
		if err != nil {
			return nil, err
		}
		infos = append(infos, in)
	}
	return infos, nil
}

// summarise sums lib's examples and names its module and version.
func (s *librarySource) summarise(ctx context.Context, lib string, exs []results.Example) (results.LibrarySummary, error) {
	in, err := pools.Describe(lib)
	if err != nil {
		return results.LibrarySummary{}, err
	}
	sum := results.LibrarySummary{Library: lib, Module: in.Module, Version: in.Version}
	if in.Module != "poolbench" {
		m, err := s.module(ctx, in.Module)
		if err != nil {
			return results.LibrarySummary{}, err
		}
		sum.Version = m.Version
	}
	for _, e := range exs {
		if e.Library != lib {
			continue
		}
		sum.Size = sum.Size.Add(e.Size)
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
