package shutdown

import (
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjf2000/ants/v2"
	"go.uber.org/goleak"
)

var antsSoak = flag.Int("ants-soak", 0, "rounds of TestAntsRace, the soak of ants' lost wakeup (0: skip the test)")

// TestAntsRace is a reproducer for ants' tracker (panjf2000/ants#141, "retrieveWorker may
// wait forever"): the race probe's shape run on ants v2.12.1 directly, without poolbench's
// adapter. A Submit that finds every worker busy can pass IsClosed (pool.go:38) before
// Release and then wait in retrieveWorker's cond.Wait (ants.go:539) after Release's
// Broadcast (ants.go:404); the workers' own wakeups (ants.go:553, worker.go:65) come
// without the lock, before it waits, and are lost. ReleaseContext returns nil and the
// Submit waits for ever. It is rare (about 1 round in 20,000 on 2 cores), so the test runs
// only when asked, and stops early a little before go test's -timeout:
//
//	go test ./compare/shutdown -run AntsRace -ants-soak=100000 -timeout=5m -v
//
// Each hang is reported with the stuck goroutines; the rate comes with its 95% interval.
func TestAntsRace(t *testing.T) {
	if *antsSoak <= 0 {
		t.Skip("soaks ants for a rare hang; run with -run AntsRace -ants-soak=N")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	stop := time.Now().Add(time.Hour)
	if d, ok := t.Deadline(); ok {
		stop = d.Add(-10 * time.Second) // a hung round takes 3s to call
	}
	start := time.Now()
	rounds, hangs := 0, 0
	for rounds < *antsSoak && time.Now().Before(stop) {
		rounds++
		if dump := antsRaceRound(); dump != "" {
			hangs++
			t.Errorf("round %d hung: %s", rounds, dump)
		}
	}
	lo, hi := wilson(hangs, rounds)
	t.Logf("ants (the version go.mod pins): %d hangs in %d rounds in %v, GOMAXPROCS %d; rate %.4g%%, 95%% CI %.4g%%–%.4g%%",
		hangs, rounds, time.Since(start).Round(time.Second),
		runtime.GOMAXPROCS(0), 100*float64(hangs)/float64(rounds), 100*lo, 100*hi)
}

// antsRaceRound is one round: a pool of 2 workers, 8 goroutines submitting until
// ReleaseContext (2 s) has returned and a little after, ReleaseContext once 16 tasks are
// accepted. It returns "" or, when a Submit was still waiting 3 s after ReleaseContext
// returned, what the pool said with the goroutines inside ants. Then it wakes the stuck
// Submit with Tune, the workaround (ants.go:363-375 broadcasts), so that the soak goes on.
func antsRaceRound() string {
	const submitters, maxAfter = 8, 500
	p, err := ants.NewPool(2)
	if err != nil {
		return "NewPool: " + err.Error()
	}
	var accepted, inSubmit atomic.Int64
	var released, stop atomic.Bool
	var wg sync.WaitGroup
	for range submitters {
		wg.Go(func() {
			for after := 0; !stop.Load() && after < maxAfter; {
				if released.Load() {
					after++
				}
				inSubmit.Add(1)
				err := p.Submit(func() {})
				inSubmit.Add(-1)
				if err != nil {
					return
				}
				accepted.Add(1)
			}
		})
	}
	for deadline := time.Now().Add(time.Second); accepted.Load() < 16 && time.Now().Before(deadline); {
		runtime.Gosched()
	}
	released.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	relErr := p.ReleaseContext(ctx)
	time.Sleep(time.Millisecond)
	stop.Store(true)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return ""
	case <-time.After(3 * time.Second):
	}
	report := fmt.Sprintf("%d Submit(s) still waiting 3s after ReleaseContext returned %v; Running=%d Waiting=%d IsClosed=%v\n%s",
		inSubmit.Load(), relErr, p.Running(), p.Waiting(), p.IsClosed(), antsStacks())
	p.Tune(p.Cap() + 2)
	select {
	case <-done:
		report += "\nTune(Cap()+2) woke it: Submit returned"
	case <-time.After(time.Second):
		report += "\nTune(Cap()+2) did not wake it"
	}
	return report
}

// antsStacks is the stack of every goroutine that is inside ants.
func antsStacks() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(strings.TrimSpace(string(buf)), "\n\n") {
		if strings.Contains(g, "panjf2000/ants") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}
