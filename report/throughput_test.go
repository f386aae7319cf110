package report

import (
	"strings"
	"testing"

	"poolbench/compare/results"
)

func TestThroughputPick(t *testing.T) {
	ns := func(median, lo, hi float64) results.Summary {
		return results.Summary{Median: median, Lo: lo, Hi: hi, N: 6}
	}
	cell := func(procs int, work string, pool string, s results.Summary) results.ThroughputCell {
		return results.ThroughputCell{Procs: procs, Work: work, Workers: procs, Sub: 1, Pool: pool, NsPerTask: s}
	}
	tp := &results.Throughput{
		Floors: []string{"chan"},
		Workloads: []results.Workload{
			{Name: "noop", PerProc: true},
			{Name: "io", Fixed: []int{1000}, TimerBound: true, Why: "the timer"},
		},
		Cells: []results.ThroughputCell{
			// Row 1: a wins outright; the floor is faster but does not compete.
			cell(1, "noop", "a", ns(100, 95, 105)),
			cell(1, "noop", "b", ns(200, 190, 210)),
			cell(1, "noop", "c", ns(300, 290, 310)),
			cell(1, "noop", "chan", ns(10, 9, 11)),
			// Row 2: b is fastest, c's interval reaches it: a tie of b and c.
			cell(2, "noop", "a", ns(300, 290, 310)),
			cell(2, "noop", "b", ns(100, 95, 105)),
			cell(2, "noop", "c", ns(110, 104, 120)),
			// Timer-bound: c would win outright, but the row does not count.
			{Procs: 1, Work: "io", Workers: 1000, Sub: 1, Pool: "c", NsPerTask: ns(1, 1, 1)},
			{Procs: 1, Work: "io", Workers: 1000, Sub: 1, Pool: "a", NsPerTask: ns(9, 9, 9)},
		},
	}
	scores, rows := throughputScores(tp)
	if rows != 2 {
		t.Errorf("throughputScores() counted %d rows; want 2 (the timer-bound row left out)", rows)
	}
	want := []rowScore{{"a", 1, 0}, {"b", 0, 1}, {"c", 0, 1}}
	if len(scores) != len(want) {
		t.Fatalf("throughputScores() = %+v; want %+v", scores, want)
	}
	for i := range want {
		if scores[i] != want[i] {
			t.Errorf("score %d = %+v; want %+v", i, scores[i], want[i])
		}
	}
	picks, rule := throughputPick(tp)
	// a, b and c each took one row; a's is outright, so a is the pick.
	for _, s := range []string{"pick `a`: fastest on 1 of 2 rows, 1 outright and 0 tied", "`io` rows left out: timer-bound"} {
		if !strings.Contains(picks[0], s) {
			t.Errorf("pick = %q; want it to say %q", picks[0], s)
		}
	}
	if !strings.Contains(picks[1], "`a` 1 + 0, `b` 0 + 1, `c` 0 + 1") {
		t.Errorf("second line = %q; want every executor's outright + tied rows, best first", picks[1])
	}
	if !strings.Contains(rule, "outright") || !strings.Contains(rule, "timer-bound") {
		t.Errorf("rule = %q; want it to say what outright means and that timer-bound rows are left out", rule)
	}
}

func TestScalingChart(t *testing.T) {
	w := results.Workload{Name: "noop", PerProc: true, Fixed: []int{10000}}
	cell := func(procs, workers int, pool string, median float64) results.ThroughputCell {
		return results.ThroughputCell{Procs: procs, Work: "noop", Workers: workers, Sub: 1, Pool: pool, NsPerTask: results.Summary{Median: median, N: 6}}
	}
	for _, tc := range []struct {
		name   string
		procs  []int
		cells  []results.ThroughputCell
		wantOK bool
	}{
		{"two GOMAXPROCS", []int{1, 2}, []results.ThroughputCell{cell(1, 1, "a", 100), cell(2, 2, "a", 60), cell(2, 10000, "a", 900)}, true},
		{"one GOMAXPROCS: nothing to join", []int{2}, []results.ThroughputCell{cell(2, 2, "a", 60)}, false},
		{"only the large pool at the second", []int{1, 2}, []results.ThroughputCell{cell(1, 1, "a", 100), cell(2, 10000, "a", 900)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, ok, err := scalingChart(&results.Throughput{Procs: tc.procs, Cells: tc.cells}, w, 1)
			if err != nil || ok != tc.wantOK {
				t.Fatalf("scalingChart() = ok %v, %v; want ok %v", ok, err, tc.wantOK)
			}
			if ok && (c.File != "throughput-scaling-noop-sub1.svg" || !strings.HasPrefix(string(c.SVG), "<svg")) {
				t.Errorf("scalingChart() drew %s, %d bytes; want throughput-scaling-noop-sub1.svg", c.File, len(c.SVG))
			}
		})
	}
}
