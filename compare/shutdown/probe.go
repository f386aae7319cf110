package shutdown

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

// This file holds the probe bodies, which run inside the child process (poolbench
// probe-child) through the pools.Executor interface and print what they saw. The probe
// table is in probes.go; the parent side, which turns what they saw into a verdict, is in
// shutdown.go.

// PanicMarker is the value the panic probe's task panics with, so that the parent can find
// where the executor reported it.
const PanicMarker = "poolbench probe: deliberate panic"

// An Observation is what a probe child saw in one round. The child prints one per line, as
// JSON, on stdout as each round ends, so a child that dies mid-rounds leaves what it saw.
type Observation struct {
	Round   int           `json:"round"`   // from 1
	Outcome string        `json:"outcome"` // one of the probe's verdict words
	N       int           `json:"n,omitempty"`
	Elapsed time.Duration `json:"elapsed_ns,omitempty"` // how long the call the outcome is about took
	// Returned is set by the panic probe when Submit or Shutdown returned the panic as an
	// error; Rethrown when one of them panicked with it on the caller's goroutine.
	Returned bool   `json:"returned,omitempty"`
	Rethrown bool   `json:"rethrown,omitempty"`
	Detail   string `json:"detail,omitempty"` // error text, panic message, counts
}

// NewExecutor builds the executor under test with the Config a probe asks for.
type NewExecutor func(cfg pools.Config) (pools.Executor, error)

// probeBody runs one round of a probe on executors from newExec.
type probeBody func(newExec NewExecutor) (Observation, error)

// RunChild runs probe id for up to rounds rounds (0: the probe's default) on executors from
// newExec, printing one Observation per round on stdout. It stops early after a round that
// left a goroutine stuck (hang, deadlock) or whose setup failed (harness), when the probe's
// time budget is spent, or when ctx is done. It is the body of the hidden `poolbench
// probe-child` command; a library that panics on another goroutine kills the process, which
// the parent reads as a crash.
func RunChild(ctx context.Context, id string, rounds int, newExec NewExecutor, stdout io.Writer) error {
	def, err := lookupProbe(id)
	if err != nil {
		return err
	}
	if rounds <= 0 {
		rounds = def.rounds
	}
	enc := json.NewEncoder(stdout)
	start := time.Now()
	for r := 1; r <= rounds; r++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("shutdown: probe %s: %w", id, err)
		}
		obs, err := def.body(newExec)
		if err != nil {
			// The probe could not set up what it tests: that is about the probe.
			obs = Observation{Outcome: wordHarness, Detail: err.Error()}
		}
		obs.Round = r
		if err := enc.Encode(obs); err != nil {
			return fmt.Errorf("shutdown: probe %s: %w", id, err)
		}
		if obs.Outcome == wordHang || obs.Outcome == wordDeadlock || obs.Outcome == wordHarness || time.Since(start) > def.budget {
			break
		}
	}
	return nil
}

// pending is a call running on its own goroutine, so that a probe can bound how long it
// waits for it. A call that never returns leaves its goroutine behind; the child exits soon.
type pending struct {
	done     chan struct{}
	err      error
	panicked any
	start    time.Time
	elapsed  time.Duration
}

// goCall starts f on a new goroutine, recovering a panic from it.
func goCall(f func() error) *pending {
	p := &pending{done: make(chan struct{}), start: time.Now()}
	go func() {
		defer close(p.done)
		defer func() {
			if v := recover(); v != nil {
				p.panicked = v
			}
			p.elapsed = time.Since(p.start)
		}()
		p.err = f()
	}()
	return p
}

// wait reports whether the call returned within d.
func (p *pending) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-t.C:
		return false
	}
}

// call runs f on its own goroutine and waits up to d for it.
func call(d time.Duration, f func() error) (*pending, bool) {
	p := goCall(f)
	return p, p.wait(d)
}

// try runs f on the calling goroutine, turning a panic into a value, for calls that must
// stay on the caller's goroutine (the race probe's submitters).
func try(f func() error) (panicked any, err error) {
	defer func() { panicked = recover() }()
	return nil, f()
}

