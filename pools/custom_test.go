package pools_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"poolbench/pools"
)

func newCustom(t *testing.T, cfg pools.Config, opts ...pools.CustomOption) *pools.Custom {
	t.Helper()
	p, err := pools.NewCustom(cfg, opts...)
	if err != nil {
		t.Fatalf("NewCustom(%+v) = %v", cfg, err)
	}
	return p
}

func TestCustomRejectsBadConfig(t *testing.T) {
	for _, cfg := range []pools.Config{{Workers: 0}, {Workers: -3}, {Workers: 1, Queue: -1}} {
		if p, err := pools.NewCustom(cfg); err == nil {
			t.Errorf("NewCustom(%+v) = %v, nil; want an error", cfg, p)
		}
	}
}

func TestCustomSubmitAfterShutdown(t *testing.T) {
	for _, cfg := range []pools.Config{{Workers: 2}, {Workers: 2, Reject: true}} {
		t.Run(fmt.Sprintf("reject=%v", cfg.Reject), func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			p := newCustom(t, cfg)
			shutdown(t, p)
			ran := false
			for range 3 {
				if err := p.Submit(func() { ran = true }); !errors.Is(err, pools.ErrClosed) {
					t.Fatalf("Submit() after Shutdown = %v; want ErrClosed", err)
				}
			}
			if ran {
				t.Error("a task submitted after Shutdown ran")
			}
		})
	}
}

func TestCustomShutdownTwice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := newCustom(t, pools.Config{Workers: 2})
	shutdown(t, p)
	shutdown(t, p)
}

// TestCustomSubmitRacesShutdown checks that every Submit that returned nil ran, whatever
// the interleaving with Shutdown, and that the others got ErrClosed.
func TestCustomSubmitRacesShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for round := range 50 {
		p := newCustom(t, pools.Config{Workers: 2, Queue: 4})
		var accepted, ran atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					err := p.Submit(func() { ran.Add(1) })
					if errors.Is(err, pools.ErrClosed) {
						return
					}
					if err != nil {
						t.Errorf("Submit() = %v; want nil or ErrClosed", err)
						return
					}
					accepted.Add(1)
				}
			})
		}
		time.Sleep(time.Duration(round%5) * 100 * time.Microsecond)
		shutdown(t, p)
		wg.Wait()
		if a, r := accepted.Load(), ran.Load(); a != r {
			t.Fatalf("round %d: %d tasks accepted, %d ran", round, a, r)
		}
	}
}

func TestCustomShutdownHonoursDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newCustom(t, pools.Config{Workers: 2})
		release := make(chan struct{})
		var finished atomic.Int32
		for range 4 {
			if err := p.Submit(func() { <-release; finished.Add(1) }); err != nil {
				t.Fatalf("Submit() = %v", err)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := p.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Shutdown() with stuck workers = %v; want DeadlineExceeded", err)
		}
		if d := time.Since(start); d != 100*time.Millisecond {
			t.Errorf("Shutdown returned after %v; want 100ms", d)
		}
		close(release)
		if err := p.Shutdown(t.Context()); err != nil {
			t.Fatalf("second Shutdown() = %v; want nil", err)
		}
		if got := finished.Load(); got != 4 {
			t.Errorf("%d of 4 queued tasks finished after the drain; want 4", got)
		}
	})
}

func TestCustomFullQueueBlocksSubmit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newCustom(t, pools.Config{Workers: 1, Queue: 1})
		release := make(chan struct{})
		started := make(chan struct{})
		if err := p.Submit(func() { close(started); <-release }); err != nil {
			t.Fatal(err)
		}
		<-started // the worker holds the first task; the queue is empty
		if err := p.Submit(func() {}); err != nil {
			t.Fatal(err)
		}
		returned := make(chan error, 1)
		go func() { returned <- p.Submit(func() {}) }()
		synctest.Wait()
		select {
		case err := <-returned:
			t.Fatalf("Submit() on a full queue returned %v; want it to block", err)
		default:
		}
		close(release)
		if err := <-returned; err != nil {
			t.Fatalf("blocked Submit() = %v after room was made; want nil", err)
		}
		shutdown(t, p)
	})
}

