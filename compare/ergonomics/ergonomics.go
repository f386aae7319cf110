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

// Jobs returns the five jobs, in report order.
func Jobs() []results.Job {
	return []results.Job{
		{ID: "batch", Name: "submit a batch and wait for all of it"},
		{ID: "bounded", Name: "a bounded queue that rejects work when full"},
		{ID: "shutdown", Name: "graceful shutdown with a deadline"},
		{ID: "results", Name: "collect results, or the first error"},
		{ID: "panic", Name: "survive a panicking task and learn of it"},
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
	erg := &results.Ergonomics{Jobs: Jobs(), Examples: exs, Glue: glue, Features: Features()}
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
