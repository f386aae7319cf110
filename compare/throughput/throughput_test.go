package throughput

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/compare/results"
	"poolbench/internal/stats"
	"poolbench/internal/study"
)

// fakeCells returns cells named by pools, with no Runner: the tests give the samples.
func fakeCells(pools ...string) []*cellRun {
	cells := make([]*cellRun, len(pools))
	for i, p := range pools {
		cells[i] = &cellRun{cell: results.ThroughputCell{Work: "noop", Sub: 1, Pool: p}}
	}
	return cells
}

func TestSampleRoundRobinOrder(t *testing.T) {
	cells := fakeCells("a", "b", "c")
	var order []string
	take := func(c *cellRun) error {
		order = append(order, c.cell.Pool)
		c.ns = append(c.ns, 100) // never wide
		return nil
	}
	if err := sampleRoundRobin(context.Background(), cells, stats.MinSamples, 2*stats.MinSamples, study.Options{}, take); err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("abc", stats.MinSamples)
	if got := strings.Join(order, ""); got != want {
		t.Errorf("sample order = %s; want %s", got, want)
	}
	for _, c := range cells {
		s := c.summary()
		if s.NsPerTask.N < stats.MinSamples || s.Extra != 0 || s.Wide {
			t.Errorf("cell %s: n = %d, extra = %d, wide = %v; want n >= %d, no extra, not wide",
				c.cell.Pool, s.NsPerTask.N, s.Extra, s.Wide, stats.MinSamples)
		}
	}
}

func TestSampleRoundRobinWidens(t *testing.T) {
	for _, tc := range []struct {
		name      string
		values    map[string]func(n int) float64 // sample n's value, per cell
		max       int
		wantExtra map[string]int
		wantWide  map[string]bool
		wantTail  string // the order of the extra samples
	}{
		{
			name: "a wide cell takes samples up to the cap",
			values: map[string]func(int) float64{
				"a": func(int) float64 { return 100 },
				"b": func(n int) float64 { return float64(100 + 50*(n%2)) }, // ±25% forever
				"c": func(int) float64 { return 200 },
			},
			max:       stats.MinSamples + 3,
			wantExtra: map[string]int{"a": 0, "b": 3, "c": 0},
			wantWide:  map[string]bool{"b": true},
			wantTail:  "bbb",
		},
		{
			name: "a cell that settles stops early",
			values: map[string]func(int) float64{
				"a": func(n int) float64 { return 100 },
				// One outlier among the first six: the 95% interval of 6 spans min to max,
				// but once more samples agree it shrinks below MaxSpread.
				"b": func(n int) float64 {
					if n == 0 {
						return 300
					}
					return 100
				},
			},
			max: 4 * stats.MinSamples,
			// benchmath's interval of 8 no longer reaches the outlier: 2 extra, not 18.
			wantExtra: map[string]int{"a": 0, "b": 2},
			wantWide:  map[string]bool{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pools []string
			for p := range tc.values {
				pools = append(pools, p)
			}
			slices.Sort(pools)
			cells := fakeCells(pools...)
			var order []string
			take := func(c *cellRun) error {
				order = append(order, c.cell.Pool)
				c.ns = append(c.ns, tc.values[c.cell.Pool](len(c.ns)))
				return nil
			}
			if err := sampleRoundRobin(context.Background(), cells, stats.MinSamples, tc.max, study.Options{}, take); err != nil {
				t.Fatal(err)
			}
			for _, c := range cells {
				s := c.summary()
				if want, ok := tc.wantExtra[s.Pool]; ok && s.Extra != want {
					t.Errorf("cell %s: Extra = %d; want %d", s.Pool, s.Extra, want)
				}
				if s.Wide != tc.wantWide[s.Pool] {
					t.Errorf("cell %s: Wide = %v (spread %.2f, n %d); want %v", s.Pool, s.Wide, s.NsPerTask.Spread(), s.NsPerTask.N, tc.wantWide[s.Pool])
				}
				if s.NsPerTask.N != stats.MinSamples+s.Extra {
					t.Errorf("cell %s: n = %d; want %d + %d extra", s.Pool, s.NsPerTask.N, stats.MinSamples, s.Extra)
				}
				if !s.Wide && s.NsPerTask.Spread() > MaxSpread {
					t.Errorf("cell %s: spread %.2f > %.2f but not Wide", s.Pool, s.NsPerTask.Spread(), MaxSpread)
				}
			}
			if tc.wantTail != "" {
				if got := strings.Join(order[len(pools)*stats.MinSamples:], ""); got != tc.wantTail {
					t.Errorf("extra samples in order %s; want %s", got, tc.wantTail)
				}
			}
		})
	}
}