func TestCustomBlockedSubmitGetsErrClosed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newCustom(t, pools.Config{Workers: 1, Queue: 1})
		release := make(chan struct{})
		started := make(chan struct{})
		p.Submit(func() { close(started); <-release })
		<-started
		p.Submit(func() {})
		returned := make(chan error, 1)
		go func() { returned <- p.Submit(func() {}) }()
		synctest.Wait()
		shut := make(chan error, 1)
		go func() { shut <- p.Shutdown(t.Context()) }()
		if err := <-returned; !errors.Is(err, pools.ErrClosed) {
			t.Fatalf("Submit() blocked when Shutdown started = %v; want ErrClosed", err)
		}
		close(release)
		if err := <-shut; err != nil {
			t.Fatalf("Shutdown() = %v", err)
		}
	})
}

func TestCustomRecoversPanics(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	type report struct {
		worker int
		v      any
		stack  string
	}
	var mu sync.Mutex
	var reports []report
	p := newCustom(t, pools.Config{Workers: 1}, pools.WithPanicHandler(func(worker int, v any, stack []byte) {
		mu.Lock()
		defer mu.Unlock()
		reports = append(reports, report{worker, v, string(stack)})
	}))
	var after atomic.Int32
	p.Submit(func() { panic("boom") })
	for range 10 {
		p.Submit(func() { after.Add(1) })
	}
	shutdown(t, p)
	if got := after.Load(); got != 10 {
		t.Errorf("%d of 10 tasks ran after the panic; want 10", got)
	}
	if len(reports) != 1 || reports[0].worker != 0 || reports[0].v != "boom" || !strings.Contains(reports[0].stack, "custom_test.go") {
		t.Errorf("panic reports = %+v; want one from worker 0 with value boom and the task's stack", reports)
	}
}

func TestCustomLogs(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := newCustom(t, pools.Config{Workers: 1}, pools.WithLogger(log))
	p.Submit(func() {})
	p.Submit(func() { panic("boom") })
	shutdown(t, p)
	for _, want := range []string{
		`msg="worker 0 got a job; executing"`,
		`msg="task panicked" worker=0 panic=boom`,
		`msg="shutting down worker 0"`,
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestCustomQuietAboveDebug(t *testing.T) {
	var buf bytes.Buffer
	p := newCustom(t, pools.Config{Workers: 1}, pools.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
	p.Submit(func() {})
	shutdown(t, p)
	if buf.Len() != 0 {
		t.Errorf("logged at info level:\n%s", buf.String())
	}
}

// TestCustomSurvivesGoexit: a task that calls runtime.Goexit (as t.FailNow does, from a
// test helper run on the pool) ends its worker's goroutine; another takes its place, so the
// tasks after it run and Shutdown returns nil.
func TestCustomSurvivesGoexit(t *testing.T) {
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			p := newCustom(t, pools.Config{Workers: workers})
			var after atomic.Int32
			for range 3 {
				if err := p.Submit(runtime.Goexit); err != nil {
					t.Fatalf("Submit(runtime.Goexit) = %v", err)
				}
			}
			for range 10 {
				if err := p.Submit(func() { after.Add(1) }); err != nil {
					t.Fatalf("Submit() = %v", err)
				}
			}
			shutdown(t, p)
			if got := after.Load(); got != 10 {
				t.Errorf("%d of 10 tasks ran after three called runtime.Goexit; want 10", got)
			}
		})
	}
}

func TestMustCustom(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	if v := panicValue(func() { pools.MustCustom(pools.Config{Workers: 0}) }); v == nil {
		t.Error("MustCustom(Workers: 0) did not panic")
	}
	p := pools.MustCustom(pools.Config{Workers: 1})
	shutdown(t, p)
}

