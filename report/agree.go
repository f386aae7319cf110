package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"poolbench/compare/results"
)

// An Agreement says where two runs agree: each throughput figure (ns/task) measured in
// both, by whether its two 95% intervals overlap, and each shutdown verdict given in both,
// by whether it has the same word and the same defect flag. Two runs of the same build on
// the same quiet machine should agree nearly everywhere; a figure that does not is
// decided by something the interval within one run does not cover, such as a timer's
// granularity.
type Agreement struct {
	A, B results.Env
	// Figures counts the figures both runs measured with an interval; Apart lists those
	// whose intervals do not overlap, in the first run's order.
	Figures int
	Apart   []FigurePair
	// NoInterval counts the figures both runs measured but one without an interval, and
	// OnlyOne the figures and verdicts found in one run alone: neither is compared.
	NoInterval int
	// Verdicts counts the verdicts both runs gave; Changed lists those whose word or
	// defect flag differs, in the first run's order. A detail alone (lost:3, lost:5) does
	// not count as a change.
	Verdicts int
	Changed  []VerdictPair
	OnlyOne  int
}

// A FigurePair is one throughput figure as two runs measured it.
type FigurePair struct {
	Work string
	Sub  int
	Pool string
	A, B results.Summary
}

// A VerdictPair is one probe's verdict on one executor in two runs.
type VerdictPair struct {
	A, B results.Verdict
}

// Agree compares run a with run b.
func Agree(a, b *results.Results) Agreement {
	g := Agreement{A: a.Env, B: b.Env}
	if ta, tb := a.Throughput, b.Throughput; ta != nil || tb != nil {
		for _, ca := range cellsOf(ta) {
			cb, ok := sameCell(tb, ca)
			switch {
			case !ok:
				g.OnlyOne++
			case ca.NsPerTask.N < a.Rules.MinSamples || cb.NsPerTask.N < b.Rules.MinSamples:
				g.NoInterval++
			default:
				g.Figures++
				if ca.NsPerTask.Hi < cb.NsPerTask.Lo || cb.NsPerTask.Hi < ca.NsPerTask.Lo {
					g.Apart = append(g.Apart, FigurePair{Work: ca.Work, Sub: ca.Sub, Pool: ca.Pool, A: ca.NsPerTask, B: cb.NsPerTask})
				}
			}
		}
		for _, cb := range cellsOf(tb) {
			if _, ok := sameCell(ta, cb); !ok {
				g.OnlyOne++
			}
		}
	}
	va, vb := verdictsOf(a.Shutdown), verdictsOf(b.Shutdown)
	for _, x := range va {
		i := slices.IndexFunc(vb, func(y results.Verdict) bool { return y.Pool == x.Pool && y.Probe == x.Probe })
		if i < 0 {
			g.OnlyOne++
			continue
		}
		g.Verdicts++
		if y := vb[i]; x.Word != y.Word || x.Defect != y.Defect {
			g.Changed = append(g.Changed, VerdictPair{A: x, B: y})
		}
	}
	for _, y := range vb {
		if !slices.ContainsFunc(va, func(x results.Verdict) bool { return x.Pool == y.Pool && x.Probe == y.Probe }) {
			g.OnlyOne++
		}
	}
	return g
}

// cellsOf is t's cells that hold a figure; none when t is nil.
func cellsOf(t *results.Throughput) []results.ThroughputCell {
	if t == nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(t.Cells), func(c results.ThroughputCell) bool { return c.NsPerTask.N == 0 })
}

func verdictsOf(sh *results.Shutdown) []results.Verdict {
	if sh == nil {
		return nil
	}
	return sh.Verdicts
}

// WriteText writes the agreement for a terminal: the counts, then every figure and
// verdict that disagrees.
func (g Agreement) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "first:  %s, `%s`\nsecond: %s, `%s`\n", envLabel(g.A), g.A.Command, envLabel(g.B), g.B.Command)
	fmt.Fprintf(&b, "throughput: %d of %d ns/task figures agree (their 95%% intervals overlap)\n", g.Figures-len(g.Apart), g.Figures)
	for _, f := range g.Apart {
		fmt.Fprintf(&b, "  work=%s sub=%d pool=%s: %s then %s ns/task (%.2fx)\n", f.Work, f.Sub, f.Pool,
			interval(f.A), interval(f.B), f.B.Median/f.A.Median)
	}
	fmt.Fprintf(&b, "verdicts: %d of %d agree (the same word and defect flag)\n", g.Verdicts-len(g.Changed), g.Verdicts)
	for _, v := range g.Changed {
		fmt.Fprintf(&b, "  %s %s: %s then %s\n", v.A.Pool, v.A.Probe, verdictText(v.A), verdictText(v.B))
	}
	fmt.Fprintf(&b, "in all: %d of %d agree\n", g.Figures-len(g.Apart)+g.Verdicts-len(g.Changed), g.Figures+g.Verdicts)
	if g.NoInterval > 0 || g.OnlyOne > 0 {
		fmt.Fprintf(&b, "not compared: %d figures without an interval in one run, %d figures or verdicts in one run only\n", g.NoInterval, g.OnlyOne)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func interval(s results.Summary) string {
	return fmt.Sprintf("%s [%s, %s]", num(s.Median), num(s.Lo), num(s.Hi))
}

// verdictText is v with its defect flag, for plain text.
func verdictText(v results.Verdict) string {
	if v.Defect {
		return v.String() + " (defect)"
	}
	return v.String()
}

// sameCell finds in t the measured cell that c is in another run: the same GOMAXPROCS,
// work, pool size, submitters and pool.
func sameCell(t *results.Throughput, c results.ThroughputCell) (results.ThroughputCell, bool) {
	for _, d := range cellsOf(t) {
		if d.Procs == c.Procs && d.Work == c.Work && d.Workers == c.Workers && d.Sub == c.Sub && d.Pool == c.Pool {
			return d, true
		}
	}
	return results.ThroughputCell{}, false
}
