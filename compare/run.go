package compare

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"poolbench/compare/ergonomics"
	"poolbench/compare/results"
	"poolbench/compare/shutdown"
	"poolbench/compare/throughput"
	"poolbench/compare/web"
	"poolbench/internal/stats"
	"poolbench/internal/study"
)

// Studies returns the name of every study, in report order.
func Studies() []string { return []string{"ergonomics", "throughput", "http", "overload", "shutdown"} }

// Options are what every study shares: the executors, the run's size, the poolbench binary
// for studies that start it as a child, and a Progress.
type Options = study.Options

// Run runs the named studies, in report order, into res. A study that fails does not stop
// the others: Run goes on, marks res partial and returns the failures joined. When ctx
// ends early, Run keeps what was measured, marks res partial and returns ctx's error.
func Run(ctx context.Context, studies []string, opts Options, res *results.Results) error {
	start := time.Now()
	defer func() { res.Env.Duration = time.Since(start).Round(time.Millisecond) }()
	for _, s := range studies {
		if !slices.Contains(Studies(), s) {
			return fmt.Errorf("compare: unknown study %q (known: %s)", s, strings.Join(Studies(), ", "))
		}
	}
	res.Rules = stats.Rules()
	if p, ok := opts.Progress.(*Progress); ok {
		defer p.Finish()
	}
	var errs []error
	k := 0
	for _, s := range Studies() {
		if !slices.Contains(studies, s) {
			continue
		}
		if err := ctx.Err(); err != nil {
			res.Partial = true
			return errors.Join(append(errs, err)...)
		}
		k++
		if p, ok := opts.Progress.(*Progress); ok {
			p.Study(k, len(studies))
		}
		var err error
		switch s {
		case "ergonomics":
			res.Ergonomics, err = ergonomics.Run(ctx, opts)
		case "throughput":
			res.Throughput, err = throughput.Run(ctx, opts)
		case "http":
			res.HTTP, err = web.Run(ctx, opts, web.DefaultPlan(opts.Quick, opts.Samples))
		case "overload":
			res.Overload, err = web.RunOverload(ctx, opts, web.DefaultOverloadPlan(opts.Quick))
		case "shutdown":
			res.Shutdown, err = shutdown.Run(ctx, opts)
		}
		if err != nil {
			res.Partial = true
			errs = append(errs, fmt.Errorf("compare: %s: %w", s, err))
			if ctx.Err() != nil {
				return errors.Join(errs...)
			}
		}
	}
	return errors.Join(errs...)
}
