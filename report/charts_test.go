package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

func TestCharts(t *testing.T) {
	bars, err := barChart("bars.svg", "ns/task", "ns", []bar{{"a", 10, 9, 11}, {"b", 20, 18, 25}})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := lineChart("lines.svg", "latency", "percentile", "ms",
		[]series{{"a", plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 3}}}, {"b", plotter.XYs{{X: 0, Y: 2}, {X: 1, Y: 9}}}},
		[]plot.Tick{{Value: 0, Label: "p50"}, {Value: 1, Label: "p99"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []chart{bars, lines} {
		t.Run(c.File, func(t *testing.T) {
			if !bytes.HasPrefix(c.SVG, []byte("<svg")) {
				t.Errorf("SVG starts %q; want <svg with no XML declaration", c.SVG[:min(len(c.SVG), 20)])
			}
			if !bytes.Contains(c.SVG, []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")) {
				t.Error("SVG text is not set in Liberation Sans")
			}
			if bytes.Contains(c.SVG, []byte("Serif")) {
				t.Error("SVG has serif text")
			}
			d := xml.NewDecoder(bytes.NewReader(c.SVG))
			texts := 0
			for {
				tok, err := d.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v", err)
				}
				if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
					texts++
				}
			}
			if texts == 0 {
				t.Error("SVG has no text: axes and labels did not draw")
			}
		})
	}
}
