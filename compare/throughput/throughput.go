package throughput

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"poolbench/compare/results"
	"poolbench/internal/stats"
	"poolbench/internal/study"
)

// MaxSpread is the widest 95% interval, relative to its median, that the throughput study
// accepts before it takes more samples of a cell.
const MaxSpread = 0.10

// throughputPlan sizes a throughput study.
type throughputPlan struct {
	samples, maxSamples int
	sampleTime          time.Duration // the time one sample of a cell aims to take
	lifeTime            time.Duration // the time one lifecycle sample aims to take
	pendingTasks        int
	stall               time.Duration // how long a Submit may block before pending is not applicable
}

// planThroughput sizes the study. At one GOMAXPROCS there are 288 cells (21 rows of 12
// executors and the floors); on a 2-core machine shared with other work, the study took
// about 3.5 minutes by default and 30 seconds with Quick. Short samples (50 ms, 6 ms with
// Quick) keep the grid of workloads, pool sizes and submitters whole; a cell whose
// interval is still wide takes at most 2 more samples (none with Quick), since on a busy
// machine most are.
func planThroughput(opts study.Options) throughputPlan {
	p := throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples + 2, sampleTime: 50 * time.Millisecond,
		lifeTime: 20 * time.Millisecond, pendingTasks: PendingTasks, stall: time.Second}
	if opts.Quick {
		p = throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples, sampleTime: 6 * time.Millisecond,
			lifeTime: 2 * time.Millisecond, pendingTasks: PendingTasks / 10, stall: 250 * time.Millisecond}
	}
	if opts.Samples > 0 {
		p.samples = max(opts.Samples, stats.MinSamples)
		p.maxSamples = max(p.maxSamples, p.samples)
	}
	return p
}

// sampleCost is what the plan expects one sample of a cell to take beyond its timed
// batches: building and closing the executor (a large pool that starts its workers in New
// takes tens of milliseconds) and one untimed batch.
const sampleCost = 10 * time.Millisecond

// pendingCost is what the plan expects one executor's pending measurement to take, per
// pending task.
const pendingCost = 1500 * time.Nanosecond

// A group is one row of the study: a workload with one pool size and submitter count at
// one GOMAXPROCS, on every executor and the floors that apply.
type group struct {
	procs, workers, sub int
	w                   Workload
	pools               []string
}

// groups lists the study's rows in the order it measures them.
func groups(ws []Workload, procs []int, executors []string) []group {
	var gs []group
	for _, n := range procs {
		for _, w := range ws {
			for _, workers := range w.Sizes(n) {
				for _, sub := range Submitters() {
					gs = append(gs, group{procs: n, workers: workers, sub: sub, w: w, pools: WithFloors(executors, workers)})
				}
			}
		}
	}
	return gs
}

// A schedule is the study's plan in time, step by step, so that progress can state the
// whole study's expected time before it starts and correct it as steps end.
type schedule struct {
	start   time.Time
	planned []time.Duration // per step
	next    int             // steps done
}

// left returns the time the steps not yet done should take: their planned time, scaled by
// how the steps done so far compared with their plan.
func (s *schedule) left() time.Duration {
	var done, rest time.Duration
	for i, d := range s.planned {
		if i < s.next {
			done += d
		} else {
			rest += d
		}
	}
	if done > 0 {
		rest = time.Duration(float64(rest) * float64(time.Since(s.start)) / float64(done))
	}
	return rest.Round(time.Second)
}

// step names step k of the schedule for progress, with the study's time left, and marks
// the steps before it done.
func (s *schedule) step(k int, name string) string {
	s.next = k
	return fmt.Sprintf("throughput %s (step %d/%d, study ETA %v)", name, k+1, len(s.planned), s.left())
}

// Run is the throughput study: at each GOMAXPROCS of opts.Procs (the current one when
// empty), every workload with each of its pool sizes and every submitter count on
// opts.Pools and the floors, then each executor's lifecycle cost; last, at the current
// GOMAXPROCS, the memory each executor holds with tasks pending. GOMAXPROCS is restored
// before Run returns.
//
// With opts.Quick the workloads run with GOMAXPROCS-sized pools only: the LargePool rows,
// whose executors take milliseconds to build, are the full study's.
func Run(ctx context.Context, opts study.Options) (*results.Throughput, error) {
	cal := Calibrate()
	ws := Workloads(cal)
	if opts.Quick {
		for i := range ws {
			ws[i].Fixed = slices.DeleteFunc(slices.Clone(ws[i].Fixed), func(n int) bool { return n == LargePool })
		}
	}
	return run(ctx, opts, planThroughput(opts), cal, ws)
}

