package examples_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

// Example_custom_batch submits a batch and waits for it: Shutdown drains the queue.
func Example_custom_batch() {
	p, err := pools.NewCustom(pools.Config{Workers: 4})
	if err != nil {
		panic(err)
	}
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		if err := p.Submit(func() { sum.Add(int64(i)) }); err != nil {
			panic(err)
		}
	}
	if err := p.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_custom_bounded has one worker and room for one waiting task.
//
// Workaround: Submit blocks while the queue is full and there is no TrySubmit, so a
// semaphore of Workers+Queue slots, taken before Submit and given back when the task
// ends, turns the wait into a rejection.
func Example_custom_bounded() {
	p, err := pools.NewCustom(pools.Config{Workers: 1, Queue: 1})
	if err != nil {
		panic(err)
	}
	slots := make(chan struct{}, 2)
	trySubmit := func(task func()) bool {
		select {
		case slots <- struct{}{}:
		default:
			return false
		}
		if err := p.Submit(func() { defer func() { <-slots }(); task() }); err != nil {
			panic(err)
		}
		return true
	}
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	trySubmit(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("accepted:", trySubmit(func() { ran.Add(1) }))
	}
	close(release)
	if err := p.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: true
	// accepted: false
	// ran: 2
}

// Example_custom_shutdown gives Shutdown 10 ms while a task is stuck.
func Example_custom_shutdown() {
	p, err := pools.NewCustom(pools.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := p.Submit(func() { close(started); <-release; close(finished) }); err != nil {
		panic(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println("shutdown:", p.Shutdown(ctx))
	close(release)
	<-finished
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: context deadline exceeded
	// then the stuck task finished
}

// Example_custom_results squares a batch, or returns the first error.
//
// Workaround: the pool has no results and no way to wait for a batch short of Shutdown, so
// each batch gets its own pool, results go to their index and a sync.Once keeps the first
// error.
func Example_custom_results() {
	squares := func(in []int) ([]int, error) {
		p, err := pools.NewCustom(pools.Config{Workers: 2})
		if err != nil {
			return nil, err
		}
		out := make([]int, len(in))
		var once sync.Once
		var first error
		for i, v := range in {
			if err := p.Submit(func() {
				sq, err := square(v)
				if err != nil {
					once.Do(func() { first = err })
				}
				out[i] = sq
			}); err != nil {
				return nil, err
			}
		}
		if err := p.Shutdown(context.Background()); err != nil {
			return nil, err
		}
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

// Example_custom_panic recovers a panicking task and reports it to a panic handler; the
// worker lives on.
func Example_custom_panic() {
	panics := make(chan any, 1)
	p, err := pools.NewCustom(pools.Config{Workers: 1},
		pools.WithPanicHandler(func(worker int, v any, stack []byte) { panics <- v }))
	if err != nil {
		panic(err)
	}
	var ran atomic.Int32
	if err := p.Submit(func() { panic("boom") }); err != nil {
		panic(err)
	}
	if err := p.Submit(func() { ran.Add(1) }); err != nil {
		panic(err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
