package examples_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/ants/v2"
)

// Example_ants_batch submits a batch and waits for it: ReleaseTimeout waits until every
// worker has finished its task and exited.
func Example_ants_batch() {
	p, err := ants.NewPool(4)
	if err != nil {
		panic(err)
	}
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		if err := p.Submit(func() { sum.Add(int64(i)) }); err != nil {
			panic(err)
		}
	}
	if err := p.ReleaseTimeout(5 * time.Second); err != nil {
		panic(err)
	}
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_ants_bounded has one worker and sheds load with WithNonblocking: ants has no queue,
// so Submit returns ErrPoolOverload as soon as the worker is busy. (WithMaxBlockingTasks
// would instead let a set number of submitters wait in Submit and refuse the next.)
func Example_ants_bounded() {
	p, err := ants.NewPool(1, ants.WithNonblocking(true))
	if err != nil {
		panic(err)
	}
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	if err := p.Submit(func() { close(started); <-release; ran.Add(1) }); err != nil {
		panic(err)
	}
	<-started
	for range 2 {
		fmt.Println("submit:", p.Submit(func() { ran.Add(1) }))
	}
	close(release)
	if err := p.ReleaseTimeout(5 * time.Second); err != nil {
		panic(err)
	}
	fmt.Println("ran:", ran.Load())
	// Output:
	// submit: too many goroutines blocked on submit or Nonblocking is set
	// submit: too many goroutines blocked on submit or Nonblocking is set
	// ran: 1
}

// Example_ants_shutdown gives ReleaseTimeout 10 ms while a task is stuck.
func Example_ants_shutdown() {
	p, err := ants.NewPool(2)
	if err != nil {
		panic(err)
	}
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := p.Submit(func() { close(started); <-release; close(finished) }); err != nil {
		panic(err)
	}
	<-started
	fmt.Println("shutdown:", p.ReleaseTimeout(10*time.Millisecond))
	close(release)
	<-finished
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: operation timed out
	// then the stuck task finished
}

// Example_ants_results squares a batch, or returns the first error.
//
// Workaround: ants has no results, so results go to their index, a sync.Once keeps the
// first error and each batch gets its own pool, which ReleaseTimeout waits for.
func Example_ants_results() {
	squares := func(in []int) ([]int, error) {
		p, err := ants.NewPool(2)
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
		if err := p.ReleaseTimeout(5 * time.Second); err != nil {
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

// Example_ants_panic survives a panicking task: the worker recovers it, hands it to the
// panic handler and exits; the pool starts another.
func Example_ants_panic() {
	panics := make(chan any, 1)
	p, err := ants.NewPool(1, ants.WithPanicHandler(func(v any) { panics <- v }))
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
	if err := p.ReleaseTimeout(5 * time.Second); err != nil {
		panic(err)
	}
	// The handler runs after the worker has counted itself done (worker.go:51-59), so
	// ReleaseTimeout may return first: the channel is what orders the two.
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
