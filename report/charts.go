package report

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"poolbench/compare/results"
)

// sans is the charts' font: gonum/plot's embedded Liberation Sans, so that drawing needs
// no font installed and gives the same bytes everywhere.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

var (
	barColor   = color.RGBA{R: 0x4c, G: 0x78, B: 0xa8, A: 0xff}
	floorColor = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
)

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
		ax.Tick.Marker = linearTicks{short}
	}
	p.Legend.TextStyle.Font = font.From(sans, 9)
	return p
}

// render draws p as an SVG of w x h points, and legend points more on the right for p's
// legend when addLines placed it there.
func render(p *plot.Plot, w, h, legend vg.Length) ([]byte, error) {
	c := vgsvg.New(w+legend, h)
	p.Draw(draw.Crop(draw.New(c), 0, -legend, 0, 0))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: drawing %q: %w", p.Title.Text, err)
	}
	// Inline in a page, the SVG starts at its element; and a browser without Liberation
	// Sans should still pick a sans font.
	svg := buf.Bytes()[bytes.Index(buf.Bytes(), []byte("<svg")):]
	return bytes.ReplaceAll(svg, []byte("font-family:Liberation Sans;"), []byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")), nil
}

// short formats a tick value with at most three significant digits and an SI suffix:
// 25000 is "25k", 0.5 is "0.5", 1200000 is "1.2M".
func short(v float64) string {
	a := math.Abs(v)
	for _, u := range []struct {
		size   float64
		suffix string
	}{{1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if a >= u.size {
			return sig3(v/u.size) + u.suffix
		}
	}
	return sig3(v)
}

// sig3 formats v rounded to three significant digits, without an exponent or trailing zeros.
func sig3(v float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 3, 64), 64)
	if err != nil {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// millis formats a tick value in milliseconds as a duration: "500 µs", "2 ms", "1.5 s".
func millis(v float64) string {
	switch a := math.Abs(v); {
	case a < 1:
		return sig3(v*1000) + " µs"
	case a < 1000:
		return sig3(v) + " ms"
	}
	return sig3(v/1000) + " s"
}

// linearTicks are gonum's default ticks with their labels formatted by format.
type linearTicks struct{ format func(float64) string }

func (t linearTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = t.format(ts[i].Value)
		}
	}
	return ts
}

// logTicks mark each of 1 to 9 times a power of ten in the range and label 1, 2 and 5
// times each, or over more than three decades the powers of ten alone.
type logTicks struct{ format func(float64) string }

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	wide := hi/lo > 1000
	for e := int(math.Floor(math.Log10(lo))); math.Pow10(e) <= hi; e++ {
		for m := 1; m < 10; m++ {
			v := float64(m) * math.Pow10(e)
			if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
				continue
			}
			tick := plot.Tick{Value: v}
			if m == 1 || !wide && (m == 2 || m == 5) {
				tick.Label = t.format(v)
			}
			ts = append(ts, tick)
		}
	}
	return ts
}

// logBounds widens [lo, hi] to the nearest 1, 2 or 5 times a power of ten on each side,
// so that a log axis starts and ends on a labelled tick.
func logBounds(lo, hi float64) (float64, float64) {
	down, up := math.Pow10(int(math.Floor(math.Log10(lo)))), math.Pow10(int(math.Floor(math.Log10(hi))))
	for _, m := range []float64{5, 2, 1} {
		if m*down <= lo {
			down *= m
			break
		}
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*up >= hi {
			up *= m
			break
		}
	}
	return down, up
}

// spansDecade reports whether vs, all positive, span more than 10x: such a chart needs a
// log axis, or its small values vanish into slivers.
func spansDecade(vs []float64) bool {
	if len(vs) == 0 || slices.Min(vs) <= 0 {
		return false
	}
	return slices.Max(vs)/slices.Min(vs) > 10
}

// bar is one bar of a bar chart: a median and its interval.
type bar struct {
	Label         string
	Value, Lo, Hi float64
	// Floor marks a reference point rather than a contender (a bare channel hand-off, the
	// work alone): it is drawn as a line across the chart instead of a bar.
	Floor bool
}

