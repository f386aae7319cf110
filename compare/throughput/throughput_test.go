package throughput

import (
	"context"
	"fmt"
	"runtime"
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
	cell := func(procs int, work string, workers, sub int, pool string, median float64) results.ThroughputCell {
		return results.ThroughputCell{Procs: procs, Work: work, Workers: workers, Sub: sub, Pool: pool, NsPerTask: results.Summary{Median: median}}
	}
	cells := []results.ThroughputCell{
		cell(2, "noop", 2, 1, "custom", 100),
		cell(2, "noop", 2, 1, "ants", 300),
		cell(2, "noop", 2, 1, FloorChan, 50),
		cell(2, "noop", 2, 1, FloorStatic, 10),
		cell(2, "noop", 2, 16, "ants", 900), // no custom or floors at sub=16
		cell(2, "cpu", 2, 1, "custom", 1000),
		cell(2, "cpu", 2, 1, FloorStatic, 500),
		cell(2, "cpu", LargePool, 1, "ants", 2000), // custom and static ran with 2 workers only
		cell(1, "cpu", 1, 1, "ants", 3000),         // nor at GOMAXPROCS 1
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
		{7, 0, 0, 0},
		{8, 0, 0, 0},
	} {
		c := cells[tc.i]
		for _, r := range []struct {
			name string
			got  *float64
			want float64
		}{{"VsCustom", c.VsCustom, tc.custom}, {"VsChan", c.VsChan, tc.chanR}, {"VsStatic", c.VsStatic, tc.static}} {
			switch {
			case r.want == 0 && r.got != nil:
				t.Errorf("cell %d %s = %v; want nil", tc.i, r.name, *r.got)
			case r.want != 0 && (r.got == nil || *r.got != r.want):
				t.Errorf("cell %d %s = %v; want %v", tc.i, r.name, r.got, r.want)
			}
		}
	}
}

// TestMeasureGroup runs a real, tiny group: every cell gets at least stats.MinSamples samples,
// a cell whose batch outlasts a sample runs fewer tasks per batch, and the ratios come out
// of the group's own medians.
func TestMeasureGroup(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	w := Workload{Workload: results.Workload{Name: "sleep"}, Work: func(int) uint64 { time.Sleep(20 * time.Microsecond); return 0 }}
	plan := throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples, sampleTime: time.Millisecond}
	g := group{procs: 2, workers: 2, sub: 1, w: w, pools: []string{"custom", "ants", "tunny", FloorChan, FloorStatic}}
	cells, err := measureGroup(context.Background(), g, plan, study.Options{})
	if err != nil {
		t.Fatalf("measureGroup() = %v", err)
	}
	if len(cells) != len(g.pools) {
		t.Fatalf("measureGroup() gave %d cells; want %d", len(cells), len(g.pools))
	}
	setRatios(cells)
	for i, c := range cells {
		if c.Pool != g.pools[i] || c.NsPerTask.N < stats.MinSamples || c.NsPerTask.Median <= 0 || c.Batches < 1 {
			t.Errorf("cell %d = %s n=%d median=%v batches=%d; want %s, n >= %d, median > 0",
				i, c.Pool, c.NsPerTask.N, c.NsPerTask.Median, c.Batches, g.pools[i], stats.MinSamples)
		}
		if c.Procs != g.procs || c.Workers != g.workers || c.Sub != g.sub || c.Work != w.Name {
			t.Errorf("cell %s = %+v; want the group's row", c.Pool, c)
		}
		// 1000 sleeps of 20µs on 2 workers outlast a 1ms sample: the batch is cut.
		if c.Tasks < SampleEvery || c.Tasks >= BatchSize {
			t.Errorf("cell %s: Tasks = %d; want fewer than %d, at least %d", c.Pool, c.Tasks, BatchSize, SampleEvery)
		}
		if (c.SubmitP99 == nil) != (c.Pool == FloorStatic) {
			t.Errorf("cell %s: SubmitP99 = %v; want nil only for static", c.Pool, c.SubmitP99)
		}
		if c.VsCustom == nil || *c.VsCustom != c.NsPerTask.Median/cells[0].NsPerTask.Median {
			t.Errorf("cell %s: VsCustom = %v; want its median over custom's", c.Pool, c.VsCustom)
		}
	}
}

func TestMeasureLifecycle(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	plan := throughputPlan{samples: stats.MinSamples, lifeTime: time.Millisecond}
	names := []string{"custom", "ants", "book"}
	cells, err := measureLifecycle(context.Background(), 2, []int{2, 64}, names, plan, study.Options{})
	if err != nil {
		t.Fatalf("measureLifecycle() = %v", err)
	}
	if len(cells) != 2*len(names) {
		t.Fatalf("measureLifecycle() gave %d cells; want %d", len(cells), 2*len(names))
	}
	for i, c := range cells {
		wantWorkers := []int{2, 64}[i/len(names)]
		if c.Pool != names[i%len(names)] || c.Workers != wantWorkers || c.Procs != 2 || c.Ns.N != stats.MinSamples || c.Ns.Median <= 0 || c.Cycles < 1 {
			t.Errorf("cell %d = %+v; want %s with %d workers, %d samples, a median > 0", i, c, names[i%len(names)], wantWorkers, stats.MinSamples)
		}
	}
}

