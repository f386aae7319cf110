package pools_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alitto/pond/v2"
	"github.com/panjf2000/ants/v2"
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
		name       string
		cfg        pools.Config
		want       string
		cannotShed bool // the error must match ErrCannotReject
	}{
		{name: "custom", cfg: pools.Config{Workers: 0}, want: "Workers = 0"},
		{name: "ants", cfg: pools.Config{Workers: -1}, want: "Workers = -1"},
		{name: "pond", cfg: pools.Config{Workers: 1, Queue: -1}, want: "Queue = -1"},
		{name: "nope", cfg: pools.Config{Workers: 1}, want: `unknown executor "nope" (known: ` + strings.Join(pools.Names(), ", ") + ")"},
		{name: "workerpool", cfg: pools.Config{Workers: 1, Reject: true}, cannotShed: true,
			want: "pools: executor cannot reject: workerpool: its queue is unbounded and Do never blocks"},
		{name: "conc", cfg: pools.Config{Workers: 1, Reject: true}, cannotShed: true, want: "conc: Pool.Go blocks until a worker is free"},
		{name: "goroutines", cfg: pools.Config{Workers: 1, Reject: true}, cannotShed: true, want: "goroutines: it starts a goroutine per task"},
		{name: "pondv2", cfg: pools.Config{Workers: 1, Reject: true}, cannotShed: true, want: "pondv2: with Queue 0 its queue is unbounded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex, err := pools.New(tc.name, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, pools.ErrCannotReject) != tc.cannotShed {
				t.Fatalf("New(%q, %+v) = %v, %v; want error containing %q (ErrCannotReject: %v)", tc.name, tc.cfg, ex, err, tc.want, tc.cannotShed)
			}
		})
	}
}

// rejecting lists every executor that can reject, with how many blocked tasks fill it
// when built with rejectCfg, and the library's own error that ErrFull wraps, if any.
var rejecting = []struct {
	name     string
	capacity int
	libErr   error
}{
	{"custom", rejectCfg.Workers + rejectCfg.Queue, nil},
	{"ants", rejectCfg.Workers, ants.ErrPoolOverload}, // no queue
	{"pond", rejectCfg.Workers + rejectCfg.Queue, nil},
	{"pondv2", rejectCfg.Workers + rejectCfg.Queue, pond.ErrQueueFull},
	{"errgroup", rejectCfg.Workers, nil},  // no queue
	{"semaphore", rejectCfg.Workers, nil}, // no queue
}

var rejectCfg = pools.Config{Workers: 2, Queue: 3, Reject: true}

// TestRejectingTable checks that rejecting and the executor table agree on who can reject.
func TestRejectingTable(t *testing.T) {
	can := map[string]bool{}
	for _, r := range rejecting {
		can[r.name] = true
	}
	for _, name := range pools.Names() {
		in, err := pools.Describe(name)
		if err != nil {
			t.Fatal(err)
		}
		if (in.Reject != "") != can[name] || (in.Reject == "") == (in.CannotReject == "") {
			t.Errorf("Describe(%q) says Reject %q, CannotReject %q; the reject tests say it can reject: %v", name, in.Reject, in.CannotReject, can[name])
		}
	}
}

