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
