package throughput

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"poolbench/pools"
)

// SampleEvery is how often a Runner times a task: tasks 0, SampleEvery, 2*SampleEvery ...
// of each batch record when Submit was called, when it returned and when the task started.
// Timing one task in 32 costs three clock reads per 32 tasks, a few ns per task, and gives
// 31 timings per batch for the p99s.
const SampleEvery = 32

// A Runner runs batches of one workload's tasks on one executor or floor, submitted by
// a fixed number of goroutines. The executor is built once, so that a batch measures
// steady work, not start-up; BenchmarkThroughput and the throughput study both use it.
type Runner struct {
	pool string
	sub  int
	n    int            // tasks per batch: the first n of tasks
	exec pools.Executor // nil for the static floor
	stat *staticFloor   // nil unless the static floor

	tasks []func()       // built once: batches allocate nothing of their own
	sink  []uint64       // task i's Work result
	done  sync.WaitGroup // one Done per task of the batch in flight
	base  time.Time

	// Goroutines alive before the Runner built anything, and those it started to submit:
	// what PeakGoroutines leaves out.
	before, submitters int

	// Written at sampled indexes only: by the submitter (called, returned) and by the task
	// (started); read after the batch, so each slot has one writer at a time.
	called, returned, started []time.Duration
	peaks                     []int // per submitter: the most goroutines it saw

	spans    chan span      // to the persistent submitters when sub > 1
	spanDone sync.WaitGroup // one Done per span
	subErrs  []error        // per submitter, for the batch in flight
	subExit  sync.WaitGroup // the submitters' goroutines

	blocked, waited []time.Duration // gathered from every batch since the last Timings
}

// span is one submitter's share of a batch: tasks [lo, hi).
type span struct{ k, lo, hi int }

// NewRunner builds pool (an executor from pools.Names or a floor from Floors) with
// Config{Workers: workers, Queue: BatchSize}, so that an executor with a queue can hold
// a whole batch, and prepares sub submitting goroutines. Close releases it.
func NewRunner(w Workload, pool string, workers, sub int) (*Runner, error) {
	if sub < 1 {
		return nil, fmt.Errorf("compare: %d submitters; want >= 1", sub)
	}
	if pool == FloorStatic && workers > BatchSize {
		return nil, fmt.Errorf("compare: the static floor with %d workers: want at most %d, one per task of a batch", workers, BatchSize)
	}
	r := &Runner{
		pool:     pool,
		sub:      sub,
		n:        BatchSize,
		before:   runtime.NumGoroutine(),
		tasks:    make([]func(), BatchSize),
		sink:     make([]uint64, BatchSize),
		base:     time.Now(),
		called:   make([]time.Duration, BatchSize),
		returned: make([]time.Duration, BatchSize),
		started:  make([]time.Duration, BatchSize),
		peaks:    make([]int, sub),
		subErrs:  make([]error, sub),
	}
	for i := range r.tasks {
		r.tasks[i] = r.task(w, i)
	}
	cfg := pools.Config{Workers: workers, Queue: BatchSize}
	switch pool {
	case FloorChan:
		r.exec = newChanFloor(cfg.Workers, cfg.Queue)
	case FloorStatic:
		r.stat = newStaticFloor(cfg.Workers, r.tasks)
	default:
		e, err := pools.New(pool, cfg)
		if err != nil {
			return nil, fmt.Errorf("compare: %w", err)
		}
		r.exec = e
	}
	if sub > 1 && r.exec != nil {
		r.submitters = sub
		r.spans = make(chan span, sub)
		for range sub {
			// Ended by Close, which closes spans.
			r.subExit.Go(func() {
				for s := range r.spans {
					r.subErrs[s.k] = r.submit(s.k, s.lo, s.hi)
					r.spanDone.Done()
				}
			})
		}
	}
	return r, nil
}

// task builds task i: its work, the start time when i is sampled, and the batch's Done.
func (r *Runner) task(w Workload, i int) func() {
	sampled := i%SampleEvery == 0
	switch {
	case w.Work == nil && !sampled:
		return r.done.Done
	case w.Work == nil:
		return func() {
			r.started[i] = time.Since(r.base)
			r.done.Done()
		}
	case !sampled:
		return func() {
			r.sink[i] = w.Work(i)
			r.done.Done()
		}
	default:
		return func() {
			r.started[i] = time.Since(r.base)
			r.sink[i] = w.Work(i)
			r.done.Done()
		}
	}
}

// SetTasks makes every later batch its first n tasks, 1 <= n <= BatchSize: for a pool
// that runs a batch so slowly that one would outlast a sample.
func (r *Runner) SetTasks(n int) { r.n = min(max(n, 1), BatchSize) }

