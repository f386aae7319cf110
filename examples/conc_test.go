package examples_test

import (
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/conc/panics"
	"github.com/sourcegraph/conc/pool"
)

// Example_conc_batch submits a batch and waits for it with Wait.
func Example_conc_batch() {
	p := pool.New().WithMaxGoroutines(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		p.Go(func() { sum.Add(int64(i)) })
	}
	p.Wait()
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_conc_bounded has one goroutine and, as conc has no queue, no room for a waiting
// task.
//
// Workaround: Go blocks while every goroutine is busy and there is no TryGo, so a
// semaphore of MaxGoroutines slots, taken before Go and given back when the task ends,
// turns the wait into a rejection.
func Example_conc_bounded() {
	p := pool.New().WithMaxGoroutines(1)
	slots := make(chan struct{}, 1)
	tryGo := func(task func()) bool {
		select {
		case slots <- struct{}{}:
		default:
			return false
		}
		p.Go(func() { defer func() { <-slots }(); task() })
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
	p.Wait()
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: false
	// accepted: false
	// ran: 1
}

// Example_conc_shutdown gives Wait 10 ms while a task is stuck.
//
// Workaround: Wait has no deadline, so it runs in a goroutine that a select bounds.
func Example_conc_shutdown() {
	p := pool.New().WithMaxGoroutines(2)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	p.Go(func() { close(started); <-release; close(finished) })
	<-started
	stopped := make(chan struct{})
	go func() { p.Wait(); close(stopped) }()
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

// Example_conc_results squares a batch, or returns the first error: a result pool with
// errors, told by WithFirstError to keep the first error rather than join them all. Its
// results come in the order the tasks end, so they are sorted, as conc's own ExampleResultPool
// does.
func Example_conc_results() {
	squares := func(in []int) ([]int, error) {
		p := pool.NewWithResults[int]().WithErrors().WithFirstError().WithMaxGoroutines(2)
		for _, v := range in {
			p.Go(func() (int, error) { return square(v) })
		}
		out, err := p.Wait()
		slices.Sort(out)
		return out, err
	}
	fmt.Println(squares([]int{1, 2, 3, 4}))
	_, err := squares([]int{1, -2, 3, 4})
	fmt.Println(err)
	// Output:
	// [1 4 9 16] <nil>
	// square(-2): negative input
}

// Example_conc_panic survives a panicking task: the pool catches it, lets the other tasks
// run, and Wait panics again with a *panics.Recovered, which the caller recovers.
func Example_conc_panic() {
	p := pool.New().WithMaxGoroutines(1)
	var ran atomic.Int32
	p.Go(func() { panic("boom") })
	p.Go(func() { ran.Add(1) })
	func() {
		defer func() { fmt.Println("recovered:", recover().(*panics.Recovered).Value) }()
		p.Wait()
	}()
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
