package examples_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/alitto/pond"
)

// Example_pond_batch submits a batch and waits for it: StopAndWait drains the queue.
func Example_pond_batch() {
	p := pond.New(4, 100)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Submit(func() { sum.Add(int64(i)) })
	}
	p.StopAndWait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_pond_bounded has one worker and room for one waiting task: TrySubmit returns
// false when the buffer is full.
func Example_pond_bounded() {
	p := pond.New(1, 1)
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	p.Submit(func() { close(started); <-release; ran.Add(1) })
	<-started
	for range 2 {
		fmt.Println("accepted:", p.TrySubmit(func() { ran.Add(1) }))
	}
	close(release)
	p.StopAndWait()
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: true
	// accepted: false
	// ran: 2
}

// Example_pond_shutdown gives StopAndWaitFor 10 ms while a task is stuck. StopAndWaitFor
// returns nothing, so only the task itself can tell that the deadline passed.
func Example_pond_shutdown() {
	p := pond.New(2, 0)
	var done atomic.Bool
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	p.Submit(func() { close(started); <-release; done.Store(true); close(finished) })
	<-started
	p.StopAndWaitFor(10 * time.Millisecond)
	fmt.Println("shutdown returned; stuck task done:", done.Load())
	close(release)
	<-finished
	fmt.Println("then the stuck task finished")
	// Output:
	// shutdown returned; stuck task done: false
	// then the stuck task finished
}

// Example_pond_results squares a batch, or returns the first error, with a task group whose
// Wait returns the first error; results go to their index, as pond's docs show.
func Example_pond_results() {
	p := pond.New(2, 0)
	defer p.StopAndWait()
	squares := func(in []int) ([]int, error) {
		group, _ := p.GroupContext(context.Background())
		out := make([]int, len(in))
		for i, v := range in {
			group.Submit(func() error {
				sq, err := square(v)
				out[i] = sq
				return err
			})
		}
		if err := group.Wait(); err != nil {
			return nil, err
		}
		return out, nil
	}
	fmt.Println(squares([]int{1, 2, 3, 4}))
	fmt.Println(squares([]int{1, -2, 3, 4}))
	// Output:
	// [1 4 9 16] <nil>
	// [] square(-2): negative input
}

// Example_pond_panic survives a panicking task: the worker recovers it and hands it to the
// panic handler (by default it prints it with its stack to stderr).
func Example_pond_panic() {
	panics := make(chan any, 1)
	p := pond.New(1, 1, pond.PanicHandler(func(v any) { panics <- v }))
	var ran atomic.Int32
	p.Submit(func() { panic("boom") })
	p.Submit(func() { ran.Add(1) })
	p.StopAndWait()
	fmt.Println("recovered:", <-panics)
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