// barChart draws one bar per entry, with its interval as an error bar, and each floor as
// a dashed line. When the values span more than 10x the axis is logarithmic.
func barChart(file, title, yLabel string, bars []bar) (chart, error) {
	var cols, floors []bar
	var vals []float64
	for _, b := range bars {
		if b.Floor {
			floors = append(floors, b)
		} else {
			cols = append(cols, b)
		}
		vals = append(vals, b.Value, b.Lo, b.Hi)
	}
	if len(cols) == 0 {
		return chart{}, fmt.Errorf("report: %s: no bars", file)
	}
	logY := spansDecade(vals)
	if logY {
		yLabel += " (log scale)"
	}
	p := newPlot(title, "", yLabel)
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil
	p.Add(grid, columns{bars: cols, room: len(floors) > 0})
	if len(floors) > 0 {
		p.Add(refLines{bars: floors, style: p.Y.Tick.Label})
	}
	names := make([]string, len(cols))
	for i, b := range cols {
		names[i] = b.Label
	}
	p.NominalX(names...)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{short}
		p.Y.Min, p.Y.Max = logBounds(slices.Min(vals), slices.Max(vals))
	} else {
		p.Y.Min, p.Y.Max = 0, p.Y.Max*1.05 // room above the highest whisker
	}
	w := 60 + 48*len(cols)
	if len(floors) > 0 {
		w += 60
	}
	svg, err := render(p, vg.Points(float64(w)), vg.Points(240), 0)
	if err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, SVG: svg}, nil
}

// columns draws bars from the bottom of the plot up to each value, which works on a log
// axis too, with each bar's interval as a whisker. With room, it leaves space on the
// right for the labels of refLines.
type columns struct {
	bars []bar
	room bool
}

func (cs columns) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	half := vg.Points(9)
	whisker := draw.LineStyle{Color: color.Black, Width: vg.Points(1)}
	for i, b := range cs.bars {
		x, top := trX(float64(i)), trY(b.Value)
		c.FillPolygon(barColor, c.ClipPolygonY([]vg.Point{{X: x - half, Y: c.Min.Y}, {X: x + half, Y: c.Min.Y}, {X: x + half, Y: top}, {X: x - half, Y: top}}))
		if b.Lo == b.Hi {
			continue
		}
		lo, hi := trY(b.Lo), trY(b.Hi)
		c.StrokeLine2(whisker, x, lo, x, hi)
		c.StrokeLine2(whisker, x-half/2, lo, x+half/2, lo)
		c.StrokeLine2(whisker, x-half/2, hi, x+half/2, hi)
	}
}

func (cs columns) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = -0.5, float64(len(cs.bars))-0.5
	if cs.room {
		xmax += 1.5
	}
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, b := range cs.bars {
		ymin, ymax = min(ymin, b.Lo, b.Value), max(ymax, b.Hi, b.Value)
	}
	return xmin, xmax, ymin, ymax
}

// refLines draws each floor as a dashed line across the plot, labelled at its right end:
// the highest above its line, the others below theirs, so that close floors stay legible.
type refLines struct {
	bars  []bar
	style text.Style // of the labels
}

func (r refLines) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	line := draw.LineStyle{Color: floorColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	bs := slices.SortedFunc(slices.Values(r.bars), func(a, b bar) int { return cmp.Compare(b.Value, a.Value) })
	for i, b := range bs {
		y := trY(b.Value)
		c.StrokeLine2(line, c.Min.X, y, c.Max.X, y)
		sty := r.style
		sty.Color, sty.XAlign, sty.YAlign = floorColor, draw.XRight, draw.YBottom
		at := y + vg.Points(2)
		if i > 0 {
			sty.YAlign, at = draw.YTop, y-vg.Points(2)
		}
		c.FillText(sty, vg.Point{X: c.Max.X - vg.Points(2), Y: at}, b.Label+" "+short(b.Value))
	}
}

func (r refLines) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, b := range r.bars {
		ymin, ymax = min(ymin, b.Value), max(ymax, b.Value)
	}
	return math.Inf(1), math.Inf(-1), ymin, ymax
}

