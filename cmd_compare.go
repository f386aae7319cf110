package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"poolbench/compare"
	"poolbench/compare/results"
	"poolbench/compare/throughput"
	"poolbench/pools"
)

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	poolList := fs.String("pools", strings.Join(pools.Names(), ","), "comma-separated executors to study")
	studyList := fs.String("studies", strings.Join(compare.Studies(), ","), "comma-separated studies to run")
	quick := fs.Bool("quick", false, "a first look: fewer samples and shorter loads")
	samples := fs.Int("samples", 0, "samples per cell (0: each study's default)")
	cpuList := fs.String("cpu", strconv.Itoa(runtime.GOMAXPROCS(0)), "comma-separated GOMAXPROCS values the throughput study runs at, like go test -cpu")
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
	procs, err := parseCPU(*cpuList)
	if err != nil {
		return err
	}
	if *rounds < 1 {
		return usagef("-rounds = %d; want >= 1", *rounds)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("compare: finding poolbench's own binary: %w", err)
	}
	res := results.Results{Schema: results.Schema, Env: compare.NewEnv(append([]string{"compare"}, args...))}
	opts := compare.Options{Pools: names, Quick: *quick, Samples: *samples, Procs: procs, Soak: *rounds, Exe: exe, Progress: compare.NewProgress(stderr)}
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

// parseCPU parses -cpu: distinct GOMAXPROCS values from 1 to throughput.LargePool (beyond
// it, the GOMAXPROCS-sized pools would outgrow the large pool they are compared with).
func parseCPU(value string) ([]int, error) {
	var procs []int
	for item := range strings.SplitSeq(value, ",") {
		item = strings.TrimSpace(item)
		n, err := strconv.Atoi(item)
		switch {
		case err != nil || n < 1:
			return nil, usagef("-cpu: %q is not a GOMAXPROCS value; want a positive integer", item)
		case n > throughput.LargePool:
			return nil, usagef("-cpu: %d exceeds %d, the large pool the GOMAXPROCS-sized pools are compared with", n, throughput.LargePool)
		case slices.Contains(procs, n):
			return nil, usagef("-cpu: %d is listed twice", n)
		}
		procs = append(procs, n)
	}
	return procs, nil
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