func TestSetRatios(t *testing.T) {
	cell := func(work string, sub int, pool string, median float64) results.ThroughputCell {
		return results.ThroughputCell{Work: work, Sub: sub, Pool: pool, NsPerTask: results.Summary{Median: median}}
	}
	cells := []results.ThroughputCell{
		cell("noop", 1, "custom", 100),
		cell("noop", 1, "ants", 300),
		cell("noop", 1, FloorChan, 50),
		cell("noop", 1, FloorStatic, 10),
		cell("noop", 16, "ants", 900), // no custom or floors at sub=16
		cell("cpu", 1, "custom", 1000),
		cell("cpu", 1, FloorStatic, 500),
	}
	setRatios(cells)
	for _, tc := range []struct {
		i                     int
		custom, chanR, static float64 // 0: want nil
	}{
		{0, 1, 2, 10},
		{1, 3, 6, 30},
		{2, 0.5, 1, 5},
		{3, 0.1, 0.2, 1},
		{4, 0, 0, 0},
		{5, 1, 0, 2},
		{6, 0.5, 0, 1},
	} {
		c := cells[tc.i]
		for _, r := range []struct {
			name string
			got  *float64
			want float64
		}{{"VsCustom", c.VsCustom, tc.custom}, {"VsChan", c.VsChan, tc.chanR}, {"VsStatic", c.VsStatic, tc.static}} {
			switch {
			case r.want == 0 && r.got != nil:
				t.Errorf("%s/%d/%s %s = %v; want nil", c.Work, c.Sub, c.Pool, r.name, *r.got)
			case r.want != 0 && (r.got == nil || *r.got != r.want):
				t.Errorf("%s/%d/%s %s = %v; want %v", c.Work, c.Sub, c.Pool, r.name, r.got, r.want)
			}
		}
	}
}

// TestMeasureGroup runs a real, tiny group: every cell gets at least stats.MinSamples samples
// and the ratios come out of the group's own medians.
func TestMeasureGroup(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := Workloads(results.Calibration{Rounds: 100})[0]
	plan := throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples, sampleTime: time.Millisecond}
	names := []string{"custom", "ants", FloorChan, FloorStatic}
	cells, err := measureGroup(context.Background(), w, 2, names, plan, study.Options{})
	if err != nil {
		t.Fatalf("measureGroup() = %v", err)
	}
	if len(cells) != len(names) {
		t.Fatalf("measureGroup() gave %d cells; want %d", len(cells), len(names))
	}
	setRatios(cells)
	for i, c := range cells {
		if c.Pool != names[i] || c.NsPerTask.N < stats.MinSamples || c.NsPerTask.Median <= 0 || c.Batches < 1 {
			t.Errorf("cell %d = %s n=%d median=%v batches=%d; want %s, n >= %d, median > 0",
				i, c.Pool, c.NsPerTask.N, c.NsPerTask.Median, c.Batches, names[i], stats.MinSamples)
		}
		if (c.SubmitP99 == nil) != (c.Pool == FloorStatic) {
			t.Errorf("cell %s: SubmitP99 = %v; want nil only for static", c.Pool, c.SubmitP99)
		}
		if c.VsCustom == nil || *c.VsCustom != c.NsPerTask.Median/cells[0].NsPerTask.Median {
			t.Errorf("cell %s: VsCustom = %v; want its median over custom's", c.Pool, c.VsCustom)
		}
	}
}

func TestPlanThroughput(t *testing.T) {
	for _, tc := range []struct {
		name        string
		opts        study.Options
		wantSamples int
	}{
		{"default", study.Options{}, stats.MinSamples},
		{"quick", study.Options{Quick: true}, stats.MinSamples},
		{"more", study.Options{Samples: 10}, 10},
		{"fewer than MinSamples are raised", study.Options{Samples: 3}, stats.MinSamples},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := planThroughput(tc.opts)
			if p.samples != tc.wantSamples || p.maxSamples < p.samples {
				t.Errorf("planThroughput(%+v) = %+v; want %d samples, a cap >= them", tc.opts, p, tc.wantSamples)
			}
		})
	}
}