// run is Run with its plan and workloads given.
func run(ctx context.Context, opts study.Options, plan throughputPlan, cal results.Calibration, ws []Workload) (*results.Throughput, error) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	procs := opts.Procs
	if len(procs) == 0 {
		procs = []int{prev}
	}
	t := &results.Throughput{
		BatchSize: BatchSize, SampleEvery: SampleEvery, Calibration: cal, Procs: procs,
		Submitters: Submitters(), Samples: plan.samples, MaxSamples: plan.maxSamples, MaxSpread: MaxSpread,
		SampleTime: plan.sampleTime, Floors: Floors(),
	}
	for _, w := range ws {
		t.Workloads = append(t.Workloads, w.Workload)
	}
	// The steps in the order they run: at each GOMAXPROCS its groups then the lifecycle
	// cells; pending last.
	gs := groups(ws, procs, opts.Pools)
	sched := &schedule{start: time.Now()}
	life := time.Duration(2*len(opts.Pools)*plan.samples) * (plan.lifeTime + sampleCost)
	for i, g := range gs {
		// On a shared machine most cells take every extra sample they may.
		sched.planned = append(sched.planned, time.Duration(len(g.pools)*plan.maxSamples)*(plan.sampleTime+sampleCost))
		if i == len(gs)-1 || gs[i+1].procs != g.procs {
			sched.planned = append(sched.planned, life)
		}
	}
	sched.planned = append(sched.planned, time.Duration(len(opts.Pools)*plan.pendingTasks)*pendingCost)

	step := 0
	for i, g := range gs {
		if err := ctx.Err(); err != nil {
			return t, err
		}
		runtime.GOMAXPROCS(g.procs)
		opts.Step(sched.step(step, fmt.Sprintf("gomaxprocs=%d work=%s workers=%d sub=%d", g.procs, g.w.Name, g.workers, g.sub)), len(g.pools)*plan.samples)
		step++
		cells, err := measureGroup(ctx, g, plan, opts)
		t.Cells = append(t.Cells, cells...)
		if err != nil {
			return t, err
		}
		if i < len(gs)-1 && gs[i+1].procs == g.procs {
			continue
		}
		sizes := []int{g.procs}
		if g.procs != LargePool {
			sizes = append(sizes, LargePool)
		}
		opts.Step(sched.step(step, fmt.Sprintf("gomaxprocs=%d lifecycle", g.procs)), len(sizes)*len(opts.Pools)*plan.samples)
		step++
		life, err := measureLifecycle(ctx, g.procs, sizes, opts.Pools, plan, opts)
		t.Lifecycle = append(t.Lifecycle, life...)
		if err != nil {
			return t, err
		}
	}
	runtime.GOMAXPROCS(prev)
	setRatios(t.Cells)
	opts.Step(sched.step(step, "pending"), len(opts.Pools))
	for _, name := range opts.Pools {
		p, err := MeasurePending(ctx, name, prev, plan.pendingTasks, plan.stall)
		if err != nil {
			return t, err
		}
		t.Pending = append(t.Pending, p)
		opts.Add(1)
	}
	return t, nil
}

// measureGroup measures one row on every executor and floor of g. Each sample builds
// its executor afresh and closes it before the next is built, so that no other executor's
// goroutines are alive while one is measured.
func measureGroup(ctx context.Context, g group, plan throughputPlan, opts study.Options) ([]results.ThroughputCell, error) {
	runs := make([]*cellRun, len(g.pools))
	for i, name := range g.pools {
		runs[i] = &cellRun{w: g.w, cell: results.ThroughputCell{Procs: g.procs, Work: g.w.Name, Workers: g.workers, Sub: g.sub, Pool: name}}
	}
	err := sampleRoundRobin(ctx, runs, plan.samples, plan.maxSamples, opts, func(c *cellRun) error {
		return c.sample(ctx, plan.sampleTime)
	})
	cells := make([]results.ThroughputCell, len(runs))
	for i, c := range runs {
		cells[i] = c.summary()
	}
	return cells, err
}

// sampleRoundRobin takes samples samples of every cell, one of each in turn (A B C A B C
// ...), so that a disturbance on a shared machine spreads over every cell instead of
// landing on one. Then, while some cells' intervals are wider than MaxSpread, it takes
// one more of each of those in turn, up to maxSamples each.
func sampleRoundRobin(ctx context.Context, cells []*cellRun, samples, maxSamples int, opts study.Options, take func(*cellRun) error) error {
	for range samples {
		for _, c := range cells {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := take(c); err != nil {
				return err
			}
			opts.Add(1)
		}
	}
	for range maxSamples - samples {
		var wide []*cellRun
		for _, c := range cells {
			if c.spread() > MaxSpread {
				wide = append(wide, c)
			}
		}
		if len(wide) == 0 {
			return nil
		}
		for _, c := range wide {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := take(c); err != nil {
				return err
			}
			c.cell.Extra++
		}
	}
	for _, c := range cells {
		c.cell.Wide = c.spread() > MaxSpread
	}
	return nil
}