func TestGroups(t *testing.T) {
	ws := Workloads(results.Calibration{Rounds: 1})
	gs := groups(ws, []int{1, 4}, []string{"custom", "ants"})
	// Per GOMAXPROCS: noop and cpu at two sizes, hash, io and mixed at one, each with
	// every submitter count.
	perProcs := 7 * len(Submitters())
	if len(gs) != 2*perProcs {
		t.Fatalf("groups() = %d groups; want %d", len(gs), 2*perProcs)
	}
	for i, g := range gs {
		if want := []int{1, 4}[i/perProcs]; g.procs != want {
			t.Errorf("group %d at GOMAXPROCS %d; want %d (one GOMAXPROCS after the other)", i, g.procs, want)
		}
		if want := WithFloors([]string{"custom", "ants"}, g.workers); !slices.Equal(g.pools, want) {
			t.Errorf("group %d (%s, %d workers) pools = %v; want %v", i, g.w.Name, g.workers, g.pools, want)
		}
	}
}

func TestScheduleLeft(t *testing.T) {
	s := &schedule{start: time.Now(), planned: []time.Duration{time.Minute, time.Minute, 2 * time.Minute}}
	if got := s.left(); got != 4*time.Minute {
		t.Errorf("left() before any step = %v; want the whole plan, 4m", got)
	}
	// The first step took twice its plan: the rest should too.
	s.start = time.Now().Add(-2 * time.Minute)
	s.next = 1
	if got := s.left(); got < 6*time.Minute-time.Second || got > 6*time.Minute+time.Second {
		t.Errorf("left() after a step twice as slow as planned = %v; want about 6m", got)
	}
	if name := s.step(2, "pending"); !strings.Contains(name, "step 3/3") || !strings.Contains(name, "study ETA") {
		t.Errorf("step() = %q; want the step's place and the study's ETA", name)
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
			if p.samples != tc.wantSamples || p.maxSamples < p.samples || p.sampleTime <= 0 || p.lifeTime <= 0 {
				t.Errorf("planThroughput(%+v) = %+v; want %d samples, a cap >= them, sample times > 0", tc.opts, p, tc.wantSamples)
			}
		})
	}
}

// recorder is a study.Progress that keeps the steps' names.
type recorder struct{ steps []string }

func (r *recorder) Step(name string, total int) { r.steps = append(r.steps, name) }
func (r *recorder) Add(int)                     {}

// TestRunAtEachGOMAXPROCS runs a tiny study at two GOMAXPROCS values: every row at each,
// cells that say where they ran, lifecycle cells per size, GOMAXPROCS restored, and
// progress that states the study's expected time from the first step.
func TestRunAtEachGOMAXPROCS(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	before := runtime.GOMAXPROCS(0)
	w := Workload{Workload: results.Workload{Name: "noop", PerProc: true}}
	plan := throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples, sampleTime: 200 * time.Microsecond,
		lifeTime: 100 * time.Microsecond, pendingTasks: 100, stall: 100 * time.Millisecond}
	var progress recorder
	opts := study.Options{Pools: []string{"custom", "pondv2"}, Procs: []int{1, 3}, Progress: &progress}
	tp, err := run(context.Background(), opts, plan, results.Calibration{Rounds: 1}, []Workload{w})
	if err != nil {
		t.Fatalf("run() = %v", err)
	}
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("GOMAXPROCS after run() = %d; want %d restored", got, before)
	}
	if !slices.Equal(tp.Procs, []int{1, 3}) {
		t.Errorf("Procs = %v; want [1 3]", tp.Procs)
	}
	rows := map[int]int{}
	for _, c := range tp.Cells {
		if c.Workers != c.Procs || c.NsPerTask.N < stats.MinSamples {
			t.Errorf("cell %+v; want GOMAXPROCS workers and %d samples", c, stats.MinSamples)
		}
		// custom starts its Workers in New and no more: its own, not the process's. The
		// median is asserted, not the max: one sample can also see goroutines that an
		// executor built before it started and that had not yet ended.
		if c.Pool == "custom" && c.PeakGoroutines.Median != float64(c.Workers) {
			t.Errorf("custom at GOMAXPROCS %d, sub=%d: peak goroutines %v, max %d; want %d, its workers", c.Procs, c.Sub, c.PeakGoroutines, c.MaxGoroutines, c.Workers)
		}
		rows[c.Procs]++
	}
	// Per GOMAXPROCS: every submitter count on two executors and both floors.
	if want := len(Submitters()) * 4; rows[1] != want || rows[3] != want {
		t.Errorf("cells per GOMAXPROCS = %v; want %d at 1 and at 3", rows, want)
	}
	if want := 2 * 2 * 2; len(tp.Lifecycle) != want { // GOMAXPROCS x sizes x executors
		t.Errorf("%d lifecycle cells; want %d", len(tp.Lifecycle), want)
	}
	if len(tp.Pending) != 2 {
		t.Errorf("%d pending results; want 2", len(tp.Pending))
	}
	if len(progress.steps) == 0 || !strings.Contains(progress.steps[0], "study ETA") ||
		!strings.Contains(progress.steps[0], fmt.Sprintf("step 1/%d", len(progress.steps))) {
		t.Errorf("first step = %q of %d; want its place among them all and the study's ETA", progress.steps[0], len(progress.steps))
	}
}
