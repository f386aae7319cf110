package examples_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

// Example_book_batch submits a batch and waits for it: Drop closes the queue and joins each
// worker once it has run what is queued.
func Example_book_batch() {
	p := pools.NewBook(4, nil)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Execute(func() { sum.Add(int64(i)) })
	}
	p.Drop()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_book_bounded has one worker and room for one waiting task.
//
// Workaround: the queue is unbounded and execute never blocks or fails, so a semaphore of
// workers+queue slots, taken before Execute and given back when the task ends, rejects the
// excess.
func Example_book_bounded() {
	p := pools.NewBook(1, nil)
	slots := make(chan struct{}, 2)
	tryExecute := func(task func()) bool {
		select {
		case slots <- struct{}{}:
		default:
			return false
		}
		p.Execute(func() { defer func() { <-slots }(); task() })
		return true
	}
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	tryExecute(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("accepted:", tryExecute(func() { ran.Add(1) }))
	}
	close(release)
	p.Drop()
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: true
	// accepted: false
	// ran: 2
}

// Example_book_shutdown gives Drop 10 ms while a task is stuck.
//
// Workaround: Drop has no timeout, so it runs in a goroutine that a select bounds.
func Example_book_shutdown() {
	p := pools.NewBook(2, nil)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	p.Execute(func() { close(started); <-release; close(finished) })
	<-started
	dropped := make(chan struct{})
	go func() { p.Drop(); close(dropped) }()
	select {
	case <-dropped:
		fmt.Println("shutdown: done")
	case <-time.After(10 * time.Millisecond):
		fmt.Println("shutdown: deadline passed")
	}
	close(release)
	<-finished
	<-dropped
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: deadline passed
	// then the stuck task finished
}

// Example_book_results squares a batch, or returns the first error.
//
// Workaround: the pool has no results and no way to wait for a batch short of Drop, so each
// batch gets its own pool, results go to their index and a sync.Once keeps the first error.
func Example_book_results() {
	squares := func(in []int) ([]int, error) {
		p := pools.NewBook(2, nil)
		out := make([]int, len(in))
		var once sync.Once
		var first error
		for i, v := range in {
			p.Execute(func() {
				sq, err := square(v)
				if err != nil {
					once.Do(func() { first = err })
				}
				out[i] = sq
			})
		}
		p.Drop()
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

// Example_book_panic survives a panicking task and learns of it.
//
// Workaround: the book's design offers nothing: a panicking job kills its worker as a
// panicking thread would, and in Go that crashes the program. So each task is wrapped in a
// recover that reports the value.
func Example_book_panic() {
	p := pools.NewBook(1, nil)
	panics := make(chan any, 1)
	safe := func(task func()) func() {
		return func() {
			defer func() {
				if v := recover(); v != nil {
					panics <- v
				}
			}()
			task()
		}
	}
	var ran atomic.Int32
	p.Execute(safe(func() { panic("boom") }))
	p.Execute(safe(func() { ran.Add(1) }))
	p.Drop()
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