// TestCustomSubmitContext: SubmitContext waits for room only until ctx is done, and does
// not queue a task whose ctx is done already.
func TestCustomSubmitContext(t *testing.T) {
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		full bool            // the one worker is stuck and the queue of one is full
		ctx  context.Context // for the SubmitContext under test
		room bool            // the stuck task ends while SubmitContext waits
		want error
	}{
		{"room", false, context.Background(), false, nil},
		{"done before", false, expired, false, context.Canceled},
		{"full until the deadline", true, nil, false, context.DeadlineExceeded},
		{"room before the deadline", true, nil, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newCustom(t, pools.Config{Workers: 1, Queue: 1})
				release := make(chan struct{})
				if tc.full {
					for _, task := range []func(){func() { <-release }, func() {}} {
						if err := p.Submit(task); err != nil {
							t.Fatal(err)
						}
						synctest.Wait() // the worker takes the first before the second is queued
					}
				}
				ctx := tc.ctx
				if ctx == nil {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(t.Context(), time.Second)
					defer cancel()
				}
				if tc.room {
					time.AfterFunc(500*time.Millisecond, func() { close(release) })
				}
				ran := make(chan struct{})
				start := time.Now()
				err := p.SubmitContext(ctx, func() { close(ran) })
				if !errors.Is(err, tc.want) {
					t.Errorf("SubmitContext() = %v; want %v", err, tc.want)
				}
				if tc.room && time.Since(start) != 500*time.Millisecond {
					t.Errorf("SubmitContext() returned after %v; want 500ms, when room was made", time.Since(start))
				}
				if !tc.room {
					close(release)
				}
				shutdown(t, p)
				select {
				case <-ran:
					if err != nil {
						t.Error("the task ran although SubmitContext returned an error")
					}
				default:
					if err == nil {
						t.Error("SubmitContext() = nil but the task did not run")
					}
				}
			})
		})
	}
}

func TestCustomStats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newCustom(t, pools.Config{Workers: 2, Queue: 2, Reject: true}, pools.WithPanicHandler(func(int, any, []byte) {}))
		if got, want := p.Stats(), (pools.Stats{}); got != want {
			t.Errorf("Stats() of a new pool = %+v; want %+v", got, want)
		}
		release := make(chan struct{})
		for _, task := range []func(){func() { <-release }, func() { <-release; panic("boom") }} {
			if err := p.Submit(task); err != nil {
				t.Fatal(err)
			}
			synctest.Wait() // each worker takes one, so that the queue is empty
		}
		for range 2 {
			if err := p.Submit(func() {}); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Submit(func() {}); !errors.Is(err, pools.ErrFull) {
			t.Fatalf("Submit() on a full queue = %v; want ErrFull", err)
		}
		if got, want := p.Stats(), (pools.Stats{Running: 2, Queued: 2, Rejected: 1}); got != want {
			t.Errorf("Stats() with both workers stuck = %+v; want %+v", got, want)
		}
		close(release)
		shutdown(t, p)
		if got, want := p.Stats(), (pools.Stats{Completed: 4, Rejected: 1, Panicked: 1}); got != want {
			t.Errorf("Stats() after Shutdown = %+v; want %+v", got, want)
		}
	})
}

func TestCustomGroup(t *testing.T) {
	errOdd := errors.New("odd")
	for _, tc := range []struct {
		name  string
		tasks []func() error
		want  error
	}{
		{"none", nil, nil},
		{"all nil", []func() error{func() error { return nil }, func() error { return nil }}, nil},
		{"an error", []func() error{func() error { return nil }, func() error { return errOdd }}, errOdd},
		{"a panic", []func() error{func() error { panic("boom") }, func() error { return nil }}, pools.ErrPanicked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			var panics atomic.Int32
			p := newCustom(t, pools.Config{Workers: 2}, pools.WithPanicHandler(func(int, any, []byte) { panics.Add(1) }))
			var finished atomic.Int32
			g := p.Group()
			for _, task := range tc.tasks {
				g.Go(func() error {
					defer finished.Add(1)
					time.Sleep(time.Millisecond) // so that Wait has something to wait for
					return task()
				})
			}
			if err := g.Wait(); !errors.Is(err, tc.want) {
				t.Errorf("Wait() = %v; want %v", err, tc.want)
			}
			if got := int(finished.Load()); got != len(tc.tasks) {
				t.Errorf("Wait() returned after %d of %d tasks finished", got, len(tc.tasks))
			}
			shutdown(t, p)
			if got, want := panics.Load(), p.Stats().Panicked; uint64(got) != want || (tc.want == pools.ErrPanicked) != (got == 1) {
				t.Errorf("the panic handler ran %d times, Stats().Panicked = %d; want 1 and 1 for a panic, else 0 and 0", got, want)
			}
		})
	}
}

