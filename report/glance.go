package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"poolbench/compare/results"
)

// The at-a-glance table opens the summary: one row per executor, one column per study's
// headline figure, each cell shaded by the executor's standing in that column, so that the
// whole comparison fits on one screen before the picks say what to make of it.

// A glanceColumn is one study's headline figure for every executor.
type glanceColumn struct {
	Header string
	Note   string // how the figure was obtained, under the table
	Higher bool   // a higher value is better; otherwise a lower one is
	// Log shades by ratio to the best rather than by difference, for figures that span
	// orders of magnitude.
	Log    bool
	Values map[string]glanceValue // by executor
}

// A glanceValue is one executor's figure in a column.
type glanceValue struct {
	Text  string
	Value float64
	// Lo and Hi are the figure's 95% interval, equal to Value when it has none: an
	// executor whose interval reaches the best one's is tied with it and shaded as best.
	Lo, Hi float64
}

// glanceColumns lists the columns the run has data for, in the summary's order.
func glanceColumns(res *results.Results) []glanceColumn {
	var cols []glanceColumn
	if t := res.Throughput; t != nil {
		cols = append(cols, dispatchColumns(t, res.Rules)...)
	}
	if sh := res.Shutdown; sh != nil {
		cols = append(cols, defectsColumn(sh))
	}
	if o := res.Overload; o != nil {
		cols = append(cols, overloadColumn(o))
	}
	if e := res.Ergonomics; e != nil {
		cols = append(cols, linesColumn(e))
	}
	return cols
}

// dispatchColumns is noop's ns/task at each submitter count: what an executor costs per
// task when the task costs nothing.
func dispatchColumns(t *results.Throughput, rules results.Rules) []glanceColumn {
	var cols []glanceColumn
	for _, sub := range t.Submitters {
		col := glanceColumn{
			Header: fmt.Sprintf("dispatch, ns/task, %d submitter%s", sub, plural(sub)),
			Log:    true,
			Values: map[string]glanceValue{},
		}
		var floors []string
		for _, c := range t.Cells {
			if c.Work != "noop" || c.Sub != sub || c.NsPerTask.N == 0 || !headline(t, c) {
				continue
			}
			if slices.Contains(t.Floors, c.Pool) {
				floors = append(floors, fmt.Sprintf("`%s` %s", c.Pool, num(c.NsPerTask.Median)))
				continue
			}
			v := glanceValue{Text: num(c.NsPerTask.Median), Value: c.NsPerTask.Median, Lo: c.NsPerTask.Median, Hi: c.NsPerTask.Median}
			if c.NsPerTask.N >= rules.MinSamples {
				v.Lo, v.Hi = c.NsPerTask.Lo, c.NsPerTask.Hi
			}
			col.Values[c.Pool] = v
		}
		if len(col.Values) == 0 {
			continue
		}
		col.Note = fmt.Sprintf("dispatch, %d submitter%s: median ns/task of the `noop` workload (an empty task) at GOMAXPROCS %d, the run's first, with as many workers, from the throughput section",
			sub, plural(sub), t.Procs[0])
		if len(floors) > 0 {
			col.Note += "; floors " + strings.Join(floors, ", ")
		}
		cols = append(cols, col)
	}
	return cols
}

func defectsColumn(sh *results.Shutdown) glanceColumn {
	col := glanceColumn{
		Header: fmt.Sprintf("defects, of %d probes", len(sh.Probes)),
		Note:   "defects: shutdown probes whose verdict is a defect, from the robustness section",
		Values: map[string]glanceValue{},
	}
	for _, p := range verdictPools(sh) {
		n := float64(len(defectsOf(sh, p)))
		col.Values[p] = glanceValue{Text: fmt.Sprint(n), Value: n, Lo: n, Hi: n}
	}
	return col
}

func linesColumn(e *results.Ergonomics) glanceColumn {
	col := glanceColumn{
		Header: fmt.Sprintf("API, lines for %d jobs", len(e.Jobs)),
		Note:   "API: lines of the examples that do the common jobs with each library, from the ergonomics section",
		Values: map[string]glanceValue{},
	}
	for _, l := range e.Libraries {
		n := float64(l.Size.Lines)
		col.Values[l.Library] = glanceValue{Text: fmt.Sprint(l.Size.Lines), Value: n, Lo: n, Hi: n}
	}
	return col
}

