// Package report renders a poolbench compare run (results.Results) as the report people
// read: REPORT.md for GitHub, report.html as one self-contained page, and charts/*.svg.
// RenderRuns merges runs from several machines, or GOMAXPROCS values, into one report,
// and Agree says where two runs disagree.
//
// Every figure comes from the Results; rendering is deterministic, so the same results
// give the same bytes.
package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"poolbench/compare/results"
)

// The files Render writes into its folder.
const (
	MarkdownFile = "REPORT.md"
	HTMLFile     = "report.html"
	ChartsDir    = "charts"
)

// Render writes REPORT.md, report.html and charts/*.svg for res into dir.
func Render(res *results.Results, dir string) error {
	d, err := build(res)
	if err != nil {
		return err
	}
	return write(d, dir)
}

// write renders d into dir.
func write(d document, dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, ChartsDir), 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	var md, page bytes.Buffer
	if err := writeMarkdown(&md, d); err != nil {
		return err
	}
	if err := writeHTML(&page, d); err != nil {
		return err
	}
	files := map[string][]byte{MarkdownFile: md.Bytes(), HTMLFile: page.Bytes()}
	for _, c := range charts(d) {
		files[filepath.Join(ChartsDir, c.File)] = c.SVG
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	return nil
}

// charts lists every chart in d.
func charts(d document) []chart {
	var cs []chart
	for _, s := range d.Sections {
		for _, b := range s.Blocks {
			if c, ok := b.(chart); ok {
				cs = append(cs, c)
			}
		}
	}
	return cs
}

// build turns res into the report's document, section by section, in the report's order.
func build(res *results.Results) (document, error) {
	d := document{Title: "poolbench: Go worker pools compared"}
	for _, f := range []func(*results.Results) (section, error){
		envSection, summaryAtAGlance, executorsSection, ergonomicsSection, throughputSection, httpSection, overloadSection,
		robustnessSection, methodSection, reproduceSection,
	} {
		s, err := f(res)
		if err != nil {
			return document{}, err
		}
		d.Sections = append(d.Sections, s)
	}
	return d, nil
}

// notRun is the section body for a study the run did not include.
func notRun(study string) []block {
	return []block{para(fmt.Sprintf("This run did not include the %s study (`poolbench compare --studies=%s`).", study, study))}
}