// Tasks returns the tasks of one batch.
func (r *Runner) Tasks() int { return r.n }

// Reserve makes room for the timings of batches more batches, so that gathering them
// allocates nothing while a benchmark is timed.
func (r *Runner) Reserve(batches int) {
	n := batches * ((r.n + SampleEvery - 1) / SampleEvery)
	r.blocked = slices.Grow(r.blocked, n)
	r.waited = slices.Grow(r.waited, n)
}

// Batch submits a batch's tasks from the Runner's submitters and waits until every one
// has run. The static floor has no submitters: its goroutines run their shares in place.
func (r *Runner) Batch() error {
	r.done.Add(r.n)
	if r.stat != nil {
		r.stat.batch(r.n)
		r.done.Wait()
		return nil
	}
	var err error
	if r.sub == 1 {
		err = r.submit(0, 0, r.n)
	} else {
		r.spanDone.Add(r.sub)
		for k := range r.sub {
			r.spans <- span{k: k, lo: k * r.n / r.sub, hi: (k + 1) * r.n / r.sub}
		}
		r.spanDone.Wait()
		err = errors.Join(r.subErrs...)
	}
	r.done.Wait()
	if err != nil {
		return err
	}
	for i := 0; i < r.n; i += SampleEvery {
		r.blocked = append(r.blocked, r.returned[i]-r.called[i])
		// A task can start before its Submit returns (a new goroutine on an idle P): it
		// waited for nothing.
		r.waited = append(r.waited, max(r.started[i]-r.returned[i], 0))
	}
	return nil
}

// submit hands tasks [lo, hi) to the executor, as submitter k. After a failed Submit it
// stops and marks the tasks it did not hand over as done, so that the batch still ends.
func (r *Runner) submit(k, lo, hi int) error {
	for i := lo; i < hi; i++ {
		if i%SampleEvery != 0 {
			if err := r.exec.Submit(r.tasks[i]); err != nil {
				r.done.Add(-(hi - i))
				return fmt.Errorf("compare: %s: Submit: %w", r.pool, err)
			}
			continue
		}
		r.peaks[k] = max(r.peaks[k], runtime.NumGoroutine())
		r.called[i] = time.Since(r.base)
		err := r.exec.Submit(r.tasks[i])
		r.returned[i] = time.Since(r.base)
		if err != nil {
			r.done.Add(-(hi - i))
			return fmt.Errorf("compare: %s: Submit: %w", r.pool, err)
		}
	}
	return nil
}

// Timings returns, for the sampled tasks of every batch since the last call, the time
// each spent in Submit and the time from Submit's return to the task's start, then
// forgets them. Both are empty for the static floor, which has no Submit.
func (r *Runner) Timings() (blocked, waited []time.Duration) {
	blocked, waited = slices.Clone(r.blocked), slices.Clone(r.waited)
	r.blocked, r.waited = r.blocked[:0], r.waited[:0]
	return blocked, waited
}

// PeakGoroutines returns the most goroutines any submitter saw when it timed a Submit,
// since the Runner was built, beyond those alive before and the Runner's own submitters:
// the executor's own peak, provided nothing else in the process starts goroutines
// meanwhile (runtime.NumGoroutine counts the whole process).
func (r *Runner) PeakGoroutines() int { return max(slices.Max(r.peaks)-r.before-r.submitters, 0) }

// Close stops the submitters and shuts the executor or floor down, waiting at most until
// ctx is done.
func (r *Runner) Close(ctx context.Context) error {
	if r.spans != nil {
		close(r.spans)
		r.subExit.Wait()
	}
	if r.stat != nil {
		r.stat.close()
		return nil
	}
	if err := r.exec.Shutdown(ctx); err != nil {
		return fmt.Errorf("compare: %s: Shutdown: %w", r.pool, err)
	}
	return nil
}

// Percentile returns the p-th percentile (0 < p <= 100) of ds by the nearest-rank method;
// 0 for no ds. It sorts ds.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := int(float64(len(ds))*p/100+0.999999999) - 1
	return ds[min(max(rank, 0), len(ds)-1)]
}

// HeapAllocs returns the heap allocations this process has made so far, in objects and
// bytes, as testing's -benchmem counts them: runtime.ReadMemStats, which flushes every P's
// cached counts (runtime/metrics' /gc/heap/allocs lag behind until a span is refilled, far
// too coarse for one batch). It stops the world briefly: call it outside timed loops.
func HeapAllocs() (objects, bytes uint64) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs, m.TotalAlloc
}
