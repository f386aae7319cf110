package throughput

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	"poolbench/compare/results"
	"poolbench/pools"
)

// PendingTasks is how many tasks the pending measurement leaves waiting.
const PendingTasks = 1_000_000

// MeasurePending builds pool with Config{Workers: workers, Queue: tasks}, blocks its
// workers on a gate and submits tasks tasks of which none can finish, then measures the
// memory and goroutines it holds. When Submit makes no progress for stall (it blocks,
// because the executor holds no more), the result is not Applicable rather than a hang.
// Either way the gate then opens, every accepted task runs, and the executor is shut down.
func MeasurePending(ctx context.Context, pool string, workers, tasks int, stall time.Duration) (results.Pending, error) {
	p := results.Pending{Pool: pool, Tasks: tasks, Workers: workers}
	// Two GCs: the first may shrink stacks that the second then counts settled, so that
	// the baseline does not fall while we measure.
	runtime.GC()
	runtime.GC()
	heap0, stack0 := liveMemory()
	g0 := runtime.NumGoroutine()

	exec, err := pools.New(pool, pools.Config{Workers: workers, Queue: tasks})
	if err != nil {
		return p, fmt.Errorf("compare: pending: %w", err)
	}
	gate := make(chan struct{})
	var ran sync.WaitGroup
	task := func() {
		<-gate
		ran.Done()
	}
	var accepted atomic.Int64
	var stop atomic.Bool
	var submitErr error
	submitted := make(chan struct{})
	start := time.Now()
	// Ends after the last Submit, or after the first once stop is set: a blocked Submit
	// returns once the gate opens.
	go func() {
		defer close(submitted)
		for range tasks {
			if stop.Load() {
				return
			}
			ran.Add(1)
			if err := exec.Submit(task); err != nil {
				ran.Done()
				submitErr = fmt.Errorf("compare: pending: %s: Submit: %w", pool, err)
				return
			}
			accepted.Add(1)
		}
	}()

	finished := waitProgress(ctx, submitted, &accepted, stall)
	p.SubmitDuration = time.Since(start)
	p.Accepted = int(accepted.Load())
	p.Goroutines = runtime.NumGoroutine() - g0
	switch {
	case finished && submitErr == nil:
		p.Applicable = true
		runtime.GC()
		heap1, stack1 := liveMemory()
		p.HeapBytes, p.StackBytes = int64(heap1)-int64(heap0), int64(stack1)-int64(stack0)
		p.BytesPerTask = float64(p.HeapBytes+p.StackBytes) / float64(max(p.Accepted, 1))
	case !finished && ctx.Err() == nil:
		p.Reason = fmt.Sprintf("Submit blocked for %v with %d tasks accepted (Workers = %d)", stall, p.Accepted, workers)
	}
	stop.Store(true)
	close(gate)
	<-submitted
	ran.Wait()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := exec.Shutdown(sctx); err != nil {
		return p, fmt.Errorf("compare: pending: %s: Shutdown: %w", pool, err)
	}
	if submitErr != nil {
		return p, submitErr
	}
	return p, ctx.Err()
}

// waitProgress waits until done is closed (true), or until count has not moved for stall
// or ctx is done (false).
func waitProgress(ctx context.Context, done <-chan struct{}, count *atomic.Int64, stall time.Duration) bool {
	tick := time.NewTicker(min(stall/10, 10*time.Millisecond))
	defer tick.Stop()
	last, lastMove := count.Load(), time.Now()
	for {
		select {
		case <-done:
			return true
		case <-ctx.Done():
			return false
		case now := <-tick.C:
			if n := count.Load(); n != last {
				last, lastMove = n, now
			} else if now.Sub(lastMove) >= stall {
				return false
			}
		}
	}
}

// liveMemory returns the bytes in heap objects and in goroutine stacks.
func liveMemory() (heap, stacks uint64) {
	s := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
	}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}