// series is one line of a line chart.
type series struct {
	Name string
	XY   plotter.XYs
}

// addLines draws each series as a line with points, in its own color and shape, with a
// legend to the right of the plot, where no line can run under it; it returns the
// legend's width, for render.
func addLines(p *plot.Plot, ss []series) (vg.Length, error) {
	p.Add(plotter.NewGrid())
	var width vg.Length
	for i, s := range ss {
		l, pts, err := plotter.NewLinePoints(s.XY)
		if err != nil {
			return 0, err
		}
		l.Color = plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / 7)
		pts.Color = plotutil.Color(i)
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		p.Legend.Add(s.Name, l, pts)
		width = max(width, p.Legend.TextStyle.Width(s.Name))
	}
	width += p.Legend.ThumbnailWidth + vg.Points(16)
	p.Legend.Top, p.Legend.Left, p.Legend.XOffs, p.Legend.Padding = true, false, width, vg.Points(2)
	return width, nil
}

// lineChart draws one line per series, with points; logY puts the y axis on a log scale
// (spansDecade says when a chart needs one); ticks, when given, label the x axis.
func lineChart(file, title, xLabel, yLabel string, ss []series, ticks []plot.Tick, logY bool) (chart, error) {
	p := newPlot(title, xLabel, yLabel)
	legend, err := addLines(p, ss)
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", file, err)
	}
	if ticks != nil {
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
	}
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{short}
		p.Y.Min, p.Y.Max = logBounds(p.Y.Min, p.Y.Max)
	}
	svg, err := render(p, vg.Points(560), vg.Points(320), legend)
	if err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, SVG: svg}, nil
}

// latencyLine is one server's latency percentiles in a percentile chart.
type latencyLine struct {
	Name    string
	Latency results.Latency
}

// percentileChart draws latency against percentile the way HDR histograms are plotted:
// the x axis spaces each percentile p by log10(1/(1-p)), so p50, p90, p99 and p99.9 sit
// evenly and the tail gets the room it deserves, and latency is on a log axis. The max
// stands at 1 - 1/n, where n requests put it, when that lies beyond p99.9.
func percentileChart(file, title string, ls []latencyLine) (chart, error) {
	at := func(p float64) float64 { return -math.Log10(1 - p) }
	ms := func(us int64) float64 { return float64(us) / 1000 }
	var ss []series
	right := at(0.999)
	for _, l := range ls {
		lt := l.Latency
		xy := plotter.XYs{{X: at(0.5), Y: ms(lt.P50)}, {X: at(0.9), Y: ms(lt.P90)}, {X: at(0.99), Y: ms(lt.P99)}, {X: at(0.999), Y: ms(lt.P999)}}
		if lt.N > 1000 {
			x := math.Log10(float64(lt.N))
			xy = append(xy, plotter.XY{X: x, Y: ms(lt.Max)})
			right = max(right, x)
		}
		ss = append(ss, series{Name: l.Name, XY: slices.DeleteFunc(xy, func(p plotter.XY) bool { return p.Y <= 0 })})
	}
	p := newPlot(title, "percentile (evenly spaced by 1/(1-p); the last point is the max)", "latency (log scale)")
	legend, err := addLines(p, ss)
	if err != nil {
		return chart{}, fmt.Errorf("report: %s: %w", file, err)
	}
	var ticks []plot.Tick
	for _, t := range []struct {
		p     float64
		label string
	}{{0.5, "p50"}, {0.9, "p90"}, {0.99, "p99"}, {0.999, "p99.9"}, {0.9999, "p99.99"}, {0.99999, "p99.999"}} {
		if at(t.p) <= right {
			ticks = append(ticks, plot.Tick{Value: at(t.p), Label: t.label})
		}
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = 0, right+0.1
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{millis}
	p.Y.Min, p.Y.Max = logBounds(p.Y.Min, p.Y.Max)
	svg, err := render(p, vg.Points(560), vg.Points(320), legend)
	if err != nil {
		return chart{}, err
	}
	return chart{File: file, Title: title, SVG: svg}, nil
}
