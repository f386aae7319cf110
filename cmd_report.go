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

func runReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "", "folder for REPORT.md, report.html and charts/ (default: the folder holding the JSON)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: poolbench report [-out DIR] results/results.json\n\nRenders a saved run as REPORT.md, report.html and charts/*.svg.")
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usagef("report: want one results file, got %d arguments", fs.NArg())
	}
	res, err := results.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Dir(fs.Arg(0))
	}
	return renderReport(res, dir, stdout)
}

// renderReport renders res into dir and says where the report is.
func renderReport(res *results.Results, dir string, stdout io.Writer) error {
	if err := report.Render(res, dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s\n", filepath.Join(dir, report.MarkdownFile), filepath.Join(dir, report.HTMLFile))
	return nil
}
