package report

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"poolbench/compare/results"
)

func TestCharts(t *testing.T) {
	bars, err := barChart("bars.svg", "ns/task", "ns", []bar{{Label: "a", Value: 10, Lo: 9, Hi: 11}, {Label: "b", Value: 20, Lo: 18, Hi: 25}})
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

func TestTickLabels(t *testing.T) {
	for _, tc := range []struct {
		format func(float64) string
		v      float64
		want   string
	}{
		{short, 25000, "25k"},
		{short, 17385, "17.4k"},
		{short, 1.2e6, "1.2M"},
		{short, 500, "500"},
		{short, 0.5, "0.5"},
		{short, 0, "0"},
		{millis, 0.5, "500 µs"},
		{millis, 1, "1 ms"},
		{millis, 20, "20 ms"},
		{millis, 1500, "1.5 s"},
	} {
		if got := tc.format(tc.v); got != tc.want {
			t.Errorf("format(%v) = %q; want %q", tc.v, got, tc.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		labels []string
	}{
		{"two decades label 1, 2 and 5", 5, 1000, []string{"5", "10", "20", "50", "100", "200", "500", "1k"}},
		{"four decades label powers of ten", 1, 10000, []string{"1", "10", "100", "1k", "10k"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var labels []string
			for _, tk := range (logTicks{short}).Ticks(tc.lo, tc.hi) {
				if tk.Value < tc.lo || tk.Value > tc.hi {
					t.Errorf("tick %v outside [%v, %v]", tk.Value, tc.lo, tc.hi)
				}
				if tk.Label != "" {
					labels = append(labels, tk.Label)
				}
			}
			if strings.Join(labels, " ") != strings.Join(tc.labels, " ") {
				t.Errorf("labels = %q; want %q", labels, tc.labels)
			}
		})
	}
}

func TestLogBounds(t *testing.T) {
	for _, tc := range []struct{ lo, hi, wantLo, wantHi float64 }{
		{8.19, 945, 5, 1000},
		{46.8, 2861, 20, 5000},
		{100, 100, 100, 100},
		{0.45, 7.7, 0.2, 10},
	} {
		lo, hi := logBounds(tc.lo, tc.hi)
		if math.Abs(lo-tc.wantLo) > 1e-9 || math.Abs(hi-tc.wantHi) > 1e-9 {
			t.Errorf("logBounds(%v, %v) = %v, %v; want %v, %v", tc.lo, tc.hi, lo, hi, tc.wantLo, tc.wantHi)
		}
	}
}

// TestBarChartAxis checks that a chart whose values span more than 10x gets a log axis,
// and that floors are drawn as labelled lines, not as bars.
func TestBarChartAxis(t *testing.T) {
	for _, tc := range []struct {
		name    string
		bars    []bar
		wantLog bool
	}{
		{"within 10x: linear", []bar{{Label: "a", Value: 10, Lo: 9, Hi: 11}, {Label: "b", Value: 60, Lo: 55, Hi: 70}}, false},
		{"beyond 10x: log", []bar{{Label: "a", Value: 10, Lo: 9, Hi: 11}, {Label: "b", Value: 600, Lo: 550, Hi: 700}}, true},
		{"a floor counts", []bar{{Label: "a", Value: 100, Lo: 90, Hi: 110}, {Label: "static", Value: 5, Lo: 5, Hi: 5, Floor: true}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := barChart("x.svg", "ns/task", "ns/task", tc.bars)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Contains(c.SVG, []byte("log scale")); got != tc.wantLog {
				t.Errorf("log axis = %v; want %v", got, tc.wantLog)
			}
			for _, b := range tc.bars {
				label := b.Label
				if b.Floor {
					label += " " + short(b.Value)
				}
				if !bytes.Contains(c.SVG, []byte(">"+label+"<")) {
					t.Errorf("SVG has no label %q", label)
				}
			}
		})
	}
}

func TestPercentileChart(t *testing.T) {
	lt := results.Latency{N: 20000, P50: 700, P90: 1500, P99: 2700, P999: 4500, Max: 7800}
	c, err := percentileChart("p.svg", "latency", []latencyLine{{Name: "custom", Latency: lt}})
	if err != nil {
		t.Fatal(err)
	}
	// The x axis reaches the max at 1 - 1/20000, past p99.99; the latency axis spans
	// 500 µs to 10 ms.
	for _, label := range []string{"p50", "p90", "p99", "p99.9", "p99.99", "500 µs", "1 ms", "10 ms"} {
		if !bytes.Contains(c.SVG, []byte(">"+label+"<")) {
			t.Errorf("SVG has no tick label %q", label)
		}
	}
	if bytes.Contains(c.SVG, []byte(">p99.999<")) {
		t.Error("SVG labels p99.999, beyond the max")
	}
}
