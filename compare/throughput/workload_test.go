package throughput

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/compare/results"
	"poolbench/internal/stats"
	"poolbench/pools"
)

func TestCalibrate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		perRound  time.Duration // what the fake clock says one Spin round costs
		target    time.Duration
		wantRound int
	}{
		{"2ns per round", 2 * time.Nanosecond, 10 * time.Microsecond, 5000},
		{"half a ns per round", 0, 10 * time.Microsecond, 20000},
		{"slow machine", 100 * time.Nanosecond, 10 * time.Microsecond, 100},
		{"long probes run slow", 2 * time.Nanosecond, 10 * time.Microsecond, 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			measure := func(rounds int) time.Duration {
				calls++
				d := time.Duration(rounds) * tc.perRound
				if tc.perRound == 0 {
					d = time.Duration(rounds / 2)
				}
				if rounds == calibrationProbe && tc.name == "long probes run slow" {
					d = d * 3 / 2 // the task-sized runs must correct this
				}
				if calls%7 == 0 { // disturbed runs: calibration must ignore them
					d *= 5
				}
				return d
			}
			cal := calibrate(tc.target, measure)
			if cal.Rounds != tc.wantRound {
				t.Errorf("calibrate() Rounds = %d; want %d", cal.Rounds, tc.wantRound)
			}
			if got := time.Duration(cal.Task.Median); got != tc.target {
				t.Errorf("calibrate() Task.Median = %v; want %v", got, tc.target)
			}
			if cal.Task.N < stats.MinSamples || cal.Target != tc.target {
				t.Errorf("calibrate() = %+v; want Target %v and N >= %d", cal, tc.target, stats.MinSamples)
			}
		})
	}
}

func TestSpin(t *testing.T) {
	if a, b := Spin(100, 7), Spin(100, 7); a != b {
		t.Error("Spin(100, 7) differs between calls; want it deterministic")
	}
	seen := map[uint64]int{}
	for _, rounds := range []int{0, 1, 2, 10, 100} {
		x := Spin(rounds, 7)
		if r, ok := seen[x]; ok {
			t.Errorf("Spin(%d, 7) = Spin(%d, 7) = %#x; want every round to change the state", rounds, r, x)
		}
		seen[x] = rounds
	}
}

func TestWorkloads(t *testing.T) {
	cal := results.Calibration{Rounds: 1000}
	ws := Workloads(cal)
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.Name
		if len(w.Sizes(2)) == 0 {
			t.Errorf("workload %s: no pool size at GOMAXPROCS 2", w.Name)
		}
		if w.TimerBound != (w.Name == "io") || w.TimerBound != (w.Why != "") {
			t.Errorf("workload %s: TimerBound = %v, Why = %q; want io alone timer-bound, with a reason", w.Name, w.TimerBound, w.Why)
		}
	}
	if want := []string{"noop", "cpu", "hash", "io", "mixed"}; !slices.Equal(names, want) {
		t.Errorf("Workloads() names = %v; want %v", names, want)
	}
	for _, tc := range []struct {
		work  string
		procs int
		want  []int
	}{
		{"noop", 2, []int{2, LargePool}},
		{"cpu", 64, []int{64, LargePool}},
		{"hash", 2, []int{2}},
		{"io", 2, []int{IOWorkers}},
		{"mixed", 1, []int{1}},
	} {
		i := slices.Index(names, tc.work)
		if got := ws[i].Sizes(tc.procs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Sizes(%d) = %v; want %v", tc.work, tc.procs, got, tc.want)
		}
	}
	hash := ws[slices.Index(names, "hash")].Work
	if hash(0) != hash(1) || hash(0) == 0 {
		t.Errorf("hash tasks gave %#x and %#x; want the same non-zero sum of the one fixed buffer", hash(0), hash(1))
	}
	long := 0
	for i := range BatchSize {
		if MixedLong(i) {
			long++
		}
	}
	// About one in MixedLongEvery: a few, neither none nor a large share.
	if want := BatchSize / MixedLongEvery; long < want/2 || long > want*2 {
		t.Errorf("MixedLong picks %d of %d tasks; want about %d", long, BatchSize, want)
	}
}

func TestWithFloors(t *testing.T) {
	for _, tc := range []struct {
		workers int
		want    []string
	}{
		{2, []string{"custom", FloorChan, FloorStatic}},
		{BatchSize, []string{"custom", FloorChan, FloorStatic}},
		{LargePool, []string{"custom", FloorChan}},
	} {
		if got := WithFloors([]string{"custom"}, tc.workers); !slices.Equal(got, tc.want) {
			t.Errorf("WithFloors(custom, %d) = %v; want %v", tc.workers, got, tc.want)
		}
	}
}