// shutdownWithin calls ex.Shutdown with a context that ends after d.
func shutdownWithin(ex pools.Executor, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return ex.Shutdown(ctx)
}

// cleanup shuts ex down once a probe has seen what it came for, so that the probe leaves no
// workers behind, and says how that went when it did not go well.
func cleanup(ex pools.Executor) string {
	p, ok := call(2*time.Second, func() error { return shutdownWithin(ex, time.Second) })
	switch {
	case !ok:
		return "; closing Shutdown: no return after 2s"
	case p.panicked != nil:
		return fmt.Sprintf("; closing Shutdown: panic: %v", p.panicked)
	case p.err != nil:
		return "; closing Shutdown: " + p.err.Error()
	}
	return ""
}

// waitUntil polls cond every millisecond for up to d and reports whether it came true.
func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// errText is err's text, or "nil".
func errText(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// stuckTasks submits n tasks that block until the returned release is called, and waits
// until all n are running. release is safe to call more than once. Each Submit runs on its
// own goroutine, since a synchronous Submit (tunny's) returns only when its task has.
func stuckTasks(ex pools.Executor, n int) (release func(), err error) {
	stuck := make(chan struct{})
	release = sync.OnceFunc(func() { close(stuck) })
	var started atomic.Int32
	for i := range n {
		p := goCall(func() error { return ex.Submit(func() { started.Add(1); <-stuck }) })
		if p.wait(10*time.Millisecond) && (p.err != nil || p.panicked != nil) {
			release()
			return nil, fmt.Errorf("submitting stuck task %d: %v%v", i, errText(p.err), p.panicked)
		}
	}
	if !waitUntil(2*time.Second, func() bool { return int(started.Load()) == n }) {
		release()
		return nil, fmt.Errorf("%d of %d stuck tasks started within 2s", started.Load(), n)
	}
	return release, nil
}

// probeDrain: 2 workers, 200 queued 1 ms tasks, Shutdown with 10 s. Every accepted task must
// have run when Shutdown returns.
func probeDrain(newExec NewExecutor) (Observation, error) {
	const tasks = 200
	ex, err := newExec(pools.Config{Workers: 2, Queue: tasks})
	if err != nil {
		return Observation{}, err
	}
	var ran atomic.Int64
	accepted := 0
	var submitErr error
	for range tasks {
		err := ex.Submit(func() { time.Sleep(time.Millisecond); ran.Add(1) })
		if err != nil {
			submitErr = err
			continue
		}
		accepted++
	}
	start := time.Now()
	err = shutdownWithin(ex, 10*time.Second)
	elapsed := time.Since(start)
	atReturn := int(ran.Load())
	time.Sleep(50 * time.Millisecond)
	later := int(ran.Load()) - atReturn
	obs := Observation{Outcome: wordOK, Elapsed: elapsed, N: accepted - atReturn,
		Detail: fmt.Sprintf("accepted %d/%d, ran %d when Shutdown returned %s after %v",
			accepted, tasks, atReturn, errText(err), elapsed.Round(time.Millisecond))}
	if obs.N > 0 {
		obs.Outcome = wordLost
	}
	if later > 0 {
		obs.Detail += fmt.Sprintf("; %d more ran after it returned", later)
	}
	if submitErr != nil {
		obs.Detail += "; Submit: " + submitErr.Error()
	}
	return obs, nil
}

// probeDeadline: 2 workers stuck, Shutdown with 100 ms. Shutdown must return an error within
// twice its deadline.
func probeDeadline(newExec NewExecutor) (Observation, error) {
	const deadline = 100 * time.Millisecond
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	release, err := stuckTasks(ex, 2)
	if err != nil {
		return Observation{}, err
	}
	defer release()
	p, ok := call(3*time.Second, func() error { return shutdownWithin(ex, deadline) })
	switch {
	case !ok:
		return Observation{Outcome: wordHang, Detail: "Shutdown(100ms) had not returned after 3s"}, nil
	case p.panicked != nil:
		return Observation{Outcome: wordPanic, Elapsed: p.elapsed, Detail: fmt.Sprintf("Shutdown panicked: %v", p.panicked)}, nil
	case p.err == nil:
		return Observation{Outcome: wordNilEarly, Elapsed: p.elapsed,
			Detail: fmt.Sprintf("Shutdown returned nil after %v with 2 tasks still running", p.elapsed.Round(time.Millisecond))}, nil
	case p.elapsed > 2*deadline:
		return Observation{Outcome: wordLate, Elapsed: p.elapsed,
			Detail: fmt.Sprintf("%q after %v", p.err, p.elapsed.Round(time.Millisecond))}, nil
	}
	return Observation{Outcome: wordOK, Elapsed: p.elapsed,
		Detail: fmt.Sprintf("%q after %v", p.err, p.elapsed.Round(time.Millisecond))}, nil
}

// probeAfterShutdown: Submit after Shutdown returned.
func probeAfterShutdown(newExec NewExecutor) (Observation, error) {
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	first := shutdownWithin(ex, time.Second)
	note := ""
	if first != nil {
		note = "; first Shutdown: " + first.Error()
	}
	ran := make(chan struct{})
	p, ok := call(time.Second, func() error { return ex.Submit(func() { close(ran) }) })
	switch {
	case !ok:
		return Observation{Outcome: wordHang, Detail: "Submit had not returned after 1s" + note}, nil
	case p.panicked != nil:
		return Observation{Outcome: wordPanic, Detail: fmt.Sprint(p.panicked) + note}, nil
	case p.err != nil:
		return Observation{Outcome: wordError, Detail: p.err.Error() + note}, nil
	}
	select {
	case <-ran:
		return Observation{Outcome: wordRan, Detail: "Submit returned nil and the task ran" + note}, nil
	case <-time.After(100 * time.Millisecond):
		return Observation{Outcome: wordLost, Detail: "Submit returned nil; the task had not run 100ms later" + note}, nil
	}
}

// probeTwice: a second Shutdown after the first returned.
func probeTwice(newExec NewExecutor) (Observation, error) {
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	if err := ex.Submit(func() {}); err != nil {
		return Observation{}, fmt.Errorf("submit: %w", err)
	}
	first := shutdownWithin(ex, time.Second)
	p, ok := call(2*time.Second, func() error { return shutdownWithin(ex, time.Second) })
	detail := "first Shutdown: " + errText(first) + "; second: "
	switch {
	case !ok:
		return Observation{Outcome: wordHang, Detail: detail + "no return after 2s"}, nil
	case p.panicked != nil:
		return Observation{Outcome: wordPanic, Detail: detail + fmt.Sprintf("panic: %v", p.panicked)}, nil
	case p.err != nil:
		return Observation{Outcome: wordError, Elapsed: p.elapsed,
			Detail: detail + fmt.Sprintf("%q after %v", p.err, p.elapsed.Round(time.Millisecond))}, nil
	}
	return Observation{Outcome: wordOK, Elapsed: p.elapsed, Detail: detail + "nil"}, nil
}

// probePanic: a task panics and 10 more follow. The process must survive and the 10 run.
func probePanic(newExec NewExecutor) (Observation, error) {
	const after = 10
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	var errs []string
	returned, rethrown := false, false
	note := func(what string, err error, panicked any) {
		if panicked != nil {
			err = fmt.Errorf("panic: %v", panicked)
		}
		if err == nil {
			return
		}
		msg, _, more := strings.Cut(err.Error(), "\n") // a panic value may carry its stack
		if more {
			msg += " ..."
		}
		errs = append(errs, what+": "+msg)
		if strings.Contains(err.Error(), PanicMarker) {
			returned = returned || panicked == nil
			rethrown = rethrown || panicked != nil
		}
	}
	panicked, err := try(func() error { return ex.Submit(func() { panic(PanicMarker) }) })
	note("Submit", err, panicked)
	var ran atomic.Int32
	for range after {
		panicked, err := try(func() error { return ex.Submit(func() { ran.Add(1) }) })
		note("Submit", err, panicked)
	}
	p, ok := call(5*time.Second, func() error { return shutdownWithin(ex, 3*time.Second) })
	if !ok {
		errs = append(errs, "Shutdown: no return after 5s")
	} else {
		note("Shutdown", p.err, p.panicked)
	}
	// A library may report the panic on its own goroutine after Shutdown has returned (ants
	// counts the worker done before it logs); give such a report time to land.
	time.Sleep(100 * time.Millisecond)
	detail := fmt.Sprintf("%d/%d later tasks ran", ran.Load(), after)
	if len(errs) > 0 {
		detail += "; " + strings.Join(errs, "; ")
	}
	return Observation{Outcome: wordSurvives, N: int(ran.Load()), Returned: returned, Rethrown: rethrown, Detail: detail}, nil
}

// probeRace: 8 submitters running while Shutdown starts. No Submit may panic and every task
// for which Submit returned nil must run.
func probeRace(newExec NewExecutor) (Observation, error) {
	// Submitters go on until Shutdown has returned and a little after, so that Shutdown
	// always starts while they run; each is capped for executors that never refuse.
	const submitters, maxEach = 8, 4000
	ex, err := newExec(pools.Config{Workers: 2, Queue: 16})
	if err != nil {
		return Observation{}, err
	}
	var accepted, ran, refused atomic.Int64
	var stop atomic.Bool
	var mu sync.Mutex
	var panics []string
	var firstErr error
	var wg sync.WaitGroup
	for range submitters {
		wg.Go(func() {
			for i := 0; i < maxEach && !stop.Load(); i++ {
				panicked, err := try(func() error { return ex.Submit(func() { ran.Add(1) }) })
				if panicked == nil && err == nil {
					accepted.Add(1)
					continue
				}
				refused.Add(1)
				mu.Lock()
				defer mu.Unlock()
				if panicked != nil {
					panics = append(panics, fmt.Sprint(panicked))
				} else if firstErr == nil {
					firstErr = err
				}
				return
			}
		})
	}
	waitUntil(time.Second, func() bool { return accepted.Load() >= 16 })
	p, ok := call(3*time.Second, func() error { return shutdownWithin(ex, 2*time.Second) })
	if !ok {
		return Observation{Outcome: wordHang, Detail: "Shutdown(2s) had not returned after 3s"}, nil
	}
	if p.panicked != nil {
		return Observation{Outcome: wordPanic, Detail: fmt.Sprintf("Shutdown: panic: %v", p.panicked)}, nil
	}
	time.Sleep(time.Millisecond)
	stop.Store(true)
	subs := goCall(func() error { wg.Wait(); return nil })
	if !subs.wait(3 * time.Second) {
		return Observation{Outcome: wordHang, Detail: "a submitter was still blocked in Submit 3s after Shutdown returned"}, nil
	}
	// Tasks accepted after Shutdown returned (errgroup, goroutines) may still be running.
	waitUntil(500*time.Millisecond, func() bool { return ran.Load() >= accepted.Load() })
	mu.Lock()
	defer mu.Unlock()
	obs := Observation{Outcome: wordOK, N: int(accepted.Load() - ran.Load()),
		Detail: fmt.Sprintf("accepted %d, ran %d; %d/%d submitters refused (first error: %s); Shutdown: %s",
			accepted.Load(), ran.Load(), refused.Load(), submitters, errText(firstErr), errText(p.err))}
	switch {
	case len(panics) > 0:
		obs.Outcome, obs.Detail = wordPanic, fmt.Sprintf("%d submitters panicked: %s; %s", len(panics), panics[0], obs.Detail)
	case obs.N > 0:
		obs.Outcome = wordLost
	}
	return obs, nil
}

// probeLeak: goroutines after Shutdown vs before New.
func probeLeak(newExec NewExecutor) (Observation, error) {
	before := runtime.NumGoroutine()
	creators := goroutineCreators()
	ex, err := newExec(pools.Config{Workers: 4})
	if err != nil {
		return Observation{}, err
	}
	for i := range 100 {
		if err := ex.Submit(func() {}); err != nil {
			return Observation{}, fmt.Errorf("submit %d: %w", i, err)
		}
	}
	// A Shutdown that fails is reported, not fatal: what it left running is what counts.
	note := ""
	if err := shutdownWithin(ex, 2*time.Second); err != nil {
		note = "; Shutdown: " + err.Error()
	}
	waitUntil(time.Second, func() bool { return runtime.NumGoroutine() <= before })
	after := runtime.NumGoroutine()
	if after <= before {
		return Observation{Outcome: wordOK, Detail: fmt.Sprintf("%d goroutines before New, %d after Shutdown", before, after) + note}, nil
	}
	var added []string
	for _, c := range goroutineCreators() {
		if i := slices.Index(creators, c); i >= 0 {
			creators = slices.Delete(creators, i, i+1)
			continue
		}
		added = append(added, c)
	}
	return Observation{Outcome: wordLeak, N: after - before,
		Detail: fmt.Sprintf("%d goroutines before New, %d 1s after Shutdown; new ones: %s",
			before, after, strings.Join(added, "; ")) + note}, nil
}

// goroutineCreators lists, for every goroutine, the function that runs it and where it was
// created, from runtime.Stack.
func goroutineCreators() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		lines := strings.Split(g, "\n")
		if len(lines) < 2 {
			continue
		}
		entry := lines[len(lines)-2]
		if strings.HasPrefix(strings.TrimSpace(entry), "created by ") {
			entry = strings.TrimSpace(entry) + " " + strings.TrimSpace(lines[len(lines)-1])
		}
		out = append(out, strings.TrimSpace(lines[1])+" ("+entry+")")
	}
	return out
}

