package pools_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/pools"
)

// generous is a Shutdown deadline no healthy executor comes near.
const generous = 30 * time.Second

// forEach runs test on a fresh executor of every name, checking for leaked goroutines.
func forEach(t *testing.T, cfg pools.Config, test func(t *testing.T, name string, ex pools.Executor)) {
	for _, name := range pools.Names() {
		t.Run("pool="+name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ex, err := pools.New(name, cfg)
			if err != nil {
				t.Fatalf("New(%q, %+v) = %v", name, cfg, err)
			}
			test(t, name, ex)
		})
	}
}

func shutdown(t *testing.T, ex pools.Executor) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), generous)
	defer cancel()
	if err := ex.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown() = %v; want nil", err)
	}
}

func TestContractEachTaskRunsOnce(t *testing.T) {
	forEach(t, pools.Config{Workers: 4}, func(t *testing.T, _ string, ex pools.Executor) {
		const n = 2000
		var runs [n]atomic.Int32
		for i := range n {
			if err := ex.Submit(func() { runs[i].Add(1) }); err != nil {
				t.Fatalf("Submit(%d) = %v", i, err)
			}
		}
		shutdown(t, ex)
		for i := range n {
			if got := runs[i].Load(); got != 1 {
				t.Errorf("task %d ran %d times; want 1", i, got)
			}
		}
	})
}

func TestContractShutdownWaitsForQueued(t *testing.T) {
	forEach(t, pools.Config{Workers: 2, Queue: 64}, func(t *testing.T, _ string, ex pools.Executor) {
		const n = 40 // well beyond Workers, so most wait in line
		var done atomic.Int32
		for i := range n {
			if err := ex.Submit(func() {
				time.Sleep(time.Millisecond)
				done.Add(1)
			}); err != nil {
				t.Fatalf("Submit(%d) = %v", i, err)
			}
		}
		shutdown(t, ex)
		if got := done.Load(); got != n {
			t.Errorf("Shutdown returned nil after %d of %d tasks finished", got, n)
		}
	})
}

func TestContractConcurrentSubmitters(t *testing.T) {
	forEach(t, pools.Config{Workers: 4}, func(t *testing.T, _ string, ex pools.Executor) {
		const submitters, each = 16, 200
		var ran atomic.Int64
		var wg sync.WaitGroup
		for range submitters {
			wg.Go(func() {
				for range each {
					if err := ex.Submit(func() { ran.Add(1) }); err != nil {
						t.Errorf("Submit() = %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		shutdown(t, ex)
		if got := ran.Load(); got != submitters*each {
			t.Errorf("ran %d tasks; want %d", got, submitters*each)
		}
	})
}

func TestContractConcurrencyBound(t *testing.T) {
	const workers = 3
	forEach(t, pools.Config{Workers: workers}, func(t *testing.T, name string, ex pools.Executor) {
		if name == "goroutines" {
			t.Skip("the baseline has no bound")
		}
		var active, peak atomic.Int32
		for range 300 {
			if err := ex.Submit(func() {
				now := active.Add(1)
				for p := peak.Load(); now > p && !peak.CompareAndSwap(p, now); p = peak.Load() {
				}
				time.Sleep(50 * time.Microsecond)
				active.Add(-1)
			}); err != nil {
				t.Fatalf("Submit() = %v", err)
			}
		}
		shutdown(t, ex)
		if got := peak.Load(); got > workers {
			t.Errorf("%d tasks ran at once; want <= %d", got, workers)
		}
	})
}

func TestNewRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  pools.Config
		want string
	}{
		{"custom", pools.Config{Workers: 0}, "Workers = 0"},
		{"ants", pools.Config{Workers: -1}, "Workers = -1"},
		{"pond", pools.Config{Workers: 1, Queue: -1}, "Queue = -1"},
		{"nope", pools.Config{Workers: 1}, `unknown executor "nope" (known: custom, ants, pond, pondv2, workerpool, errgroup, conc, goroutines, tunny, gopool, semaphore, book)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := pools.New(tc.name, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%q, %+v) = %v, %v; want error containing %q", tc.name, tc.cfg, ex, err, tc.want)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	for _, name := range pools.Names() {
		t.Run(name, func(t *testing.T) {
			in, err := pools.Describe(name)
			if err != nil {
				t.Fatalf("Describe(%q) = %v", name, err)
			}
			// Test binaries carry no dependency versions: main's tests check those in a built binary.
			if in.Name != name || in.Module == "" || in.Version == "" || in.Submit == "" || in.Shutdown == "" || in.Queue == "" {
				t.Errorf("Describe(%q) = %+v; want every field set", name, in)
			}
		})
	}
	if _, err := pools.Describe("nope"); err == nil {
		t.Error(`Describe("nope") = nil error; want one`)
	}
}