// TestCustomGroupSubmitFails: a task the pool refuses is the group's error, and Wait does
// not wait for it.
func TestCustomGroupSubmitFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  pools.Config
		shut bool
		want error
	}{
		{"closed", pools.Config{Workers: 1}, true, pools.ErrClosed},
		{"full", pools.Config{Workers: 1, Queue: 1, Reject: true}, false, pools.ErrFull},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newCustom(t, tc.cfg)
				release := make(chan struct{})
				if tc.shut {
					shutdown(t, p)
				} else {
					p.Submit(func() { <-release })
					synctest.Wait()
					p.Submit(func() {})
				}
				g := p.Group()
				ran := false
				g.Go(func() error { ran = true; return nil })
				if err := g.Wait(); !errors.Is(err, tc.want) || ran {
					t.Errorf("Wait() = %v, task ran = %v; want %v, false", err, ran, tc.want)
				}
				close(release)
				shutdown(t, p)
			})
		})
	}
}

func TestMap(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := newCustom(t, pools.Config{Workers: 3})
	defer shutdown(t, p)
	half := func(v int) (int, error) {
		if v%2 != 0 {
			return 0, fmt.Errorf("half(%d): odd", v)
		}
		return v / 2, nil
	}
	for _, tc := range []struct {
		in      []int
		want    []int
		wantErr string
	}{
		{nil, []int{}, ""},
		{[]int{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ""},
		{[]int{2, 3, 4}, nil, "half(3): odd"},
	} {
		t.Run(fmt.Sprint(tc.in), func(t *testing.T) {
			got, err := pools.Map(p, tc.in, half)
			if fmt.Sprint(err) != fmt.Sprint(errorOrNil(tc.wantErr)) || !slices.Equal(got, tc.want) {
				t.Errorf("Map(%v) = %v, %v; want %v, %v", tc.in, got, err, tc.want, errorOrNil(tc.wantErr))
			}
		})
	}
}

func errorOrNil(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}

// TestCustomRunsInOrder: one worker runs tasks in the order Submit took them, whether it was
// parked and woken for one task, or took a batch from the queue.
func TestCustomRunsInOrder(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	p := newCustom(t, pools.Config{Workers: 1, Queue: 16})
	var got []int
	for i := range 100 {
		if i%10 == 0 {
			time.Sleep(time.Millisecond) // let the worker run dry and park
		}
		if err := p.Submit(func() { got = append(got, i) }); err != nil {
			t.Fatalf("Submit(%d) = %v", i, err)
		}
	}
	shutdown(t, p)
	for i, v := range got {
		if v != i {
			t.Fatalf("task %d ran as number %d; want them in order (%v)", v, i, got)
		}
	}
	if len(got) != 100 {
		t.Errorf("%d of 100 tasks ran", len(got))
	}
}

// TestCustomWakesEnoughWorkers: the pool wakes parked workers at most GOMAXPROCS at a time,
// each passing the wake on, so tasks submitted faster than workers wake must still bring
// in every worker they need: n tasks that each wait for all the others run at once on n
// workers, whatever GOMAXPROCS, from a single submitter or many.
func TestCustomWakesEnoughWorkers(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		for _, sub := range []int{1, 8} {
			t.Run(fmt.Sprintf("gomaxprocs=%d/sub=%d", procs, sub), func(t *testing.T) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				synctest.Test(t, func(t *testing.T) {
					const n = 64
					p := newCustom(t, pools.Config{Workers: n})
					synctest.Wait() // every worker parked
					var started sync.WaitGroup
					started.Add(n)
					release := make(chan struct{})
					var wg sync.WaitGroup
					for s := range sub {
						wg.Go(func() {
							for range n / sub {
								if err := p.Submit(func() { started.Done(); <-release }); err != nil {
									t.Errorf("submitter %d: Submit() = %v", s, err)
								}
							}
						})
					}
					wg.Wait()
					synctest.Wait()
					if s := p.Stats(); s.Running != n || s.Queued != 0 {
						t.Errorf("with %d tasks that block submitted: Stats() = %+v; want all %d running, none queued", n, s, n)
					}
					close(release)
					started.Wait()
					shutdown(t, p)
				})
			})
		}
	}
}
