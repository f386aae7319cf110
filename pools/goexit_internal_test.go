package pools

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestGoPoolGoexitStrandsTheQueue: a task that calls runtime.Goexit ends its worker's
// goroutine past the worker's close (worker.go:196-229), so the pool still counts it; with a
// cap of 1, Go then starts no worker (pool.go:133) and the next task waits for ever.
func TestGoPoolGoexitStrandsTheQueue(t *testing.T) {
	g := NewGoPool(Config{Workers: 1})
	var ran atomic.Bool
	for _, task := range []func(){runtime.Goexit, func() { ran.Store(true) }} {
		if err := g.Submit(task); err != nil {
			t.Fatalf("Submit() = %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := g.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) || ran.Load() {
		t.Errorf("Shutdown() = %v, next task ran = %v; want context.DeadlineExceeded, false", err, ran.Load())
	}
	if n := g.p.WorkerCount(); n != 1 {
		t.Errorf("WorkerCount() = %d; want the dead worker still counted, 1", n)
	}
	// Let a second worker start, so that the stranded task and Shutdown's wait end.
	g.p.SetCap(2)
	if err := g.Submit(func() {}); err != nil {
		t.Fatalf("Submit() = %v", err)
	}
	if err := g.Shutdown(context.Background()); err != nil || !ran.Load() {
		t.Errorf("Shutdown() = %v, stranded task ran = %v; want nil, true", err, ran.Load())
	}
}

// TestBookGoexit: a task that calls runtime.Goexit ends its worker as a panic ends a thread in
// the book: with every worker gone the receiver is dropped, so execute's send(job).unwrap()
// panics, and Drop's join().unwrap() panics on the worker that did not return. Drop is called
// directly: Shutdown runs it on a goroutine of its own, where the panic would crash the test.
func TestBookGoexit(t *testing.T) {
	b := NewBook(1, nil)
	if err := b.Submit(runtime.Goexit); err != nil {
		t.Fatalf("Submit() = %v", err)
	}
	<-b.workers[0].thread
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"Submit", func() { _ = b.Submit(func() {}) }, "called `Result::unwrap()` on an `Err` value: SendError { .. }"},
		{"Drop", b.Drop, "called `Result::unwrap()` on an `Err` value: Any { .. }"},
	} {
		if v := panicOf(tc.f); v != tc.want {
			t.Errorf("%s() after the only worker called Goexit panicked with %v; want %q", tc.name, v, tc.want)
		}
	}
}

func panicOf(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}
