package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"poolbench/compare/results"
)

// scalingChart draws ns/task against GOMAXPROCS for workload w with sub submitters, one
// line per executor and floor, on the GOMAXPROCS-sized pool (or the workload's only fixed
// size). The x axis is logarithmic (people choose GOMAXPROCS values that double); the y
// axis too where the values span 10x. ok is false when no cell of that workload and sub
// has two GOMAXPROCS values to join.
func scalingChart(t *results.Throughput, w results.Workload, sub int) (c chart, ok bool, err error) {
	var ss []series
	var order []string
	var ticks []plot.Tick
	lo, hi := math.Inf(1), math.Inf(-1)
	points := map[string]plotter.XYs{}
	for _, procs := range t.Procs {
		workers := procs
		if !w.PerProc {
			workers = w.Sizes(procs)[0]
		}
		for _, cell := range rowCells(t, procs, w.Name, workers, sub) {
			if cell.NsPerTask.N == 0 || cell.NsPerTask.Median <= 0 {
				continue
			}
			if !slices.Contains(order, cell.Pool) {
				order = append(order, cell.Pool)
			}
			points[cell.Pool] = append(points[cell.Pool], plotter.XY{X: math.Log2(float64(procs)), Y: cell.NsPerTask.Median})
			lo, hi = min(lo, cell.NsPerTask.Median), max(hi, cell.NsPerTask.Median)
		}
	}
	for _, pool := range order {
		if len(points[pool]) > 1 {
			ss = append(ss, series{Name: pool, XY: points[pool]})
		}
	}
	if len(ss) == 0 {
		return chart{}, false, nil
	}
	for _, p := range t.Procs {
		ticks = append(ticks, plot.Tick{Value: math.Log2(float64(p)), Label: fmt.Sprint(p)})
	}
	slices.SortFunc(ticks, func(a, b plot.Tick) int { return cmp.Compare(a.Value, b.Value) })
	size := "GOMAXPROCS workers"
	if !w.PerProc {
		size = fmt.Sprintf("%d workers", w.Sizes(t.Procs[0])[0])
	}
	title := fmt.Sprintf("work=%s, sub=%d, %s: ns/task against GOMAXPROCS", w.Name, sub, size)
	file := fmt.Sprintf("throughput-scaling-%s-sub%d.svg", w.Name, sub)
	p := newPlot(title, "GOMAXPROCS", "ns/task")
	p.Add(plotter.NewGrid())
	for i, s := range ss {
		l, pts, err := plotter.NewLinePoints(s.XY)
		if err != nil {
			return chart{}, false, fmt.Errorf("report: %s: %w", file, err)
		}
		l.Color, pts.Color = plotutil.Color(i), plotutil.Color(i)
		l.Dashes = plotutil.Dashes(i / 7)
		pts.Shape = plotutil.Shape(i)
		p.Add(l, pts)
		p.Legend.Add(s.Name, l, pts)
	}
	// Fourteen lines cross anywhere: the legend gets a strip of its own to the right of
	// the last GOMAXPROCS, where the axis has room but no tick.
	first, last := ticks[0].Value, ticks[len(ticks)-1].Value
	span := max(last-first, 1)
	p.X.Min, p.X.Max = first-span/20, last+span*0.45
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top = true
	if hi >= 10*lo {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	svg, err := render(p, vg.Points(600), vg.Points(340), 0)
	if err != nil {
		return chart{}, false, err
	}
	return chart{File: file, Title: title, SVG: svg}, true, nil
}
