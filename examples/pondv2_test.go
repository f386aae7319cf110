package examples_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alitto/pond/v2"
)

// Example_pondv2_batch submits a batch and waits for it: StopAndWait drains the queue.
func Example_pondv2_batch() {
	p := pond.NewPool(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Submit(func() { sum.Add(int64(i)) })
	}
	p.StopAndWait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_pondv2_bounded has one worker and room for one waiting task: a non-blocking pool
// returns ErrQueueFull when the queue is full.
func Example_pondv2_bounded() {
	p := pond.NewPool(1, pond.WithQueueSize(1), pond.WithNonBlocking(true))
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	if err := p.Go(func() { close(started); <-release; ran.Add(1) }); err != nil {
		panic(err)
	}
	<-started
	for range 2 {
		fmt.Println("go:", p.Go(func() { ran.Add(1) }))
	}
	close(release)
	p.StopAndWait()
	fmt.Println("ran:", ran.Load())
	// Output:
	// go: <nil>
	// go: queue is full
	// ran: 2
}

// Example_pondv2_shutdown gives the pool 10 ms to stop while a task is stuck: Stop returns a
// Task whose Done channel a select bounds.
func Example_pondv2_shutdown() {
	p := pond.NewPool(2)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := p.Go(func() { close(started); <-release; close(finished) }); err != nil {
		panic(err)
	}
	<-started
	select {
	case <-p.Stop().Done():
		fmt.Println("shutdown: done")
	case <-time.After(10 * time.Millisecond):
		fmt.Println("shutdown: deadline passed")
	}
	close(release)
	<-finished
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown: deadline passed
	// then the stuck task finished
}

// Example_pondv2_results squares a batch, or returns the first error: a result pool's task
// group returns the results in order, or the first error.
func Example_pondv2_results() {
	p := pond.NewResultPool[int](2)
	defer p.StopAndWait()
	squares := func(in []int) ([]int, error) {
		group := p.NewGroup()
		for _, v := range in {
			group.SubmitErr(func() (int, error) { return square(v) })
		}
		return group.Wait()
	}
	fmt.Println(squares([]int{1, 2, 3, 4}))
	_, err := squares([]int{1, -2, 3, 4})
	fmt.Println(err)
	// Output:
	// [1 4 9 16] <nil>
	// square(-2): negative input
}

// Example_pondv2_panic survives a panicking task: the pool recovers it and the task's Wait
// returns it as an error wrapping ErrPanic, with the stack.
func Example_pondv2_panic() {
	p := pond.NewPool(1)
	var ran atomic.Int32
	err := p.Submit(func() { panic("boom") }).Wait()
	p.Submit(func() { ran.Add(1) })
	p.StopAndWait()
	msg, _, _ := strings.Cut(err.Error(), ",") // the stack follows the comma
	fmt.Println("recovered:", errors.Is(err, pond.ErrPanic), msg)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: true task panicked: boom
	// ran after the panic: 1
}
