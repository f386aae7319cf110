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
	sampleTime          time.Duration
	pendingTasks        int
	stall               time.Duration // how long a Submit may block before pending is not applicable
}

// planThroughput sizes the study: about 3 minutes by default and 20 seconds with Quick
// on a 2-core machine (80 cells).
func planThroughput(opts study.Options) throughputPlan {
	p := throughputPlan{samples: stats.MinSamples, maxSamples: 2 * stats.MinSamples, sampleTime: 150 * time.Millisecond,
		pendingTasks: PendingTasks, stall: time.Second}
	if opts.Quick {
		p = throughputPlan{samples: stats.MinSamples, maxSamples: stats.MinSamples + 2, sampleTime: 20 * time.Millisecond,
			pendingTasks: PendingTasks / 10, stall: 250 * time.Millisecond}
	}
	if opts.Samples > 0 {
		p.samples = max(opts.Samples, stats.MinSamples)
		p.maxSamples = max(p.maxSamples, p.samples)
	}
	return p
}

// Run is the throughput study: every workload with every submitter count on opts.Pools and the
// floors, then the memory each executor holds with tasks pending.
func Run(ctx context.Context, opts study.Options) (*results.Throughput, error) {
	plan := planThroughput(opts)
	cal := Calibrate()
	ws := Workloads(cal)
	t := &results.Throughput{
		BatchSize: BatchSize, SampleEvery: SampleEvery, Calibration: cal,
		Submitters: Submitters(), Samples: plan.samples, MaxSamples: plan.maxSamples, MaxSpread: MaxSpread,
		SampleTime: plan.sampleTime, Floors: Floors(),
	}
	for _, w := range ws {
		t.Workloads = append(t.Workloads, w.Workload)
	}
	names := append(slices.Clone(opts.Pools), Floors()...)
	for _, w := range ws {
		for _, sub := range t.Submitters {
			if err := ctx.Err(); err != nil {
				return t, err
			}
			opts.Step(fmt.Sprintf("throughput work=%s sub=%d", w.Name, sub), len(names)*plan.samples)
			cells, err := measureGroup(ctx, w, sub, names, plan, opts)
			t.Cells = append(t.Cells, cells...)
			if err != nil {
				return t, err
			}
		}
	}
	setRatios(t.Cells)
	opts.Step("throughput pending", len(opts.Pools))
	for _, name := range opts.Pools {
		p, err := MeasurePending(ctx, name, runtime.GOMAXPROCS(0), plan.pendingTasks, plan.stall)
		if err != nil {
			return t, err
		}
		t.Pending = append(t.Pending, p)
		opts.Add(1)
	}
	return t, nil
}

// measureGroup measures one workload and submitter count on every named executor and
// floor, each built once and kept for the group's samples.
func measureGroup(ctx context.Context, w Workload, sub int, names []string, plan throughputPlan, opts study.Options) (cells []results.ThroughputCell, err error) {
	runs := make([]*cellRun, 0, len(names))
	defer func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		for _, c := range runs {
			err = errors.Join(err, c.r.Close(sctx))
		}
	}()
	for _, name := range names {
		r, err := NewRunner(w, name, sub)
		if err != nil {
			return nil, err
		}
		c := &cellRun{cell: results.ThroughputCell{Work: w.Name, Sub: sub, Pool: name}, r: r}
		runs = append(runs, c)
		if err := c.size(plan.sampleTime); err != nil {
			return nil, err
		}
	}
	err = sampleRoundRobin(ctx, runs, plan.samples, plan.maxSamples, opts, (*cellRun).sample)
	for _, c := range runs {
		cells = append(cells, c.summary())
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

// cellRun is a cell being measured: its Runner and the samples so far.
type cellRun struct {
	cell                 results.ThroughputCell
	r                    *Runner
	ns, allocs, bytes    []float64
	submitP99s, waitP99s []float64
}

// size warms the runner up and picks how many batches one sample times, so that a sample
// takes about d.
func (c *cellRun) size(d time.Duration) error {
	if err := c.r.Batch(); err != nil {
		return err
	}
	start := time.Now()
	if err := c.r.Batch(); err != nil {
		return err
	}
	c.cell.Batches = min(max(int(d/max(time.Since(start), 1)), 1), 10_000)
	c.r.Reserve(c.cell.Batches)
	c.r.Timings()
	return nil
}

// sample takes one sample: one untimed batch, so that pools which let idle workers go
// since their last sample start warm, then Batches timed ones.
func (c *cellRun) sample() error {
	if err := c.r.Batch(); err != nil {
		return err
	}
	c.r.Timings()
	objs0, bytes0 := HeapAllocs()
	start := time.Now()
	for range c.cell.Batches {
		if err := c.r.Batch(); err != nil {
			return err
		}
	}
	elapsed := time.Since(start)
	objs1, bytes1 := HeapAllocs()
	tasks := float64(c.cell.Batches * BatchSize)
	c.ns = append(c.ns, float64(elapsed.Nanoseconds())/tasks)
	c.allocs = append(c.allocs, float64(objs1-objs0)/tasks)
	c.bytes = append(c.bytes, float64(bytes1-bytes0)/tasks)
	if blocked, waited := c.r.Timings(); len(blocked) > 0 {
		c.submitP99s = append(c.submitP99s, float64(Percentile(blocked, 99).Nanoseconds()))
		c.waitP99s = append(c.waitP99s, float64(Percentile(waited, 99).Nanoseconds()))
	}
	return nil
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
	if c.r != nil {
		cell.PeakGoroutines = c.r.PeakGoroutines()
	}
	return cell
}

// setRatios sets every cell's ratios to the custom pool and to both floors with the same
// work and sub.
func setRatios(cells []results.ThroughputCell) {
	type key struct {
		work, pool string
		sub        int
	}
	median := map[key]float64{}
	for _, c := range cells {
		median[key{c.Work, c.Pool, c.Sub}] = c.NsPerTask.Median
	}
	ratio := func(c results.ThroughputCell, pool string) *float64 {
		ref, ok := median[key{c.Work, pool, c.Sub}]
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
