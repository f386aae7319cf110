package examples_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bytedance/gopkg/util/gopool"
)

// Example_gopool_batch submits a batch and waits for it.
//
// Workaround: the pool has no wait, no stop and no close, so a sync.WaitGroup counts the
// tasks, each of which marks itself done.
func Example_gopool_batch() {
	p := gopool.NewPool("batch", 4, gopool.NewConfig())
	var sum atomic.Int64
	var wg sync.WaitGroup
	for i := 1; i <= 100; i++ {
		wg.Add(1)
		p.Go(func() { defer wg.Done(); sum.Add(int64(i)) })
	}
	wg.Wait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_gopool_bounded has one worker and room for one waiting task.
//
// Workaround: the task list is unbounded and Go never blocks or fails, so a semaphore of
// workers+queue slots, taken before Go and given back when the task ends, rejects the excess;
// a sync.WaitGroup waits, as the pool cannot.
func Example_gopool_bounded() {
	p := gopool.NewPool("bounded", 1, gopool.NewConfig())
	var wg sync.WaitGroup
	slots := make(chan struct{}, 2)
	tryGo := func(task func()) bool {
		select {
		case slots <- struct{}{}:
		default:
			return false
		}
		wg.Add(1)
		p.Go(func() { defer wg.Done(); defer func() { <-slots }(); task() })
		return true
	}
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	tryGo(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("accepted:", tryGo(func() { ran.Add(1) }))
	}
	close(release)
	wg.Wait()
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: true
	// accepted: false
	// ran: 2
}

// Example_gopool_shutdown waits 10 ms for the pool's tasks while one is stuck.
//
// Workaround: there is nothing to shut down and nothing to wait on, so a sync.WaitGroup
// counts the tasks and its Wait runs in a goroutine that a select bounds. Go still runs
// tasks afterwards: the pool has no stopped state.
func Example_gopool_shutdown() {
	p := gopool.NewPool("shutdown", 2, gopool.NewConfig())
	var wg sync.WaitGroup
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	wg.Add(1)
	p.Go(func() { defer wg.Done(); close(started); <-release; close(finished) })
	<-started
	stopped := make(chan struct{})
	go func() { wg.Wait(); close(stopped) }()
	select {
	case <-stopped:
		fmt.Println("shutdown: done")
	case <-time.After(10 * time.Millisecond):
		fmt.Println("shutdown: deadline passed")
	}
	close(release)
	<-finished
	<-stopped
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: deadline passed
	// then the stuck task finished
}

// Example_gopool_results squares a batch, or returns the first error.
//
// Workaround: the pool has no results and no wait, so results go to their index, a
// sync.Once keeps the first error and a sync.WaitGroup waits for the batch.
func Example_gopool_results() {
	p := gopool.NewPool("results", 2, gopool.NewConfig())
	squares := func(in []int) ([]int, error) {
		out := make([]int, len(in))
		var wg sync.WaitGroup
		var once sync.Once
		var first error
		for i, v := range in {
			wg.Add(1)
			p.Go(func() {
				defer wg.Done()
				sq, err := square(v)
				if err != nil {
					once.Do(func() { first = err })
				}
				out[i] = sq
			})
		}
		wg.Wait()
		if first != nil {
			return nil, first
		}
		return out, nil
	}
	fmt.Println(squares([]int{1, 2, 3, 4}))
	fmt.Println(squares([]int{1, -2, 3, 4}))
	// Output:
	// [1 4 9 16] <nil>
	// [] square(-2): negative input
}

// Example_gopool_panic survives a panicking task: the worker recovers it and hands it to the
// pool's panic handler (by default a log line with the stack on stderr), and lives on. The
// sync.WaitGroup is the wait the pool lacks (see Example_gopool_batch).
func Example_gopool_panic() {
	panics := make(chan any, 1)
	p := gopool.NewPool("panic", 1, gopool.NewConfig())
	p.SetPanicHandler(func(_ context.Context, v any) { panics <- v })
	var ran atomic.Int32
	var wg sync.WaitGroup
	wg.Add(2)
	p.Go(func() { defer wg.Done(); panic("boom") })
	p.Go(func() { defer wg.Done(); ran.Add(1) })
	wg.Wait()
	// Done runs as the panic unwinds, before the worker's recover calls the handler
	// (util/gopool/worker.go:58-68): the channel is what orders the two.
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
