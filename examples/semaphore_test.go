package examples_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Example_semaphore_batch submits a batch and waits for it, as the package's own worker-pool
// example does: each task acquires a unit and runs on a goroutine that releases it, and
// acquiring every unit waits for the last.
func Example_semaphore_batch() {
	ctx := context.Background()
	sem := semaphore.NewWeighted(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		if err := sem.Acquire(ctx, 1); err != nil {
			panic(err)
		}
		go func() { defer sem.Release(1); sum.Add(int64(i)) }()
	}
	if err := sem.Acquire(ctx, 4); err != nil {
		panic(err)
	}
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_semaphore_bounded has one unit and no queue: TryAcquire returns false when no unit
// is free.
func Example_semaphore_bounded() {
	sem := semaphore.NewWeighted(1)
	var ran atomic.Int32
	tryGo := func(task func()) bool {
		if !sem.TryAcquire(1) {
			return false
		}
		go func() { defer sem.Release(1); task() }()
		return true
	}
	started, release := make(chan struct{}), make(chan struct{})
	tryGo(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("accepted:", tryGo(func() { ran.Add(1) }))
	}
	close(release)
	if err := sem.Acquire(context.Background(), 1); err != nil {
		panic(err)
	}
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: false
	// accepted: false
	// ran: 1
}

// Example_semaphore_shutdown gives the wait for every unit 10 ms while a task is stuck:
// Acquire honours its context.
func Example_semaphore_shutdown() {
	sem := semaphore.NewWeighted(2)
	if err := sem.Acquire(context.Background(), 1); err != nil {
		panic(err)
	}
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() { defer sem.Release(1); close(started); <-release; close(finished) }()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println("shutdown:", sem.Acquire(ctx, 2))
	close(release)
	<-finished
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: context deadline exceeded
	// then the stuck task finished
}

// Example_semaphore_results squares a batch, or returns the first error. Results go to their
// index, as the package's own example does.
//
// Workaround: a semaphore has no errors to collect, so a sync.Once keeps the first.
func Example_semaphore_results() {
	squares := func(in []int) ([]int, error) {
		ctx := context.Background()
		sem := semaphore.NewWeighted(2)
		out := make([]int, len(in))
		var once sync.Once
		var first error
		for i, v := range in {
			if err := sem.Acquire(ctx, 1); err != nil {
				return nil, err
			}
			go func() {
				defer sem.Release(1)
				sq, err := square(v)
				if err != nil {
					once.Do(func() { first = err })
				}
				out[i] = sq
			}()
		}
		if err := sem.Acquire(ctx, 2); err != nil {
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

// Example_semaphore_panic survives a panicking task and learns of it.
//
// Workaround: the goroutines are the caller's own and a panic in one crashes the program, so
// each task recovers its own panic and reports the value.
func Example_semaphore_panic() {
	ctx := context.Background()
	sem := semaphore.NewWeighted(1)
	panics := make(chan any, 1)
	var ran atomic.Int32
	for _, task := range []func(){func() { panic("boom") }, func() { ran.Add(1) }} {
		if err := sem.Acquire(ctx, 1); err != nil {
			panic(err)
		}
		go func() {
			defer sem.Release(1)
			defer func() {
				if v := recover(); v != nil {
					panics <- v
				}
			}()
			task()
		}()
	}
	if err := sem.Acquire(ctx, 1); err != nil {
		panic(err)
	}
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
