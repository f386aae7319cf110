package compare

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Studies returns the name of every study, in report order.
func Studies() []string { return []string{"ergonomics", "throughput", "http", "shutdown"} }

// Options are what every study shares.
type Options struct {
	Pools    []string  // executors to study, from pools.Names()
	Quick    bool      // a first look: fewer samples, shorter loads
	Samples  int       // samples per cell; 0 means the study's default
	Exe      string    // the poolbench binary, for studies that run it as a child process
	Progress *Progress // nil reports nothing
}

// Run runs the named studies, in report order, into res. A study that fails does not stop
// the others: Run goes on, marks res partial and returns the failures joined. When ctx
// ends early, Run keeps what was measured, marks res partial and returns ctx's error.
func Run(ctx context.Context, studies []string, opts Options, res *Results) error {
	start := time.Now()
	defer func() { res.Env.Duration = time.Since(start).Round(time.Millisecond) }()
	for _, s := range studies {
		if !slices.Contains(Studies(), s) {
			return fmt.Errorf("compare: unknown study %q (known: %s)", s, strings.Join(Studies(), ", "))
		}
	}
	defer opts.Progress.Finish()
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
		opts.Progress.Study(k, len(studies))
		var err error
		switch s {
		case "ergonomics":
			res.Ergonomics, err = studyErgonomics(ctx, opts)
		case "throughput":
			res.Throughput, err = runThroughput(ctx, opts)
		case "http":
			res.HTTP, err = RunHTTP(ctx, opts, DefaultHTTPPlan(opts.Quick, opts.Samples))
		case "shutdown":
			res.Shutdown, err = RunShutdown(ctx, opts)
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