// TestContractRejectWhenFull fills each rejecting executor with blocked tasks, workers
// first and then the queue, and checks that every one of them is accepted, that one more
// gets ErrFull at once, that after the release Submit accepts again, and that every
// accepted task runs once.
func TestContractRejectWhenFull(t *testing.T) {
	for _, tc := range rejecting {
		t.Run("pool="+tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ex, err := pools.New(tc.name, rejectCfg)
			if err != nil {
				t.Fatalf("New(%q, %+v) = %v", tc.name, rejectCfg, err)
			}
			var runs [16]atomic.Int32 // by task
			release := make(chan struct{})
			started := make(chan struct{}, len(runs))
			submitted := 0
			submit := func() error {
				i := submitted
				err := ex.Submit(func() {
					runs[i].Add(1)
					started <- struct{}{}
					<-release
				})
				if err == nil {
					submitted++
				}
				return err
			}
			// Each worker holds a task before the queue fills, so that no task is still on
			// its way to an idle worker when the last Submit comes.
			for i := range tc.capacity {
				if err := submit(); err != nil {
					close(release)
					t.Fatalf("Submit(%d) of %d that fill the executor = %v; want nil", i, tc.capacity, err)
				}
				if i < rejectCfg.Workers {
					<-started
				}
			}
			begin := time.Now()
			err = submit()
			took := time.Since(begin)
			close(release)
			if !errors.Is(err, pools.ErrFull) || (tc.libErr != nil && !errors.Is(err, tc.libErr)) {
				t.Errorf("Submit() on a full executor = %v; want ErrFull wrapping %v", err, tc.libErr)
			}
			if took > time.Second {
				t.Errorf("Submit() on a full executor took %v; want it at once", took)
			}
			// A worker done with its task may need a moment before it counts as free
			// (ants puts itself back in its idle list after the task returns), so the
			// first Submits after the release may still find the executor full.
			deadline := time.Now().Add(generous)
			for err = submit(); errors.Is(err, pools.ErrFull) && time.Now().Before(deadline); err = submit() {
				time.Sleep(time.Millisecond)
			}
			if err != nil {
				t.Errorf("Submit() after the release = %v; want nil", err)
			}
			shutdown(t, ex)
			for i := range runs {
				if got, want := runs[i].Load(), int32(0); i < submitted {
					want = 1
					if got != want {
						t.Errorf("task %d ran %d times; want %d", i, got, want)
					}
				} else if got != want {
					t.Errorf("task %d, never accepted, ran %d times", i, got)
				}
			}
		})
	}
}

// TestContractRejectConcurrent has many submitters flood each rejecting executor, and
// checks that every accepted task runs once, that no refused one runs, and that the only
// refusal is ErrFull.
func TestContractRejectConcurrent(t *testing.T) {
	for _, tc := range rejecting {
		t.Run("pool="+tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ex, err := pools.New(tc.name, rejectCfg)
			if err != nil {
				t.Fatalf("New(%q, %+v) = %v", tc.name, rejectCfg, err)
			}
			const submitters, each = 8, 500
			var runs [submitters * each]atomic.Int32
			var accepted [submitters * each]bool
			var full atomic.Int64
			var wg sync.WaitGroup
			for s := range submitters {
				wg.Go(func() {
					for j := range each {
						i := s*each + j
						err := ex.Submit(func() {
							runs[i].Add(1)
							time.Sleep(10 * time.Microsecond)
						})
						switch {
						case err == nil:
							accepted[i] = true
						case errors.Is(err, pools.ErrFull):
							full.Add(1)
						default:
							t.Errorf("Submit() = %v; want nil or ErrFull", err)
							return
						}
					}
				})
			}
			wg.Wait()
			shutdown(t, ex)
			for i := range runs {
				want := int32(0)
				if accepted[i] {
					want = 1
				}
				if got := runs[i].Load(); got != want {
					t.Errorf("task %d (accepted: %v) ran %d times; want %d", i, accepted[i], got, want)
				}
			}
			t.Logf("%d of %d Submits got ErrFull", full.Load(), submitters*each)
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
			if in.Name != name || in.Module == "" || in.Version == "" || in.Submit == "" || in.Shutdown == "" || in.Queue == "" ||
				in.Reject == "" && in.CannotReject == "" || in.Deadline != pools.DeadlineLibrary && in.Deadline != pools.DeadlineAdapter {
				t.Errorf("Describe(%q) = %+v; want every field set", name, in)
			}
		})
	}
	if _, err := pools.Describe("nope"); err == nil {
		t.Error(`Describe("nope") = nil error; want one`)
	}
}
