package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"poolbench/compare/shutdown"
	"poolbench/pools"
)

// runProbe is `poolbench probe`: the shutdown probes on one executor, for a person to watch
// or, with --json, for a script.
func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	pool := fs.String("pool", "custom", "executor to probe: "+strings.Join(pools.Names(), ", "))
	probe := fs.String("probe", "all", "probe to run, or all: "+strings.Join(shutdown.Probes(), ", "))
	asJSON := fs.Bool("json", false, `print one JSON object per probe per line: {"pool","probe","word","detail","defect","rounds","counts","rates","deadline","evidence"}`)
	quick := fs.Bool("quick", false, "fewer rounds for the probes that run many")
	rounds := fs.Int("rounds", 1, "multiply every probe's rounds by `N`, to soak for a rare event")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: poolbench probe [flags]\n\nRuns shutdown-robustness probes on one executor, each in a child process with a\nhard timeout, and prints each probe's verdict with its evidence.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !slices.Contains(pools.Names(), *pool) {
		return usagef("-pool: unknown %q (known: %s)", *pool, strings.Join(pools.Names(), ", "))
	}
	if *rounds < 1 {
		return usagef("-rounds = %d; want >= 1", *rounds)
	}
	ids := shutdown.Probes()
	if *probe != "all" {
		if !slices.Contains(ids, *probe) {
			return usagef("-probe: unknown %q (known: all, %s)", *probe, strings.Join(ids, ", "))
		}
		ids = []string{*probe}
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("probe: finding poolbench's own binary: %w", err)
	}
	enc := json.NewEncoder(stdout)
	for _, id := range ids {
		v, err := shutdown.RunProbe(ctx, *pool, id, shutdown.ProbeOptions{Exe: exe, Quick: *quick, Soak: *rounds})
		if err != nil {
			return err
		}
		if *asJSON {
			if err := enc.Encode(v); err != nil {
				return fmt.Errorf("probe: %w", err)
			}
			continue
		}
		word := v.String()
		if v.Deadline == pools.DeadlineAdapter {
			word += " (the deadline is the adapter's)"
		}
		if _, err := fmt.Fprintf(stdout, "%-10s %-19s %s\n    %s\n", v.Pool, v.Probe, word, v.Evidence); err != nil {
			return fmt.Errorf("probe: %w", err)
		}
	}
	return nil
}

// runProbeChild is the hidden `poolbench probe-child`: one probe's rounds inside the child
// process that `poolbench probe` and `poolbench compare` start.
func runProbeChild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("probe-child", flag.ContinueOnError)
	pool := fs.String("pool", "", "executor")
	probe := fs.String("probe", "", "probe id")
	rounds := fs.Int("rounds", 0, "rounds (0: the probe's default)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	return shutdown.RunChild(ctx, *probe, *rounds, func(cfg pools.Config) (pools.Executor, error) {
		return pools.New(*pool, cfg)
	}, stdout)
}
