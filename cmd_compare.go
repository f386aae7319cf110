package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"poolbench/compare"
	"poolbench/compare/results"
	"poolbench/pools"
)

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	poolList := fs.String("pools", strings.Join(pools.Names(), ","), "comma-separated executors to study")
	studyList := fs.String("studies", strings.Join(compare.Studies(), ","), "comma-separated studies to run")
	quick := fs.Bool("quick", false, "a first look: fewer samples and shorter loads")
	samples := fs.Int("samples", 0, "samples per cell (0: each study's default)")
	rounds := fs.Int("rounds", 1, "multiply every shutdown probe's rounds by `N`, to soak for a rare event")
	out := fs.String("out", "results", "folder for results.json and the report")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: poolbench compare [flags]\n\nRuns the studies on every executor and writes DIR/results.json.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	names, err := splitList("pools", *poolList, pools.Names())
	if err != nil {
		return err
	}
	studies, err := splitList("studies", *studyList, compare.Studies())
	if err != nil {
		return err
	}
	if *samples < 0 {
		return usagef("-samples = %d; want >= 0", *samples)
	}
	if *rounds < 1 {
		return usagef("-rounds = %d; want >= 1", *rounds)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("compare: finding poolbench's own binary: %w", err)
	}
	res := results.Results{Schema: results.Schema, Env: compare.NewEnv(append([]string{"compare"}, args...))}
	opts := compare.Options{Pools: names, Quick: *quick, Samples: *samples, Soak: *rounds, Exe: exe, Progress: compare.NewProgress(stderr)}
	runErr := compare.Run(ctx, studies, opts, &res)
	if err := results.Write(*out, &res); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintf(stdout, "wrote %s\n", filepath.Join(*out, results.File))
	if err := renderReport(&res, *out, stdout); err != nil {
		return errors.Join(runErr, err)
	}
	return runErr
}

// splitList parses a comma-separated flag value, each item one of known.
func splitList(flagName, value string, known []string) ([]string, error) {
	var items []string
	for item := range strings.SplitSeq(value, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !slices.Contains(known, item) {
			return nil, usagef("-%s: unknown %q (known: %s)", flagName, item, strings.Join(known, ", "))
		}
		items = append(items, item)
	}
	if len(items) == 0 {
		return nil, usagef("-%s: empty list", flagName)
	}
	return items, nil
}