// probeSaturation: all workers busy, Submit.
func probeSaturation(newExec NewExecutor) (Observation, error) {
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	release, err := stuckTasks(ex, 2)
	if err != nil {
		return Observation{}, err
	}
	defer release()
	ran := make(chan struct{})
	p, ok := call(300*time.Millisecond, func() error { return ex.Submit(func() { close(ran) }) })
	if !ok {
		release()
		back := "had not returned 2s after the workers were freed"
		if p.wait(2 * time.Second) {
			back = fmt.Sprintf("returned %s once the workers were freed", errText(p.err))
		}
		return Observation{Outcome: wordBlocks, Detail: "Submit still blocked after 300ms; it " + back + cleanup(ex)}, nil
	}
	switch {
	case p.panicked != nil:
		release()
		return Observation{Outcome: wordPanic, Detail: fmt.Sprintf("Submit panicked: %v", p.panicked) + cleanup(ex)}, nil
	case p.err != nil:
		release()
		return Observation{Outcome: wordRejects, Detail: fmt.Sprintf("Submit returned %q after %v", p.err, p.elapsed) + cleanup(ex)}, nil
	}
	detail := fmt.Sprintf("Submit returned nil after %v", p.elapsed)
	select {
	case <-ran: // no waiting line: the task got a goroutine of its own
		release()
		return Observation{Outcome: wordQueues, Elapsed: p.elapsed,
			Detail: detail + "; the task ran at once beside the busy workers" + cleanup(ex)}, nil
	case <-time.After(20 * time.Millisecond):
	}
	release()
	select {
	case <-ran:
		detail += "; the task ran once the workers were freed"
	case <-time.After(time.Second):
		detail += "; the task had not run 1s after the workers were freed"
	}
	detail += cleanup(ex)
	return Observation{Outcome: wordQueues, Elapsed: p.elapsed, Detail: detail}, nil
}