// TestRunner checks on every executor and floor that a batch runs each task exactly once,
// whole or cut short by SetTasks, and that every sampled task leaves one timing (none for
// static, which has no Submit).
func TestRunner(t *testing.T) {
	for _, pool := range append(pools.Names(), Floors()...) {
		for _, sub := range []int{1, 4} {
			t.Run(fmt.Sprintf("pool=%s/sub=%d", pool, sub), func(t *testing.T) {
				defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
				var runs [BatchSize]atomic.Int32
				w := Workload{Workload: results.Workload{Name: "count"}, Work: func(i int) uint64 {
					runs[i].Add(1)
					return uint64(i)
				}}
				r, err := NewRunner(w, pool, 3, sub)
				if err != nil {
					t.Fatalf("NewRunner(%s, 3, %d) = %v", pool, sub, err)
				}
				const batches, short = 3, 100
				for b := range batches {
					if b == batches-1 {
						r.SetTasks(short)
					}
					if err := r.Batch(); err != nil {
						t.Fatalf("Batch() = %v; want nil", err)
					}
				}
				for i := range runs {
					want := int32(batches)
					if i >= short {
						want--
					}
					if n := runs[i].Load(); n != want {
						t.Fatalf("task %d ran %d times in %d batches, the last of %d tasks; want %d", i, n, batches, short, want)
					}
				}
				blocked, waited := r.Timings()
				perBatch := func(n int) int { return (n + SampleEvery - 1) / SampleEvery }
				want := (batches-1)*perBatch(BatchSize) + perBatch(short)
				if pool == FloorStatic {
					want = 0
				}
				if len(blocked) != want || len(waited) != want {
					t.Errorf("Timings() gave %d and %d timings; want %d each", len(blocked), len(waited), want)
				}
				if b, _ := r.Timings(); len(b) != 0 {
					t.Errorf("second Timings() gave %d timings; want 0", len(b))
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := r.Close(ctx); err != nil {
					t.Errorf("Close() = %v; want nil", err)
				}
			})
		}
	}
}

func TestNewRunnerRejects(t *testing.T) {
	w := Workloads(results.Calibration{Rounds: 1})[0]
	for _, tc := range []struct {
		name          string
		pool          string
		workers, sub  int
		wantInMessage string
	}{
		{"no submitter", "custom", 2, 0, "0 submitters"},
		{"static beyond one worker per task", FloorStatic, BatchSize + 1, 1, "static floor"},
		{"unknown pool", "nope", 2, 1, "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRunner(w, tc.pool, tc.workers, tc.sub)
			if err == nil || !strings.Contains(err.Error(), tc.wantInMessage) {
				t.Errorf("NewRunner(%s, %d, %d) = %v, %v; want an error naming %q", tc.pool, tc.workers, tc.sub, r, err, tc.wantInMessage)
			}
		})
	}
}

// TestPeakGoroutines checks that a Runner counts its executor's goroutines alone: not
// those alive before it (here, another executor's idle workers), nor its submitters.
func TestPeakGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	noop := Workloads(results.Calibration{Rounds: 1})[0]
	bystander, err := pools.New("custom", pools.Config{Workers: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := bystander.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	}()
	for _, tc := range []struct {
		pool     string
		workers  int
		sub      int
		min, max int
	}{
		{"custom", 4, 1, 4, 4},  // its workers, started by New
		{"custom", 4, 16, 4, 4}, // the 16 submitters are not its own
		{FloorChan, 3, 8, 3, 3}, // the floor's workers
		// One per task in flight, however many Workers says; a task's goroutine counts until
		// it has ended, which can be after its batch is over, so two batches may overlap.
		{"goroutines", 2, 1, 1, 2 * BatchSize},
	} {
		t.Run(fmt.Sprintf("pool=%s/workers=%d/sub=%d", tc.pool, tc.workers, tc.sub), func(t *testing.T) {
			r, err := NewRunner(noop, tc.pool, tc.workers, tc.sub)
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				if err := r.Batch(); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if got := r.PeakGoroutines(); got < tc.min || got > tc.max {
				t.Errorf("PeakGoroutines() = %d; want %d to %d, with 500 idle workers of another executor alive", got, tc.min, tc.max)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(100 - i) // unsorted on purpose
	}
	for _, tc := range []struct {
		name string
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 99, 0},
		{"one", []time.Duration{5}, 99, 5},
		{"p99 of 1..100", hundred, 99, 99},
		{"p50 of 1..100", slices.Clone(hundred), 50, 50},
		{"p100 is the max", slices.Clone(hundred), 100, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Percentile(tc.ds, tc.p); got != tc.want {
				t.Errorf("Percentile(%s, %v) = %v; want %v", tc.name, tc.p, got, tc.want)
			}
		})
	}
}

func TestMeasurePending(t *testing.T) {
	const tasks, workers = 2000, 2
	for _, tc := range []struct {
		pool       string
		applicable bool
	}{
		{"custom", true},
		{"workerpool", true},
		{"goroutines", true},
		{"ants", false},
		{"errgroup", false},
	} {
		t.Run("pool="+tc.pool, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			p, err := MeasurePending(context.Background(), tc.pool, workers, tasks, 200*time.Millisecond)
			if err != nil {
				t.Fatalf("MeasurePending() = %v; want nil", err)
			}
			if p.Applicable != tc.applicable {
				t.Fatalf("MeasurePending() = %+v; want Applicable %v", p, tc.applicable)
			}
			if !p.Applicable {
				// No queue: Submit blocks once every worker holds a task.
				if p.Accepted != workers || p.Reason == "" {
					t.Errorf("MeasurePending() = %+v; want %d accepted and a reason", p, workers)
				}
				return
			}
			if p.Accepted != tasks {
				t.Errorf("Accepted = %d; want %d", p.Accepted, tasks)
			}
			// The heap holds the pending tasks; stacks alone can shrink meanwhile, as other
			// goroutines of the test binary end.
			if p.HeapBytes <= 0 {
				t.Errorf("heap held = %d (stacks %d); want > 0 with %d tasks pending", p.HeapBytes, p.StackBytes, tasks)
			}
			if tc.pool == "goroutines" && p.Goroutines < tasks {
				t.Errorf("Goroutines = %d; want >= %d, one per pending task", p.Goroutines, tasks)
			}
		})
	}
}
