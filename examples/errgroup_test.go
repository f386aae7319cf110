package examples_test

import (
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
)

// Example_errgroup_batch submits a batch and waits for it with Wait.
func Example_errgroup_batch() {
	var g errgroup.Group
	g.SetLimit(4)
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		g.Go(func() error {
			sum.Add(int64(i))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		panic(err)
	}
	fmt.Println("sum:", sum.Load())
	// Output: sum: 5050
}

// Example_errgroup_bounded has a limit of one goroutine and no queue: TryGo returns false
// when the limit is reached.
func Example_errgroup_bounded() {
	var g errgroup.Group
	g.SetLimit(1)
	var ran atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	g.Go(func() error {
		close(started)
		<-release
		ran.Add(1)
		return nil
	})
	<-started
	for range 2 {
		fmt.Println("accepted:", g.TryGo(func() error { ran.Add(1); return nil }))
	}
	close(release)
	if err := g.Wait(); err != nil {
		panic(err)
	}
	fmt.Println("ran:", ran.Load())
	// Output:
	// accepted: false
	// accepted: false
	// ran: 1
}

// Example_errgroup_shutdown gives Wait 10 ms while a task is stuck.
//
// Workaround: Wait has no deadline, so it runs in a goroutine that a select bounds.
func Example_errgroup_shutdown() {
	var g errgroup.Group
	g.SetLimit(2)
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	g.Go(func() error {
		close(started)
		<-release
		close(finished)
		return nil
	})
	<-started
	waited := make(chan error, 1)
	go func() { waited <- g.Wait() }()
	select {
	case err := <-waited:
		fmt.Println("shutdown:", err)
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

// Example_errgroup_results squares a batch, or returns the first error: Wait returns the
// first error and results go to their index, as errgroup's own examples do.
func Example_errgroup_results() {
	squares := func(in []int) ([]int, error) {
		var g errgroup.Group
		g.SetLimit(2)
		out := make([]int, len(in))
		for i, v := range in {
			g.Go(func() error {
				sq, err := square(v)
				out[i] = sq
				return err
			})
		}
		if err := g.Wait(); err != nil {
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

// Example_errgroup_panic survives a panicking task and learns of it.
//
// Workaround: errgroup does not recover panics (errgroup.go:81 says why), so the task
// recovers its own and returns it as its error, which Wait returns.
func Example_errgroup_panic() {
	var g errgroup.Group
	g.SetLimit(1)
	var ran atomic.Int32
	g.Go(func() (err error) {
		defer func() {
			if v := recover(); v != nil {
				err = fmt.Errorf("recovered: %v", v)
			}
		}()
		panic("boom")
	})
	g.Go(func() error { ran.Add(1); return nil })
	fmt.Println(g.Wait())
	fmt.Println("ran after the panic:", ran.Load())
	// Output:
	// recovered: boom
	// ran after the panic: 1
}
