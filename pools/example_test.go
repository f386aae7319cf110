package pools_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

func ExampleCustom() {
	p, err := pools.NewCustom(pools.Config{Workers: 4, Queue: 16})
	if err != nil {
		panic(err)
	}
	var sum atomic.Int64
	for i := 1; i <= 100; i++ {
		if err := p.Submit(func() { sum.Add(int64(i)) }); err != nil {
			panic(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil { // drains the queue, then joins the workers
		panic(err)
	}
	fmt.Println("sum:", sum.Load())
	fmt.Println("after shutdown:", p.Submit(func() {}))
	// Output:
	// sum: 5050
	// after shutdown: pools: executor is shut down
}

// ExampleCustom_Group waits for a group of tasks and learns the first error among them.
func ExampleCustom_Group() {
	p := pools.MustCustom(pools.Config{Workers: 2})
	defer p.Shutdown(context.Background())
	g := p.Group()
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		g.Go(func() error {
			if name == "b.txt" {
				return fmt.Errorf("%s: not found", name)
			}
			return nil
		})
	}
	fmt.Println("wait:", g.Wait())
	// Output: wait: b.txt: not found
}

// ExampleCustom_SubmitContext gives up on a full pool when its context is done.
func ExampleCustom_SubmitContext() {
	p := pools.MustCustom(pools.Config{Workers: 1, Queue: 1})
	started, release := make(chan struct{}), make(chan struct{})
	p.Submit(func() { close(started); <-release }) // the worker is stuck
	<-started
	p.Submit(func() {}) // the queue is full
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	fmt.Println("submit:", p.SubmitContext(ctx, func() {}))
	close(release)
	p.Shutdown(context.Background())
	fmt.Printf("%+v\n", p.Stats())
	// Output:
	// submit: context deadline exceeded
	// {Queued:0 Running:0 Completed:2 Rejected:0 Panicked:0}
}

// ExampleNewBook prints the book's messages, as the chapter's server does. Where each
// worker's "disconnected" falls among the joins varies from run to run, as in the book.
func ExampleNewBook() {
	p := pools.NewBook(1, os.Stdout)
	for range 2 {
		p.Execute(func() {})
	}
	p.Drop() // closes the queue, then joins worker 0 once it has run both jobs
	// Unordered output:
	// Worker 0 got a job; executing.
	// Worker 0 got a job; executing.
	// Shutting down worker 0
	// Worker 0 disconnected; shutting down.
}
