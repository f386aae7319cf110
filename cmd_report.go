package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"poolbench/compare/results"
	"poolbench/report"
)

const reportUsage = `usage: poolbench report [--out DIR] results/results.json
       poolbench report --out DIR A/results.json B/results.json ...
       poolbench report --agree A/results.json B/results.json

Renders a saved run as REPORT.md, report.html and charts/*.svg. Given several runs (from
different machines, or different GOMAXPROCS), renders one report that sets their
throughput side by side and then shows each run in full. With --agree, prints which
throughput figures' 95% intervals do not overlap between two runs and which verdicts
changed, with how many agree.`

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "folder for REPORT.md, report.html and charts/ (default for one run: the folder holding its JSON; required for several)")
	agree := fs.Bool("agree", false, "compare two runs instead of rendering them")
	fs.Usage = func() {
		fmt.Fprintln(stderr, reportUsage)
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	// Flags may come before or after the files.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return flagError(err)
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case *agree && len(files) != 2:
		fs.Usage()
		return usagef("report: --agree wants two results files, got %d", len(files))
	case *agree && *out != "":
		fs.Usage()
		return usagef("report: --agree prints and renders nothing: drop --out")
	case len(files) == 0:
		fs.Usage()
		return usagef("report: want a results file")
	case len(files) > 1 && !*agree && *out == "":
		fs.Usage()
		return usagef("report: --out is required with %d results files, so that no run's own report is overwritten", len(files))
	}
	var runs []*results.Results
	for _, f := range files {
		res, err := results.Read(f)
		if err != nil {
			return err
		}
		runs = append(runs, res)
	}
	switch {
	case *agree:
		return report.Agree(runs[0], runs[1]).WriteText(stdout)
	case len(runs) > 1:
		if err := report.RenderRuns(runs, *out); err != nil {
			return err
		}
		return wrote(stdout, *out)
	}
	dir := *out
	if dir == "" {
		dir = filepath.Dir(files[0])
	}
	return renderReport(runs[0], dir, stdout)
}

// renderReport renders res into dir and says where the report is.
func renderReport(res *results.Results, dir string, stdout io.Writer) error {
	if err := report.Render(res, dir); err != nil {
		return err
	}
	return wrote(stdout, dir)
}

// wrote says where the report in dir is.
func wrote(stdout io.Writer, dir string) error {
	_, err := fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(dir, report.MarkdownFile), filepath.Join(dir, report.HTMLFile))
	return err
}