// glanceTable lays the columns out with a row per executor of the run; false when the run
// has no column.
func glanceTable(res *results.Results) (table, bool) {
	cols := glanceColumns(res)
	if len(cols) == 0 {
		return table{}, false
	}
	t := table{
		Caption: "At a glance: each executor's standing in each study (best in bold)",
		Header:  []string{"executor"},
		Legend: []legendEntry{
			{Mark: mark{Heat: 1}, Swatch: "**best**", Text: "best, or tied with the best by its 95% interval"},
			{Mark: mark{Heat: heatSteps}, Swatch: "worst", Text: "worst; shades between follow the distance from the best (by ratio for ns/task)", ColorOnly: true},
		},
	}
	for _, c := range cols {
		t.Header = append(t.Header, c.Header)
		t.Notes = append(t.Notes, c.Note)
	}
	for _, ex := range res.Env.Executors {
		row, marks := []string{"`" + ex.Name + "`"}, []mark{{}}
		for _, c := range cols {
			v, ok := c.Values[ex.Name]
			if !ok {
				row, marks = append(row, "–"), append(marks, mark{})
				continue
			}
			h := c.heat(v)
			if h == 1 {
				v.Text = "**" + v.Text + "**"
			}
			row, marks = append(row, v.Text), append(marks, mark{Class: "num", Heat: h})
		}
		t.Rows, t.Marks = append(t.Rows, row), append(t.Marks, marks)
	}
	return t, true
}

// heat is v's shade in c, 1 (best, or tied with it) to heatSteps (worst).
func (c glanceColumn) heat(v glanceValue) int {
	var best, worst glanceValue
	first := true
	for _, name := range slices.Sorted(maps.Keys(c.Values)) {
		x := c.Values[name]
		if first || c.better(x.Value, best.Value) {
			best = x
		}
		if first || c.better(worst.Value, x.Value) {
			worst = x
		}
		first = false
	}
	tied := v.Lo <= best.Hi && v.Hi >= best.Lo
	if tied || v.Value == best.Value {
		return 1
	}
	dist := func(x float64) float64 {
		if c.Log && x > 0 && best.Value > 0 {
			return math.Abs(math.Log(x / best.Value))
		}
		return math.Abs(x - best.Value)
	}
	span := dist(worst.Value)
	if span == 0 {
		return 1
	}
	return max(2, 1+int(math.Round(dist(v.Value)/span*(heatSteps-1))))
}

func (c glanceColumn) better(a, b float64) bool {
	if c.Higher {
		return a > b
	}
	return a < b
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// summaryAtAGlance is the summary section with the at-a-glance table before its picks.
func summaryAtAGlance(res *results.Results) (section, error) {
	s, err := summarySection(res)
	if err != nil {
		return section{}, err
	}
	if t, ok := glanceTable(res); ok {
		s.Blocks = append([]block{t}, s.Blocks...)
	}
	return s, nil
}

// overloadColumn is each executor's goodput at the overload pick's level of its capacity,
// the best over its modes and over blocking and rejecting: what it still serves when the
// load is past what it can take.
func overloadColumn(o *results.Overload) glanceColumn {
	col := glanceColumn{
		Header: fmt.Sprintf("goodput at %gx capacity, req/s", o.Plan.PickLevel),
		Note: fmt.Sprintf("The overload study: 2xx responses per second at %gx each configuration's capacity on the CPU-bound route, "+
			"the best over book and handler modes and over blocking and rejecting; one run each.", o.Plan.PickLevel),
		Higher: true,
		Values: map[string]glanceValue{},
	}
	for _, c := range o.Configs {
		if c.Server == o.Reference {
			continue
		}
		for _, r := range c.Runs {
			if r.Level != o.Plan.PickLevel || !r.Valid {
				continue
			}
			if v, ok := col.Values[c.Server]; !ok || r.Goodput > v.Value {
				col.Values[c.Server] = glanceValue{Text: num(r.Goodput), Value: r.Goodput, Lo: r.Goodput, Hi: r.Goodput}
			}
		}
	}
	return col
}
