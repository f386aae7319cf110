package pools_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/Jeffail/tunny"
	"go.uber.org/goleak"

	"poolbench/pools"
)

// panicValue calls f and returns what it panicked with, or nil.
func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestTunnySubmitWaitsForTheTask(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewTunny(pools.Config{Workers: 2})
	var done atomic.Bool
	if err := ex.Submit(func() { time.Sleep(10 * time.Millisecond); done.Store(true) }); err != nil {
		t.Fatalf("Submit() = %v", err)
	}
	if !done.Load() {
		t.Error("Submit returned before its task had run; tunny's Process is synchronous")
	}
	shutdown(t, ex)
}

func TestTunnySubmitAfterShutdownPanics(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewTunny(pools.Config{Workers: 2})
	shutdown(t, ex)
	ran := false
	v := panicValue(func() { _ = ex.Submit(func() { ran = true }) })
	if v != tunny.ErrPoolNotRunning || ran {
		t.Errorf("Submit() after Shutdown panicked with %v, ran = %v; want a panic with tunny.ErrPoolNotRunning (tunny.go:156-158), ran = false", v, ran)
	}
}

// TestTunnyGoexit: a task that calls runtime.Goexit ends its worker's goroutine, whose
// deferred close of the result channel makes the waiting Process panic (worker.go:84-88,
// tunny.go:163-165).
func TestTunnyGoexit(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewTunny(pools.Config{Workers: 1})
	v := panicValue(func() { _ = ex.Submit(runtime.Goexit) })
	if v != tunny.ErrWorkerClosed {
		t.Errorf("Submit(runtime.Goexit) panicked with %v; want tunny.ErrWorkerClosed", v)
	}
	shutdown(t, ex)
}

func TestGoPoolSubmitAfterShutdownRuns(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewGoPool(pools.Config{Workers: 2})
	shutdown(t, ex)
	var ran atomic.Bool
	if err := ex.Submit(func() { ran.Store(true) }); err != nil {
		t.Fatalf("Submit() after Shutdown = %v; want nil: gopool has no stopped state", err)
	}
	shutdown(t, ex)
	if !ran.Load() {
		t.Error("a task submitted after Shutdown did not run; gopool has no stopped state")
	}
}

func TestSemaphoreSubmitAfterShutdownRuns(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewSemaphore(pools.Config{Workers: 2})
	shutdown(t, ex)
	var ran atomic.Bool
	if err := ex.Submit(func() { ran.Store(true) }); err != nil {
		t.Fatalf("Submit() after Shutdown = %v; want nil: a semaphore has no stopped state", err)
	}
	shutdown(t, ex)
	if !ran.Load() {
		t.Error("a task submitted after Shutdown did not run")
	}
}

// TestSemaphoreSubmitWaitsBehindShutdown: Acquire is first come first served
// (semaphore.go:58, 153-165), so while Shutdown waits for every unit, a Submit blocks even
// with a unit free, until Shutdown's deadline gives its place up.
func TestSemaphoreSubmitWaitsBehindShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ex := pools.NewSemaphore(pools.Config{Workers: 2})
		release := make(chan struct{})
		if err := ex.Submit(func() { <-release }); err != nil {
			t.Fatalf("Submit() = %v", err)
		}
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			shut <- ex.Shutdown(ctx)
		}()
		synctest.Wait()
		var submitted atomic.Bool
		go func() {
			if err := ex.Submit(func() {}); err != nil {
				t.Errorf("Submit() = %v", err)
			}
			submitted.Store(true)
		}()
		synctest.Wait()
		if submitted.Load() {
			t.Fatal("Submit returned while Shutdown waited; want it queued behind Shutdown")
		}
		if err := <-shut; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Shutdown() = %v; want context.DeadlineExceeded", err)
		}
		synctest.Wait()
		if !submitted.Load() {
			t.Error("Submit still blocked after Shutdown gave up")
		}
		close(release)
		if err := ex.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
	})
}

func TestBookNewPanicsOnZero(t *testing.T) {
	if v := panicValue(func() { pools.NewBook(0, nil) }); v != "assertion failed: size > 0" {
		t.Errorf("NewBook(0) panicked with %v; want the book's assert!(size > 0)", v)
	}
}

func TestBookSubmitAfterShutdownPanics(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewBook(2, nil)
	shutdown(t, ex)
	shutdown(t, ex) // a second drop finds the sender taken and the workers drained
	ran := false
	v := panicValue(func() { _ = ex.Submit(func() { ran = true }) })
	if v != "called `Option::unwrap()` on a `None` value" || ran {
		t.Errorf("Submit() after Shutdown panicked with %v, ran = %v; want the book's unwrap of the taken sender, ran = false", v, ran)
	}
}

func TestBookShutdownHonoursDeadline(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ex := pools.NewBook(1, nil)
	release := make(chan struct{})
	var ran atomic.Int32
	for range 3 {
		if err := ex.Submit(func() { <-release; ran.Add(1) }); err != nil {
			t.Fatalf("Submit() = %v", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := ex.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown() = %v; want context.DeadlineExceeded", err)
	}
	close(release)
	shutdown(t, ex) // returns at once: the first drop goes on joining in the background
	if !waitUntil(5*time.Second, func() bool { return ran.Load() == 3 }) {
		t.Errorf("%d of 3 queued tasks ran after the deadline; the first drop should drain them", ran.Load())
	}
}

// TestBookPrints checks the book's messages, with 2 workers: which worker takes the job and
// where a worker's "disconnected" falls among the joins varies, as it does in the book.
func TestBookPrints(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var out bytes.Buffer
	ex := pools.NewBook(2, &out)
	done := make(chan struct{})
	if err := ex.Submit(func() { close(done) }); err != nil {
		t.Fatalf("Submit() = %v", err)
	}
	<-done
	shutdown(t, ex)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	got := slices.Sorted(slices.Values(lines))
	job := "Worker 0 got a job; executing."
	if slices.Contains(lines, "Worker 1 got a job; executing.") {
		job = "Worker 1 got a job; executing."
	}
	want := []string{"Shutting down worker 0", "Shutting down worker 1", job,
		"Worker 0 disconnected; shutting down.", "Worker 1 disconnected; shutting down."}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("printed\n%s\nwant these lines in some order:\n%s", out.String(), strings.Join(want, "\n"))
	}
	if i, j := slices.Index(lines, "Shutting down worker 0"), slices.Index(lines, "Shutting down worker 1"); i > j {
		t.Errorf("printed\n%s\nwant the workers joined in order", out.String())
	}
}

// waitUntil polls cond until it holds or d has passed.
func waitUntil(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