// cellRun is a cell being measured: its workload and the samples so far.
type cellRun struct {
	cell                 results.ThroughputCell
	w                    Workload
	ns, allocs, bytes    []float64
	submitP99s, waitP99s []float64
	peaks                []float64
}

// sample takes one sample. It builds the cell's Runner, warms it up so that the
// executor's workers have started (the first sample sizes the cell, which warms it; later
// ones run one untimed batch of warmTasks), times Batches batches and closes the Runner.
func (c *cellRun) sample(ctx context.Context, d time.Duration) (err error) {
	settle()
	r, err := NewRunner(c.w, c.cell.Pool, c.cell.Workers, c.cell.Sub)
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = errors.Join(err, r.Close(sctx))
	}()
	if c.cell.Batches == 0 {
		err = c.size(r, d)
	} else {
		r.SetTasks(c.warmTasks())
		err = r.Batch()
		r.SetTasks(c.cell.Tasks)
	}
	if err != nil {
		return err
	}
	r.Reserve(c.cell.Batches)
	r.Timings()
	objs0, bytes0 := HeapAllocs()
	start := time.Now()
	for range c.cell.Batches {
		if err := r.Batch(); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	objs1, bytes1 := HeapAllocs()
	tasks := float64(c.cell.Batches * c.cell.Tasks)
	c.ns = append(c.ns, float64(elapsed.Nanoseconds())/tasks)
	c.allocs = append(c.allocs, float64(objs1-objs0)/tasks)
	c.bytes = append(c.bytes, float64(bytes1-bytes0)/tasks)
	if blocked, waited := r.Timings(); len(blocked) > 0 {
		c.submitP99s = append(c.submitP99s, float64(Percentile(blocked, 99).Nanoseconds()))
		c.waitP99s = append(c.waitP99s, float64(Percentile(waited, 99).Nanoseconds()))
	}
	if c.cell.Pool != FloorStatic { // no Submit, so nothing counts
		c.peaks = append(c.peaks, float64(r.PeakGoroutines()))
	}
	return nil
}

// size picks the cell's batch and the batches one sample times, so that a sample takes
// about d, and leaves r set to that batch. After one untimed batch of the smallest size
// (a fresh executor may still be starting its workers), it times batches of SampleEvery
// tasks (or one per submitter), then twice as many each time up to BatchSize, and stops
// growing the batch once one takes longer than d: a pool that runs a batch one task after
// another (a synchronous Submit with one submitter and sleeping tasks) then gets a
// shorter batch rather than samples many times d long. Every other cell gets whole
// batches, as many as fit in d by the time of those run for about d/4.
func (c *cellRun) size(r *Runner, d time.Duration) error {
	n := min(max(SampleEvery, c.cell.Sub), BatchSize)
	r.SetTasks(n)
	if err := r.Batch(); err != nil {
		return err
	}
	for {
		r.SetTasks(n)
		start := time.Now()
		batches := 0
		for batches == 0 || (n == BatchSize && time.Since(start) < d/4) {
			if err := r.Batch(); err != nil {
				return err
			}
			batches++
		}
		took := max(time.Since(start)/time.Duration(batches), 1)
		switch {
		case n == BatchSize:
			c.cell.Tasks, c.cell.Batches = n, min(max(int(d/took), 1), 10_000)
			return nil
		case took > d:
			c.cell.Tasks, c.cell.Batches = n, 1
			return nil
		}
		n = min(2*n, BatchSize)
	}
}

// warmTasks is the untimed batch that warms a fresh executor up: enough tasks for every
// worker and every submitter, and SampleEvery more, up to the cell's batch. With
// GOMAXPROCS workers that is a small part of a batch; a large pool gets a whole batch,
// so that a pool which starts workers as tasks come has grown as far as a batch takes it.
func (c *cellRun) warmTasks() int {
	return min(c.cell.Workers+c.cell.Sub+SampleEvery, c.cell.Tasks)
}

// settle lets goroutines that a closed executor left exiting finish, so that the next
// Runner counts its own goroutines from a settled baseline: it yields until the count
// stops falling, a few times at most.
func settle() {
	for range 10 {
		n := runtime.NumGoroutine()
		runtime.Gosched()
		if runtime.NumGoroutine() >= n {
			return
		}
	}
}

