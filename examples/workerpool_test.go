package examples_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gammazero/workerpool"
)

// Example_workerpool_batch submits a batch and waits for it: StopWait drains the queue.
func Example_workerpool_batch() {
	wp := workerpool.New(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		wp.Submit(func() { sum.Add(int64(i)) })
	}
	wp.StopWait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_workerpool_bounded has one worker and room for one waiting task.
//
// Workaround: the waiting queue is unbounded and Submit never blocks or fails, so a
// semaphore of workers+queue slots, taken before Submit and given back when the task ends,
// rejects the excess. WaitingQueueSize cannot do it: the dispatcher updates it after Submit
// returns.
func Example_workerpool_bounded() {
	wp := workerpool.New(1)
	slots := make(chan struct{}, 2)
	trySubmit := func(task func()) bool {
		select {
		case slots <- struct{}{}:
		default:
			return false
		}
		wp.Submit(func() { defer func() { <-slots }(); task() })
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
	wp.StopWait()
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: true
	// accepted: false
	// ran: 2
}

// Example_workerpool_shutdown gives StopWait 10 ms while a task is stuck.
//
// Workaround: StopWait has no deadline, so it runs in a goroutine that a select bounds.
func Example_workerpool_shutdown() {
	wp := workerpool.New(2)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	wp.Submit(func() { close(started); <-release; close(finished) })
	<-started
	stopped := make(chan struct{})
	go func() { wp.StopWait(); close(stopped) }()
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

// Example_workerpool_results squares a batch, or returns the first error.
//
// Workaround: the pool has no results ("return values should be returned over a channel",
// says Do's doc) and no way to wait for a batch short of StopWait, so each batch gets its
// own pool, results go to their index and a sync.Once keeps the first error.
func Example_workerpool_results() {
	squares := func(in []int) ([]int, error) {
		wp := workerpool.New(2)
		out := make([]int, len(in))
		var once sync.Once
		var first error
		for i, v := range in {
			wp.Submit(func() {
				sq, err := square(v)
				if err != nil {
					once.Do(func() { first = err })
				}
				out[i] = sq
			})
		}
		wp.StopWait()
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

// Example_workerpool_panic survives a panicking task and learns of it.
//
// Workaround: a panicking task crashes the program ("recover within the task function",
// says Do's doc), so each task is wrapped in a recover that reports the value.
func Example_workerpool_panic() {
	wp := workerpool.New(1)
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
	wp.Submit(safe(func() { panic("boom") }))
	wp.Submit(safe(func() { ran.Add(1) }))
	wp.StopWait()
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
