// Command poolbench compares Go worker pools: the same web server, benchmarks and shutdown
// probes on a hand-written pool and on every library in package pools.
//
// Usage:
//
//	poolbench pools      list the executors, their libraries, versions and native calls
//	poolbench serve      the book's web server on any executor (--pool=NAME) or net/http
//	poolbench compare    run the studies and write results/results.json and the report
//	poolbench report     render a saved results.json as REPORT.md, report.html and charts
//	poolbench probe      run shutdown-robustness probes on one executor, each in a child process
//
// Each subcommand takes -h for its flags. A usage error exits 2, a failure 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"poolbench/pools"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		// The first SIGINT or SIGTERM stops poolbench gracefully. signal.NotifyContext would
		// keep catching signals; Stop gives the next one its default action, ending
		// poolbench at once, and it does so before anyone sees ctx end.
		signal.Stop(sigs)
		cancel()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel()
	os.Exit(exitCode(err, os.Stderr))
}

// A command is one subcommand of poolbench.
type command struct {
	name, summary string
	hidden        bool
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{name: "pools", summary: "list the executors, their libraries, versions and native calls", run: runPools},
		{name: "serve", summary: "the book's web server on any executor, or net/http", run: runServe},
		{name: "compare", summary: "run the studies and write results.json and the report", run: runCompare},
		{name: "report", summary: "render a saved results.json as REPORT.md, report.html and charts", run: runReport},
		{name: "loadgen", summary: "HTTP load on one server, as JSON (the HTTP study's child)", hidden: true, run: runLoadgen},
		{name: "probe", summary: "run shutdown-robustness probes on one executor", run: runProbe},
		{name: "probe-child", hidden: true, run: runProbeChild},
	}
}

// usageError is a mistake in the command line; it exits 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitCode reports err on stderr and maps it to poolbench's exit status.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintln(stderr, "poolbench:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "poolbench:", err)
		return 1
	}
}

// run is poolbench with its command line, outputs and a context that ends on SIGINT/SIGTERM.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return usagef("no subcommand")
		}
		return flag.ErrHelp
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return usagef("unknown subcommand %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: poolbench <subcommand> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'poolbench <subcommand> -h' for its flags.")
}

// parseFlags parses args into fs, turning a bad flag or stray argument into a usageError.
// fs must use flag.ContinueOnError; it prints its own message and defaults to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// flagError turns a flag.FlagSet.Parse error into a usageError, keeping flag.ErrHelp.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return usageError{err}
}

func runPools(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("pools", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: poolbench pools\n\nLists every executor with its library's module and version (from the build info),\nthe native calls behind Submit and Shutdown, and the one behind Submit with\nserve --reject, or why the library has none.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMODULE\tVERSION\tSUBMIT\tSHUTDOWN\tREJECT")
	for _, name := range pools.Names() {
		in, err := pools.Describe(name)
		if err != nil {
			return err
		}
		reject := in.Reject
		if reject == "" {
			reject = "cannot: " + in.CannotReject
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", in.Name, in.Module, in.Version, in.Submit, in.Shutdown, reject)
	}
	return tw.Flush()
}
