package report

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// sans is the charts' font: gonum/plot's embedded Liberation Sans, so that drawing needs
// no font installed and gives the same bytes everywhere.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// newPlot returns a plot whose every text is set in sans.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Title.TextStyle.Font = font.From(sans, 12)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, 10)
		ax.Tick.Label.Font = font.From(sans, 9)
	}
	p.Legend.TextStyle.Font = font.From(sans, 9)
	return p
}

// render draws p as an SVG of w x h points.
func render(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: drawing %q: %w", p.Title.Text, err)
	}
	// Inline in a page, the SVG starts at its element; and a browser without Liberation
	// Sans should still pick a sans font.
	svg := buf.Bytes()[bytes.Index(buf.Bytes(), []byte("<svg")):]
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")), nil
}

// bar is one bar of a bar chart: a median and its interval.
type bar struct {
	Label         string
	Value, Lo, Hi float64
}

// errBars draws the intervals of a bar chart.
type errBars struct {
	plotter.XYs
	plotter.YErrors
}

// barChart draws one bar per entry, with its interval as an error bar.
func barChart(file, title, yLabel string, bars []bar) (chart, error) {
	p := newPlot(title, "", yLabel)
	vals := make(plotter.Values, len(bars))
	eb := errBars{XYs: make(plotter.XYs, len(bars)), YErrors: make(plotter.YErrors, len(bars))}
	names := make([]string, len(bars))
	for i, b := range bars {
		vals[i] = b.Value
		eb.XYs[i] = plotter.XY{X: float64(i), Y: b.Value}
		eb.YErrors[i].Low, eb.YErrors[i].High = b.Value-b.Lo, b.Hi-b.Value
		names[i] = b.Label
	}
	bc, err := plotter.NewBarChart(vals, vg.Points(18))
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", file, err)
	}
	bc.Color = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	bc.LineStyle.Width = 0
	p.Add(bc, plotter.NewGrid())
	if slices.ContainsFunc(bars, func(b bar) bool { return b.Lo != b.Hi }) {
		ebp, err := plotter.NewYErrorBars(eb)
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", file, err)
		}
		p.Add(ebp)
	}
	p.Y.Min = 0
	p.NominalX(names...)
	svg, err := render(p, vg.Points(float64(60+40*len(bars))), vg.Points(240))
	if err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, SVG: svg}, nil
}

// series is one line of a line chart.
type series struct {
	Name string
	XY   plotter.XYs
}

// lineChart draws one line per series, with points; logY puts the y axis on a log scale.
func lineChart(file, title, xLabel, yLabel string, ss []series, ticks []plot.Tick, logY bool) (chart, error) {
	p := newPlot(title, xLabel, yLabel)
	p.Add(plotter.NewGrid())
	for i, s := range ss {
		l, pts, err := plotter.NewLinePoints(s.XY)
		if err != nil {
			return chart{}, fmt.Errorf("report: %s: %w", file, err)
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / 7)
		pts.Color = plotutil.Color(i)
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		p.Legend.Add(s.Name, l, pts)
	}
	p.Legend.Top = true
	p.Legend.Left = true
	if ticks != nil {
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	svg, err := render(p, vg.Points(560), vg.Points(320))
	if err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, SVG: svg}, nil
}