// spread is the width of the ns/task interval relative to its median.
func (c *cellRun) spread() float64 { return stats.Summarize(c.ns, "ns/task").Spread() }

// summary is the cell with its samples summarised.
func (c *cellRun) summary() results.ThroughputCell {
	cell := c.cell
	cell.NsPerTask = stats.Summarize(c.ns, "ns/task")
	cell.AllocsPerTask = stats.Summarize(c.allocs, "allocs/task")
	cell.BytesPerTask = stats.Summarize(c.bytes, "B/task")
	if len(c.submitP99s) > 0 {
		s, w := stats.Summarize(c.submitP99s, "ns"), stats.Summarize(c.waitP99s, "ns")
		cell.SubmitP99, cell.WaitP99 = &s, &w
	}
	if len(c.peaks) > 0 {
		cell.PeakGoroutines = stats.Summarize(c.peaks, "goroutines")
		cell.MaxGoroutines = int(slices.Max(c.peaks))
	}
	return cell
}

// setRatios sets every cell's ratios to the custom pool and to both floors on the same
// row: GOMAXPROCS, work, workers and sub.
func setRatios(cells []results.ThroughputCell) {
	type key struct {
		work, pool          string
		procs, workers, sub int
	}
	median := map[key]float64{}
	for _, c := range cells {
		median[key{c.Work, c.Pool, c.Procs, c.Workers, c.Sub}] = c.NsPerTask.Median
	}
	ratio := func(c results.ThroughputCell, pool string) *float64 {
		ref, ok := median[key{c.Work, pool, c.Procs, c.Workers, c.Sub}]
		if !ok || ref == 0 {
			return nil
		}
		r := c.NsPerTask.Median / ref
		return &r
	}
	for i, c := range cells {
		cells[i].VsCustom = ratio(c, "custom")
		cells[i].VsChan = ratio(c, FloorChan)
		cells[i].VsStatic = ratio(c, FloorStatic)
	}
}

// measureLifecycle times Cycle on every executor at each pool size of sizes, at the
// current GOMAXPROCS procs: plan.samples samples each, taken round-robin.
func measureLifecycle(ctx context.Context, procs int, sizes []int, executors []string, plan throughputPlan, opts study.Options) ([]results.LifecycleCell, error) {
	type lifeRun struct {
		cell              results.LifecycleCell
		ns, allocs, bytes []float64
	}
	var runs []*lifeRun
	for _, workers := range sizes {
		for _, name := range executors {
			runs = append(runs, &lifeRun{cell: results.LifecycleCell{Procs: procs, Workers: workers, Pool: name}})
		}
	}
	// One sample: Cycles cycles under one Shutdown deadline, made before the clock starts
	// so that its allocations are not counted.
	sample := func(c *lifeRun) error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if c.cell.Cycles == 0 { // size it: one cycle to warm up, one timed
			if err := Cycle(sctx, c.cell.Pool, c.cell.Workers); err != nil {
				return err
			}
			start := time.Now()
			if err := Cycle(sctx, c.cell.Pool, c.cell.Workers); err != nil {
				return err
			}
			c.cell.Cycles = min(max(int(plan.lifeTime/max(time.Since(start), 1)), 1), 10_000)
		}
		settle()
		objs0, bytes0 := HeapAllocs()
		start := time.Now()
		for range c.cell.Cycles {
			if err := Cycle(sctx, c.cell.Pool, c.cell.Workers); err != nil {
				return err
			}
		}
		elapsed := time.Since(start)
		objs1, bytes1 := HeapAllocs()
		n := float64(c.cell.Cycles)
		c.ns = append(c.ns, float64(elapsed.Nanoseconds())/n)
		c.allocs = append(c.allocs, float64(objs1-objs0)/n)
		c.bytes = append(c.bytes, float64(bytes1-bytes0)/n)
		return nil
	}
	var err error
samples:
	for range plan.samples {
		for _, c := range runs {
			if err = ctx.Err(); err != nil {
				break samples
			}
			if err = sample(c); err != nil {
				break samples
			}
			opts.Add(1)
		}
	}
	cells := make([]results.LifecycleCell, len(runs))
	for i, c := range runs {
		cells[i] = c.cell
		cells[i].Ns = stats.Summarize(c.ns, "ns")
		cells[i].Allocs = stats.Summarize(c.allocs, "allocs")
		cells[i].Bytes = stats.Summarize(c.bytes, "B")
	}
	return cells, err
}
