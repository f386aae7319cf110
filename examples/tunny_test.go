package examples_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Jeffail/tunny"
)

// Example_tunny_batch submits a batch and waits for it.
//
// Workaround: Process is synchronous, returning when its task has run, so each task of the
// batch is processed from a goroutine of the caller's, and a sync.WaitGroup waits for them.
func Example_tunny_batch() {
	pool := tunny.NewCallback(4)
	defer pool.Close()
	var sum atomic.Int64
	var wg sync.WaitGroup
	for i := 1; i <= 100; i++ {
		wg.Go(func() { pool.Process(func() { sum.Add(int64(i)) }) })
	}
	wg.Wait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_tunny_bounded has one worker and, as tunny has no queue, no room for a waiting
// task.
//
// Workaround: there is no queue to bound and no non-blocking Process; ProcessTimed gives up
// with ErrJobTimedOut when no worker takes the task within its timeout, so a short timeout
// stands in for a rejection. Its timeout also covers the run: a task still running when it
// passes is abandoned, not stopped.
func Example_tunny_bounded() {
	pool := tunny.NewCallback(1)
	defer pool.Close()
	var ran atomic.Int32
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		pool.Process(func() { close(started); <-release; ran.Add(1) })
		close(finished)
	}()
	<-started
	for range 2 {
		_, err := pool.ProcessTimed(func() { ran.Add(1) }, 10*time.Millisecond)
		fmt.Println("process:", err)
	}
	close(release)
	<-finished
	fmt.Println("ran:", ran.Load())
	// Output:
	// process: job request timed out
	// process: job request timed out
	// ran: 1
}

// Example_tunny_shutdown gives Close 10 ms while a task is stuck.
//
// Workaround: Close has no deadline: it joins every worker after its task. So it runs in a
// goroutine that a select bounds.
func Example_tunny_shutdown() {
	pool := tunny.NewCallback(2)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go pool.Process(func() { close(started); <-release; close(finished) })
	<-started
	closed := make(chan struct{})
	go func() { pool.Close(); close(closed) }()
	select {
	case <-closed:
		fmt.Println("shutdown: done")
	case <-time.After(10 * time.Millisecond):
		fmt.Println("shutdown: deadline passed")
	}
	close(release)
	<-finished
	<-closed
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: deadline passed
	// then the stuck task finished
}

// Example_tunny_results squares a batch, or returns the first error. NewFunc's pool returns
// each task's result from Process, as tunny's README shows.
//
// Workaround: Process returns one result to one waiting caller, so the batch needs a
// goroutine per task and a sync.WaitGroup; an error comes back as the result's value, and a
// sync.Once keeps the first.
func Example_tunny_results() {
	pool := tunny.NewFunc(2, func(payload any) any {
		sq, err := square(payload.(int))
		if err != nil {
			return err
		}
		return sq
	})
	defer pool.Close()
	squares := func(in []int) ([]int, error) {
		out := make([]int, len(in))
		var wg sync.WaitGroup
		var once sync.Once
		var first error
		for i, v := range in {
			wg.Go(func() {
				switch r := pool.Process(v).(type) {
				case error:
					once.Do(func() { first = r })
				case int:
					out[i] = r
				}
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

// Example_tunny_panic survives a panicking task and learns of it.
//
// Workaround: a panicking task crashes the program, as the worker does not recover it, so
// NewFunc's function recovers it and returns it as the task's result.
func Example_tunny_panic() {
	pool := tunny.NewFunc(1, func(payload any) (result any) {
		defer func() {
			if v := recover(); v != nil {
				result = fmt.Errorf("recovered: %v", v)
			}
		}()
		payload.(func())()
		return nil
	})
	defer pool.Close()
	var ran atomic.Int32
	fmt.Println(pool.Process(func() { panic("boom") }))
	pool.Process(func() { ran.Add(1) })
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