// probeNested: 1 worker; a task submits another and waits for it.
func probeNested(newExec NewExecutor) (Observation, error) {
	ex, err := newExec(pools.Config{Workers: 1})
	if err != nil {
		return Observation{}, err
	}
	errInnerLate := errors.New("the inner task had not run after 1s")
	outer := make(chan error, 1)
	if err := ex.Submit(func() {
		inner := make(chan struct{})
		if err := ex.Submit(func() { close(inner) }); err != nil {
			outer <- fmt.Errorf("inner Submit: %w", err)
			return
		}
		select {
		case <-inner:
			outer <- nil
		case <-time.After(time.Second):
			outer <- errInnerLate
		}
	}); err != nil {
		return Observation{}, fmt.Errorf("outer submit: %w", err)
	}
	select {
	case err := <-outer:
		if err != nil {
			return Observation{Outcome: wordDeadlock, Detail: err.Error() + cleanup(ex)}, nil
		}
		return Observation{Outcome: wordOK, Detail: "the inner task ran while the outer one waited" + cleanup(ex)}, nil
	case <-time.After(2 * time.Second):
		return Observation{Outcome: wordDeadlock, Detail: "the outer task's inner Submit had not returned after 2s"}, nil
	}
}

// probeBlockedSubmit: a Submit blocked when Shutdown starts.
func probeBlockedSubmit(newExec NewExecutor) (Observation, error) {
	ex, err := newExec(pools.Config{Workers: 1, Queue: 1})
	if err != nil {
		return Observation{}, err
	}
	release, err := stuckTasks(ex, 1)
	if err != nil {
		return Observation{}, err
	}
	defer release()
	const tries = 4
	var blocked *pending
	var ran chan struct{} // closed by the blocked Submit's task when it runs
	for i := range tries {
		ranHere := make(chan struct{})
		p, ok := call(200*time.Millisecond, func() error { return ex.Submit(func() { close(ranHere) }) })
		if !ok {
			blocked, ran = p, ranHere
			break
		}
		if p.panicked != nil || p.err != nil {
			msg := errText(p.err)
			if p.panicked != nil {
				msg = fmt.Sprintf("panic: %v", p.panicked)
			}
			release()
			return Observation{Outcome: wordNA, Detail: fmt.Sprintf("Submit %d behind a busy worker rejects instead of blocking: %s", i+1, msg) + cleanup(ex)}, nil
		}
	}
	if blocked == nil {
		release()
		return Observation{Outcome: wordNA, Detail: fmt.Sprintf("Submit never blocked: %d tasks accepted behind 1 busy worker", tries) + cleanup(ex)}, nil
	}
	shut := goCall(func() error { return shutdownWithin(ex, 3*time.Second) })
	since := func() time.Duration {
		return blocked.start.Add(blocked.elapsed).Sub(shut.start).Round(time.Millisecond)
	}
	how := "returned while the worker was still busy"
	if !blocked.wait(300 * time.Millisecond) {
		how = "returned once the busy worker was freed"
		release()
		if !blocked.wait(2 * time.Second) {
			return Observation{Outcome: wordHang, Detail: "the blocked Submit had not returned 2s after Shutdown started and the worker was freed"}, nil
		}
	}
	release()
	shutDone := shut.wait(4 * time.Second)
	shutText := "no return after 4s"
	if shutDone {
		shutText = errText(shut.err)
		if shut.panicked != nil {
			shutText = fmt.Sprintf("panic: %v", shut.panicked)
		}
	}
	detail := fmt.Sprintf("Submit %s, %v after Shutdown started: ", how, since())
	switch {
	case blocked.panicked != nil:
		return Observation{Outcome: wordPanic, Elapsed: blocked.elapsed,
			Detail: detail + fmt.Sprintf("panic: %v; Shutdown: %s", blocked.panicked, shutText)}, nil
	case blocked.err != nil:
		return Observation{Outcome: wordError, Elapsed: blocked.elapsed,
			Detail: detail + fmt.Sprintf("%q; Shutdown: %s", blocked.err, shutText)}, nil
	}
	select {
	case <-ran:
		return Observation{Outcome: wordRan, Elapsed: blocked.elapsed, Detail: detail + "nil, and the task ran; Shutdown: " + shutText}, nil
	case <-time.After(500 * time.Millisecond):
		return Observation{Outcome: wordLost, Elapsed: blocked.elapsed,
			Detail: detail + "nil, and the task had not run 500ms after Shutdown; Shutdown: " + shutText}, nil
	}
}
