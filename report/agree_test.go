package report

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"poolbench/compare/results"
)

func TestAgree(t *testing.T) {
	rules := results.Rules{MinSamples: 6, Confidence: 0.95}
	sum := func(median, lo, hi float64, n int) results.Summary {
		return results.Summary{Median: median, Lo: lo, Hi: hi, N: n, Unit: "ns/task"}
	}
	run := func(cells []results.ThroughputCell, verdicts []results.Verdict) *results.Results {
		return &results.Results{Rules: rules, Throughput: &results.Throughput{Cells: cells}, Shutdown: &results.Shutdown{Verdicts: verdicts}}
	}
	noop := func(pool string, s results.Summary) results.ThroughputCell {
		return results.ThroughputCell{Work: "noop", Sub: 1, Pool: pool, NsPerTask: s}
	}
	for _, tc := range []struct {
		name                       string
		a, b                       *results.Results
		figures, apart, noInterval int
		verdicts, changed, onlyOne int
	}{
		{
			name:    "overlapping intervals agree",
			a:       run([]results.ThroughputCell{noop("custom", sum(10, 9, 11, 6))}, nil),
			b:       run([]results.ThroughputCell{noop("custom", sum(12, 10.5, 13, 6))}, nil),
			figures: 1,
		},
		{
			name:    "disjoint intervals do not",
			a:       run([]results.ThroughputCell{noop("custom", sum(10, 9, 11, 6))}, nil),
			b:       run([]results.ThroughputCell{noop("custom", sum(14, 12, 15, 6))}, nil),
			figures: 1, apart: 1,
		},
		{
			name:       "a figure without an interval is not compared",
			a:          run([]results.ThroughputCell{noop("custom", sum(10, 10, 10, 3))}, nil),
			b:          run([]results.ThroughputCell{noop("custom", sum(14, 12, 15, 6))}, nil),
			noInterval: 1,
		},
		{
			name:    "figures of one run alone are counted apart",
			a:       run([]results.ThroughputCell{noop("custom", sum(10, 9, 11, 6)), noop("ants", sum(10, 9, 11, 6))}, nil),
			b:       run([]results.ThroughputCell{noop("custom", sum(10, 9, 11, 6)), noop("tunny", sum(10, 9, 11, 6))}, nil),
			figures: 1, onlyOne: 2,
		},
		{
			name:     "a detail alone is no change",
			a:        run(nil, []results.Verdict{{Pool: "pond", Probe: "deadline", Word: "lost", Detail: "3", Defect: true}}),
			b:        run(nil, []results.Verdict{{Pool: "pond", Probe: "deadline", Word: "lost", Detail: "5", Defect: true}}),
			verdicts: 1,
		},
		{
			name:     "another word is a change",
			a:        run(nil, []results.Verdict{{Pool: "goroutines", Probe: "race", Word: "ok"}}),
			b:        run(nil, []results.Verdict{{Pool: "goroutines", Probe: "race", Word: "panic", Defect: true}}),
			verdicts: 1, changed: 1,
		},
		{
			name:    "a study one run lacks",
			a:       &results.Results{Rules: rules, Shutdown: &results.Shutdown{Verdicts: []results.Verdict{{Pool: "ants", Probe: "race", Word: "ok"}}}},
			b:       run([]results.ThroughputCell{noop("custom", sum(10, 9, 11, 6))}, nil),
			onlyOne: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := Agree(tc.a, tc.b)
			if g.Figures != tc.figures || len(g.Apart) != tc.apart || g.NoInterval != tc.noInterval ||
				g.Verdicts != tc.verdicts || len(g.Changed) != tc.changed || g.OnlyOne != tc.onlyOne {
				t.Errorf("Agree() = figures %d, apart %d, no interval %d, verdicts %d, changed %d, only one %d; want %d, %d, %d, %d, %d, %d",
					g.Figures, len(g.Apart), g.NoInterval, g.Verdicts, len(g.Changed), g.OnlyOne,
					tc.figures, tc.apart, tc.noInterval, tc.verdicts, tc.changed, tc.onlyOne)
			}
		})
	}
}

// TestAgreeFixtures compares the fixture with a copy of itself that has one figure moved
// and one verdict changed, then the two fixture runs (GOMAXPROCS 2, then 1), whose
// figures are not comparable, and wants testdata/agree.txt; -update rewrites it.
func TestAgreeFixtures(t *testing.T) {
	a := loadFixture(t)
	c := loadFixture(t)
	i := slices.IndexFunc(c.Throughput.Cells, func(x results.ThroughputCell) bool { return x.NsPerTask.N >= c.Rules.MinSamples })
	moved := &c.Throughput.Cells[i].NsPerTask
	moved.Lo, moved.Median, moved.Hi = moved.Hi*10, moved.Hi*11, moved.Hi*12
	c.Shutdown.Verdicts[0].Word = "hang"
	self := Agree(a, c)
	if self.Figures == 0 || len(self.Apart) != 1 || len(self.Changed) != 1 || self.OnlyOne != 0 {
		t.Errorf("Agree(fixture, moved copy) = %d figures, %d apart, %d changed, %d in one run only; want all figures, 1 apart, 1 changed, 0",
			self.Figures, len(self.Apart), len(self.Changed), self.OnlyOne)
	}

	b := loadResults(t, fixtureGOMAXPROCS1)
	g := Agree(a, b)
	// Each verdict the two runs share is either agreeing or listed as changed; figures at
	// another GOMAXPROCS are not the same figures.
	if g.Figures != 0 || g.Verdicts == 0 {
		t.Fatalf("Agree() compared %d figures and %d verdicts; want no figure (GOMAXPROCS differs) and the verdicts", g.Figures, g.Verdicts)
	}
	for _, f := range g.Apart {
		if f.A.Hi >= f.B.Lo && f.B.Hi >= f.A.Lo {
			t.Errorf("%s/%d/%s listed apart but %v and %v overlap", f.Work, f.Sub, f.Pool, f.A, f.B)
		}
	}
	at := func(v results.Verdict) int {
		return slices.IndexFunc(a.Shutdown.Verdicts, func(w results.Verdict) bool { return w.Pool == v.Pool && w.Probe == v.Probe })
	}
	if !slices.IsSortedFunc(g.Changed, func(x, y VerdictPair) int { return at(x.A) - at(y.A) }) {
		t.Error("changed verdicts are not in the first run's order")
	}
	var out bytes.Buffer
	if err := g.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "agree.txt")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("WriteText() =\n%s\nwant (%s)\n%s", out.Bytes(), golden, want)
	}
}
