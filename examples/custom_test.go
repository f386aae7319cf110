package examples_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

// Example_custom_batch submits a batch and waits for it: Shutdown drains the queue. Submit
// fails only after Shutdown, or on a full queue with Config.Reject, and Shutdown only when
// its ctx is done, so neither can fail here.
func Example_custom_batch() {
	p := pools.MustCustom(pools.Config{Workers: 4})
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Submit(func() { sum.Add(int64(i)) })
	}
	p.Shutdown(context.Background())
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_custom_bounded has one worker and room for one waiting task: with Config.Reject,
// Submit returns ErrFull when the queue is full, and Stats counts the rejections.
func Example_custom_bounded() {
	p := pools.MustCustom(pools.Config{Workers: 1, Queue: 1, Reject: true})
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	p.Submit(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("submit:", p.Submit(func() { ran.Add(1) }))
	}
	close(release)
	p.Shutdown(context.Background())
	fmt.Println("ran:", ran.Load(), "rejected:", p.Stats().Rejected)
	// Output:
	// submit: <nil>
	// submit: pools: executor is full
	// ran: 2 rejected: 1
}

// Example_custom_shutdown gives Shutdown 10 ms while a task is stuck, then calls it again
// to wait for the rest.
func Example_custom_shutdown() {
	p := pools.MustCustom(pools.Config{Workers: 2})
	started, release := make(chan struct{}), make(chan struct{})
	p.Submit(func() { close(started); <-release })
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println("shutdown:", p.Shutdown(ctx))
	close(release)
	fmt.Println("again, once the stuck task can finish:", p.Shutdown(context.Background()))
	// Output:
	// shutdown: context deadline exceeded
	// again, once the stuck task can finish: <nil>
}

// Example_custom_results squares a batch, or returns the first error: Map runs the calls as
// a group of tasks on the pool and returns the results in order.
func Example_custom_results() {
	p := pools.MustCustom(pools.Config{Workers: 2})
	defer p.Shutdown(context.Background())
	fmt.Println(pools.Map(p, []int{1, 2, 3, 4}, square))
	fmt.Println(pools.Map(p, []int{1, -2, 3, 4}, square))
	// Output:
	// [1 4 9 16] <nil>
	// [] square(-2): negative input
}

// Example_custom_panic recovers a panicking task and reports it to a panic handler; the
// worker lives on and runs the next task, as Stats shows.
func Example_custom_panic() {
	panics := make(chan any, 1)
	p := pools.MustCustom(pools.Config{Workers: 1}, pools.WithPanicHandler(func(_ int, v any, _ []byte) { panics <- v }))
	p.Submit(func() { panic("boom") })
	p.Submit(func() {})
	p.Shutdown(context.Background())
	fmt.Println("recovered:", <-panics)
	fmt.Printf("%+v\n", p.Stats())
	// Output:
	// recovered: boom
	// {Queued:0 Running:0 Completed:2 Rejected:0 Panicked:1}
}
