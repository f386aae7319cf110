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

	"poolbench/internal/child"
	"poolbench/pools"
)

// This file holds the probe bodies, which run inside the child process (poolbench
// probe-child) through the pools.Executor interface and print what they saw. The probe
// table is in probes.go; the parent side, which turns what they saw into a verdict, is in
// shutdown.go.

// PanicMarker is the value the panic probe's task panics with, so that the parent can find
// where the executor reported it.
const PanicMarker = "poolbench probe: deliberate panic"

// An Observation is what a probe child saw in one round, or in rounds alike (Repeat). The
// child prints one per line, as JSON, on stdout as it goes, so a child that dies mid-rounds
// leaves what it saw.
type Observation struct {
	Round   int           `json:"round"`   // from 1
	Outcome string        `json:"outcome"` // one of the probe's verdict words
	N       int           `json:"n,omitempty"`
	Elapsed time.Duration `json:"elapsed_ns,omitempty"` // how long the call the outcome is about took
	// Returned is set by the panic probe when Submit or Shutdown returned the panic as an
	// error; Rethrown when one of them panicked with it on the caller's goroutine.
	Returned bool `json:"returned,omitempty"`
	Rethrown bool `json:"rethrown,omitempty"`
	// Overlap is set by the race probe: how many Submits were under way while Shutdown ran.
	Overlap int    `json:"overlap,omitempty"`
	Detail  string `json:"detail,omitempty"` // error text, panic message, counts
	// Repeat, when > 0, makes this line stand for that many rounds in a row, ending with
	// Round, that gave the same outcome, N and flags and nothing new to tell; they have no
	// Detail or Elapsed, and Overlap is their sum.
	Repeat int `json:"repeat,omitempty"`
}

// NewExecutor builds the executor under test with the Config a probe asks for.
type NewExecutor func(cfg pools.Config) (pools.Executor, error)

// probeBody runs one round of a probe on executors from newExec.
type probeBody func(newExec NewExecutor) (Observation, error)

// RunChild runs probe id for up to rounds rounds (0: the probe's default) on executors from
// newExec, printing what each round saw on stdout. It stops early after a round that
// left a goroutine stuck (hang, deadlock) or whose setup failed (harness), when the probe's
// time budget is spent (k times the probe's own for k times its rounds), or when ctx is done.
// It is the body of the hidden `poolbench probe-child` command; a library that panics on
// another goroutine kills the process, which the parent reads as a crash.
//
// A round that tells something new (the first of its outcome, or the worst so far by the
// measure classify uses) is printed in full. The others only count: each is printed as a
// short line with Repeat 1 until the child has printed compactAfter bytes, and from then on,
// so that a soak of many rounds fits the parent's output cap, rounds in a row alike are
// printed as one line, at least every 100 ms, so that a child that dies loses little.
func RunChild(ctx context.Context, id string, rounds int, newExec NewExecutor, stdout io.Writer) error {
	def, err := lookupProbe(id)
	if err != nil {
		return err
	}
	if rounds <= 0 {
		rounds = def.rounds
	}
	budget, _ := def.limits(rounds)
	out := &counter{w: stdout}
	enc := json.NewEncoder(out)
	var run Observation // rounds alike not yet printed
	printed := time.Now()
	flush := func() error {
		if run.Repeat > 0 {
			if err := enc.Encode(run); err != nil {
				return fmt.Errorf("shutdown: probe %s: %w", id, err)
			}
		}
		run, printed = Observation{}, time.Now()
		return nil
	}
	worst := map[string]Observation{}
	start := time.Now()
	for r := 1; r <= rounds; r++ {
		if err := ctx.Err(); err != nil {
			return errors.Join(flush(), fmt.Errorf("shutdown: probe %s: %w", id, err))
		}
		obs, err := def.body(newExec)
		if err != nil {
			// The probe could not set up what it tests: that is about the probe.
			obs = Observation{Outcome: wordHarness, Detail: err.Error()}
		}
		obs.Round = r
		w, seen := worst[obs.Outcome]
		switch {
		case !seen || worse(obs, w):
			worst[obs.Outcome] = obs
			if err := flush(); err != nil {
				return err
			}
			if err := enc.Encode(obs); err != nil {
				return fmt.Errorf("shutdown: probe %s: %w", id, err)
			}
		case run.Repeat > 0 && alike(run, obs):
			run.Round, run.Repeat, run.Overlap = r, run.Repeat+1, run.Overlap+obs.Overlap
		default:
			if err := flush(); err != nil {
				return err
			}
			run = Observation{Round: r, Repeat: 1, Outcome: obs.Outcome, N: obs.N, Overlap: obs.Overlap, Returned: obs.Returned, Rethrown: obs.Rethrown}
		}
		if obs.Outcome == wordHang || obs.Outcome == wordDeadlock || obs.Outcome == wordHarness || time.Since(start) > budget {
			break
		}
		if out.n < compactAfter || time.Since(printed) > 100*time.Millisecond {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// compactAfter is how much a probe child prints, a round a line, before it prints rounds
// alike together: a quarter of what the parent keeps (child.MaxOutput).
const compactAfter = child.MaxOutput / 4

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += n
	return n, err
}

// worse reports whether o is a worse round than w of the same outcome: more things counted,
// or a longer call. classify shows the worst round of each outcome.
func worse(o, w Observation) bool {
	return o.N > w.N || o.N == w.N && o.Elapsed > w.Elapsed
}

// alike reports whether o can be counted in run, the rounds alike before it: the same
// outcome, count and flags, and no Submit overlapping Shutdown in both or in neither.
func alike(run, o Observation) bool {
	return o.Outcome == run.Outcome && o.N == run.N && o.Returned == run.Returned && o.Rethrown == run.Rethrown &&
		(o.Overlap == 0) == (run.Overlap == 0)
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
	if finished(p) {
		return true
	}
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

// A batch is tasks submitted behind busy workers, each Submit from a goroutine of its own,
// since it may block.
type batch struct {
	calls []*pending
	ran   atomic.Int32
}

// submitBehind submits n tasks that run task, and gives each Submit time to return or to
// settle into waiting.
func submitBehind(ex pools.Executor, n int, task func()) *batch {
	b := &batch{}
	for range n {
		b.calls = append(b.calls, goCall(func() error { return ex.Submit(func() { task(); b.ran.Add(1) }) }))
	}
	time.Sleep(20 * time.Millisecond)
	return b
}

// refused reports whether every Submit of b has returned an error or panicked, so that none
// of its tasks will run.
func (b *batch) refused() bool {
	for _, p := range b.calls {
		if !finished(p) || p.err == nil && p.panicked == nil {
			return false
		}
	}
	return true
}

// settled is what became of a batch.
type settled struct {
	accepted, refused, panicked, waiting, ran int
	note                                      string // the first error or panic
}

// settle waits up to d for every Submit of b to return and then for every task they
// accepted to run, and says what became of them.
func (b *batch) settle(d time.Duration) settled {
	deadline := time.Now().Add(d)
	var s settled
	for _, c := range b.calls {
		if !c.wait(max(0, time.Until(deadline))) {
			s.waiting++
			continue
		}
		switch {
		case c.panicked != nil:
			s.panicked++
			if s.note == "" {
				s.note = fmt.Sprintf("panic: %v", c.panicked)
			}
		case c.err != nil:
			s.refused++
			if s.note == "" {
				s.note = c.err.Error()
			}
		default:
			s.accepted++
		}
	}
	waitUntil(max(0, time.Until(deadline)), func() bool { return int(b.ran.Load()) >= s.accepted })
	s.ran = int(b.ran.Load())
	return s
}

func (s settled) String() string {
	out := fmt.Sprintf("of %d Submits, %d accepted, %d of their tasks ran", s.accepted+s.refused+s.panicked+s.waiting, s.accepted, s.ran)
	if s.refused > 0 {
		out += fmt.Sprintf(", %d returned an error", s.refused)
	}
	if s.panicked > 0 {
		out += fmt.Sprintf(", %d panicked", s.panicked)
	}
	if s.waiting > 0 {
		out += fmt.Sprintf(", %d still waiting in Submit", s.waiting)
	}
	if s.note != "" {
		out += " (first: " + s.note + ")"
	}
	return out
}

// result says how a call on its own goroutine ended, for the evidence.
func (p *pending) result(ok bool) string {
	switch {
	case !ok:
		return "no return"
	case p.panicked != nil:
		return fmt.Sprintf("panic: %v", p.panicked)
	}
	return fmt.Sprintf("%s after %v", errText(p.err), p.elapsed.Round(time.Millisecond))
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

// probeDeadline: 2 workers stuck and 3 tasks submitted behind them, Shutdown with 100 ms.
// Shutdown must return an error within twice its deadline, and once the stuck tasks are
// released every task whose Submit returned nil must run. A waiting Submit that fails or
// panics when Shutdown starts is only reported: that is the blocked-submit probe's verdict.
func probeDeadline(newExec NewExecutor) (Observation, error) {
	const deadline, queued = 100 * time.Millisecond, 3
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	release, err := stuckTasks(ex, 2)
	if err != nil {
		return Observation{}, err
	}
	defer release()
	b := submitBehind(ex, queued, func() {})
	p, ok := call(3*time.Second, func() error { return shutdownWithin(ex, deadline) })
	release()
	s := b.settle(500 * time.Millisecond)
	behind := fmt.Sprintf("; %d tasks submitted behind the stuck ones, 500ms after their release: %s", queued, s)
	switch {
	case !ok:
		return Observation{Outcome: wordHang, Detail: "Shutdown(100ms) had not returned after 3s" + behind}, nil
	case p.panicked != nil:
		return Observation{Outcome: wordPanic, Elapsed: p.elapsed, Detail: fmt.Sprintf("Shutdown panicked: %v", p.panicked) + behind}, nil
	case s.waiting > 0:
		return Observation{Outcome: wordHang, Elapsed: p.elapsed, Detail: "a Submit never returned; Shutdown: " + p.result(ok) + behind}, nil
	case s.accepted > s.ran:
		return Observation{Outcome: wordLost, N: s.accepted - s.ran, Elapsed: p.elapsed,
			Detail: fmt.Sprintf("%d accepted tasks never ran; Shutdown: %s", s.accepted-s.ran, p.result(ok)) + behind}, nil
	case p.err == nil:
		return Observation{Outcome: wordNilEarly, Elapsed: p.elapsed,
			Detail: fmt.Sprintf("Shutdown returned nil after %v with 2 tasks still running", p.elapsed.Round(time.Millisecond)) + behind}, nil
	case p.elapsed > 2*deadline:
		return Observation{Outcome: wordLate, Elapsed: p.elapsed, Detail: fmt.Sprintf("%q after %v", p.err, p.elapsed.Round(time.Millisecond)) + behind}, nil
	}
	return Observation{Outcome: wordOK, Elapsed: p.elapsed, Detail: fmt.Sprintf("%q after %v", p.err, p.elapsed.Round(time.Millisecond)) + behind}, nil
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

// probeRace: 8 submitters running across the start of Shutdown. No Submit may panic and
// every task for which Submit returned nil must run. The round counts the Submits that were
// under way while Shutdown ran: the race it looks for can only happen in those.
func probeRace(newExec NewExecutor) (Observation, error) {
	// Submitters go on until Shutdown has returned and a little after, so that every
	// Submit from the start of Shutdown to its end races it. A submitter that has made
	// maxBefore Submits waits at a start line, so that on a busy machine the submitters
	// cannot all be done before Shutdown gets to run; the others are waiting in a Submit
	// that blocks. Once 16 tasks are accepted, Shutdown starts and the line opens. Then
	// each makes at most maxAfter Submits, for executors that never refuse and would
	// otherwise be fed until Shutdown's deadline.
	const submitters, maxBefore, maxAfter = 8, 64, 500
	ex, err := newExec(pools.Config{Workers: 2, Queue: 16})
	if err != nil {
		return Observation{}, err
	}
	var accepted, ran, refused, overlapped atomic.Int64
	var phase atomic.Int32 // 0 before Shutdown is called, 1 while it runs, 2 once it has returned
	var stop atomic.Bool
	ready := make(chan struct{}) // closed when the 16th task is accepted
	open := make(chan struct{})  // the start line, opened as Shutdown starts
	var mu sync.Mutex
	var panics []string
	var firstErr error
	var wg sync.WaitGroup
	for range submitters {
		wg.Go(func() {
			for i, after := 0, 0; !stop.Load() && after < maxAfter; i++ {
				if i == maxBefore {
					<-open
				}
				before := phase.Load()
				if before > 0 {
					after++
				}
				panicked, err := try(func() error { return ex.Submit(func() { ran.Add(1) }) })
				if before < 2 && phase.Load() > 0 {
					overlapped.Add(1)
				}
				if panicked == nil && err == nil {
					if accepted.Add(1) == 16 {
						close(ready)
					}
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
	select {
	case <-ready:
	case <-time.After(time.Second):
	}
	phase.Store(1)
	p := goCall(func() error {
		defer phase.Store(2)
		return shutdownWithin(ex, 2*time.Second)
	})
	close(open)
	if !p.wait(3 * time.Second) {
		return Observation{Outcome: wordHang, Overlap: int(overlapped.Load()), Detail: "Shutdown(2s) had not returned after 3s"}, nil
	}
	if p.panicked != nil {
		return Observation{Outcome: wordPanic, Overlap: int(overlapped.Load()), Detail: fmt.Sprintf("Shutdown: panic: %v", p.panicked)}, nil
	}
	time.Sleep(time.Millisecond)
	stop.Store(true)
	subs := goCall(func() error { wg.Wait(); return nil })
	if !subs.wait(3 * time.Second) {
		return Observation{Outcome: wordHang, Overlap: int(overlapped.Load()), Detail: "a submitter was still blocked in Submit 3s after Shutdown returned"}, nil
	}
	// Tasks accepted after Shutdown returned (errgroup, goroutines) may still be running.
	waitUntil(500*time.Millisecond, func() bool { return ran.Load() >= accepted.Load() })
	mu.Lock()
	defer mu.Unlock()
	obs := Observation{Outcome: wordOK, N: int(accepted.Load() - ran.Load()), Overlap: int(overlapped.Load()),
		Detail: fmt.Sprintf("accepted %d, ran %d, %d Submits overlapped Shutdown; %d/%d submitters refused (first error: %s); Shutdown: %s",
			accepted.Load(), ran.Load(), overlapped.Load(), refused.Load(), submitters, errText(firstErr), errText(p.err))}
	switch {
	case len(panics) > 0:
		obs.Outcome, obs.Detail = wordPanic, fmt.Sprintf("%d submitters panicked: %s; %s", len(panics), panics[0], obs.Detail)
	case obs.N > 0:
		obs.Outcome = wordLost
	}
	return obs, nil
}

// probeLeak: goroutines after Shutdown vs before New, after a clean Shutdown and after one
// that missed its deadline on stuck tasks, released once it returned.
func probeLeak(newExec NewExecutor) (Observation, error) {
	clean, err := leakAfter(newExec, false)
	if err != nil {
		return Observation{}, err
	}
	missed, err := leakAfter(newExec, true)
	if err != nil {
		return Observation{}, err
	}
	obs := Observation{Outcome: wordOK, N: max(clean.N, missed.N),
		Detail: "after a clean Shutdown: " + clean.Detail + "; after a missed deadline: " + missed.Detail}
	if obs.N > 0 {
		obs.Outcome = wordLeak
	}
	return obs, nil
}

// leakAfter builds an executor, runs 100 tasks on it and shuts it down: cleanly, or, when
// missed, with 2 tasks stuck past a 100 ms deadline and released once Shutdown has
// returned. It waits up to 1 s for the goroutines to fall back to their count before New,
// and returns how many more there are, with the new ones' creators.
func leakAfter(newExec NewExecutor, missed bool) (Observation, error) {
	before := runtime.NumGoroutine()
	existing := goroutineCreators()
	ex, err := newExec(pools.Config{Workers: 4})
	if err != nil {
		return Observation{}, err
	}
	for i := range 100 {
		if err := ex.Submit(func() {}); err != nil {
			return Observation{}, fmt.Errorf("submit %d: %w", i, err)
		}
	}
	release := func() {}
	deadline := 2 * time.Second
	if missed {
		if release, err = stuckTasks(ex, 2); err != nil {
			return Observation{}, err
		}
		deadline = 100 * time.Millisecond
	}
	// A Shutdown that fails is reported, not fatal: what it left running is what counts.
	note := ""
	if err := shutdownWithin(ex, deadline); err != nil {
		note = "; Shutdown: " + err.Error()
	}
	release()
	waitUntil(time.Second, func() bool { return runtime.NumGoroutine() <= before })
	after := runtime.NumGoroutine()
	if after <= before {
		return Observation{Detail: fmt.Sprintf("%d goroutines before New, %d after Shutdown", before, after) + note}, nil
	}
	var added []string
	for id, c := range goroutineCreators() {
		if _, ok := existing[id]; !ok {
			added = append(added, c)
		}
	}
	slices.Sort(added)
	return Observation{N: after - before,
		Detail: fmt.Sprintf("%d goroutines before New, %d 1s after Shutdown; new ones: %s",
			before, after, strings.Join(added, "; ")) + note}, nil
}

// goroutineCreators describes every goroutine, by its id, with the function it is in and
// where it waits, and where it was created, from runtime.Stack. New goroutines are told by
// their ids: a goroutine that was there before may wait elsewhere now (a library's ticker).
func goroutineCreators() map[string]string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	out := map[string]string{}
	for g := range strings.SplitSeq(strings.TrimSpace(string(buf)), "\n\n") {
		lines := strings.Split(g, "\n")
		id, _, _ := strings.Cut(lines[0], " [") // "goroutine 18 [chan receive]:"
		if len(lines) < 3 {
			continue
		}
		top := strings.TrimSpace(lines[1]) + " at " + location(lines[2])
		entry := strings.TrimSpace(lines[len(lines)-2])
		if strings.HasPrefix(entry, "created by ") {
			entry += " at " + location(lines[len(lines)-1])
		}
		out[id] = top + " (" + entry + ")"
	}
	return out
}

// location is a stack line's file:line without the pc offset, and relative to the module
// cache for a library's file, as the library's own tracker would cite it.
func location(line string) string {
	loc, _, _ := strings.Cut(strings.TrimSpace(line), " +0x")
	if _, rel, ok := strings.Cut(loc, "/pkg/mod/"); ok {
		return rel
	}
	return loc
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
	errInnerLate := errors.New("the inner task had not run after 500ms")
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
		case <-time.After(500 * time.Millisecond):
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
	case <-time.After(time.Second):
		return Observation{Outcome: wordDeadlock, Detail: "the outer task's inner Submit had not returned after 1s"}, nil
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

// probeGoexit: 1 worker; a task calls runtime.Goexit, as a test helper such as gomock's
// t.FailNow does; 10 more tasks follow from one goroutine; Shutdown with 2 s. The executor
// must run the 10 and shut down.
func probeGoexit(newExec NewExecutor) (Observation, error) {
	const later = 10
	ex, err := newExec(pools.Config{Workers: 1})
	if err != nil {
		return Observation{}, err
	}
	exited := make(chan struct{})
	first := goCall(func() error { return ex.Submit(func() { close(exited); runtime.Goexit() }) })
	select {
	case <-exited:
	case <-first.done:
		if first.err != nil || first.panicked != nil {
			return Observation{}, fmt.Errorf("submitting the task that calls Goexit: %s", first.result(true))
		}
		<-exited
	case <-time.After(2 * time.Second):
		return Observation{}, errors.New("the task that calls Goexit had not started after 2s")
	}
	// tunny's Submit returns when its task has ended, or panics when its worker did.
	firstText := first.result(first.wait(100 * time.Millisecond))
	var ran, accepted, returned atomic.Int32
	var mu sync.Mutex
	var panics, errs []string
	subs := goCall(func() error {
		for range later {
			panicked, err := try(func() error { return ex.Submit(func() { ran.Add(1) }) })
			returned.Add(1)
			mu.Lock()
			switch {
			case panicked != nil:
				panics = append(panics, fmt.Sprint(panicked))
			case err != nil:
				errs = append(errs, err.Error())
			default:
				accepted.Add(1)
			}
			mu.Unlock()
		}
		return nil
	})
	stuck := !subs.wait(500 * time.Millisecond)
	returnedBefore := returned.Load()
	p, ok := call(3*time.Second, func() error { return shutdownWithin(ex, 2*time.Second) })
	subsDone := subs.wait(500 * time.Millisecond)
	waitUntil(500*time.Millisecond, func() bool { return ran.Load() >= accepted.Load() })
	mu.Lock()
	defer mu.Unlock()
	detail := fmt.Sprintf("Submit of the Goexit task: %s; %d/%d later Submits had returned 500ms later; Shutdown(2s): %s; then %d accepted, %d ran",
		firstText, returnedBefore, later, p.result(ok), accepted.Load(), ran.Load())
	if len(panics) > 0 {
		detail += fmt.Sprintf("; %d Submits panicked (first: %s)", len(panics), panics[0])
	}
	if len(errs) > 0 {
		detail += fmt.Sprintf("; %d Submits returned an error (first: %s)", len(errs), errs[0])
	}
	switch {
	case !ok:
		return Observation{Outcome: wordHang, Detail: "Shutdown had not returned after 3s; " + detail}, nil
	case stuck:
		return Observation{Outcome: wordHang, Detail: "a later Submit waited for a worker that never came; " + detail}, nil
	case p.panicked == nil && errors.Is(p.err, context.DeadlineExceeded):
		return Observation{Outcome: wordHang, Detail: "Shutdown waited until its deadline for work that could never finish; " + detail}, nil
	case !subsDone:
		return Observation{Outcome: wordHang, Detail: "a later Submit had not returned 500ms after Shutdown; " + detail}, nil
	case p.panicked != nil || first.panicked != nil || len(panics) > 0:
		return Observation{Outcome: wordPanic, Detail: detail}, nil
	case accepted.Load() > ran.Load():
		return Observation{Outcome: wordLost, N: int(accepted.Load() - ran.Load()), Detail: detail}, nil
	}
	return Observation{Outcome: wordOK, Detail: detail}, nil
}

// probeSelfShutdown: 2 workers; a task calls its own executor's Shutdown with 500 ms, then
// Shutdown with 2 s from outside. Waiting for itself until the deadline is what a Shutdown
// that waits for every task can do; hanging or panicking is not.
func probeSelfShutdown(newExec NewExecutor) (Observation, error) {
	const inside = 500 * time.Millisecond
	ex, err := newExec(pools.Config{Workers: 2})
	if err != nil {
		return Observation{}, err
	}
	type result struct {
		err      error
		panicked any
		elapsed  time.Duration
	}
	res := make(chan result, 1)
	sub := goCall(func() error {
		return ex.Submit(func() {
			start := time.Now()
			panicked, err := try(func() error { return shutdownWithin(ex, inside) })
			res <- result{err, panicked, time.Since(start)}
		})
	})
	var r result
	select {
	case r = <-res:
	case <-time.After(4 * inside):
		if sub.wait(0) && (sub.err != nil || sub.panicked != nil) {
			return Observation{}, fmt.Errorf("submitting the task: %s", sub.result(true))
		}
		return Observation{Outcome: wordHang, Detail: "Shutdown(500ms) called from a task had not returned after 2s; " + outside(ex)}, nil
	}
	in := fmt.Sprintf("in the task, Shutdown(500ms): %s after %v", errText(r.err), r.elapsed.Round(time.Millisecond))
	switch {
	case r.panicked != nil:
		return Observation{Outcome: wordPanic, Elapsed: r.elapsed, Detail: fmt.Sprintf("in the task, Shutdown(500ms) panicked: %v; ", r.panicked) + outside(ex)}, nil
	case r.elapsed >= inside && r.err != nil:
		return Observation{Outcome: wordDeadline, Elapsed: r.elapsed, Detail: in + "; " + outside(ex)}, nil
	}
	return Observation{Outcome: wordReturns, Elapsed: r.elapsed, Detail: in + "; " + outside(ex)}, nil
}

// outside is a Shutdown with 2 s from outside the executor, after a task's own, and says
// how it went.
func outside(ex pools.Executor) string {
	p, ok := call(3*time.Second, func() error { return shutdownWithin(ex, 2*time.Second) })
	switch {
	case !ok:
		return "then from outside, Shutdown(2s) had not returned after 3s"
	case p.panicked == nil && errors.Is(p.err, context.DeadlineExceeded):
		return "then from outside, Shutdown(2s) did not complete: " + p.result(ok)
	}
	return "then from outside, Shutdown(2s): " + p.result(ok)
}

// probeSubmitDuringDrain: 1 worker stuck and 3 tasks submitted behind it; Shutdown starts,
// then the worker is freed; the first of the 3 to run submits another. The executor may run
// it or refuse it; it must not lose it, hang or panic, and Shutdown must not panic either.
func probeSubmitDuringDrain(newExec NewExecutor) (Observation, error) {
	var shut *pending
	obs, err := submitDuringDrain(newExec, &shut)
	if err == nil && shut != nil && finished(shut) && shut.panicked != nil && obs.Outcome != wordHang {
		obs.Outcome, obs.N, obs.Detail = wordPanic, 0, "Shutdown panicked; "+obs.Detail
	}
	return obs, err
}

// submitDuringDrain is the body of probeSubmitDuringDrain, which it tells its Shutdown call.
func submitDuringDrain(newExec NewExecutor, shutp **pending) (Observation, error) {
	const queued = 3
	ex, err := newExec(pools.Config{Workers: 1})
	if err != nil {
		return Observation{}, err
	}
	release, err := stuckTasks(ex, 1)
	if err != nil {
		return Observation{}, err
	}
	defer release()
	var shut *pending
	draining := make(chan struct{}) // closed once Shutdown has started and the worker is freed
	inner := make(chan *pending, 1)
	innerRan := make(chan struct{})
	var first, shutWhenCalled, shutWhenRan atomic.Bool
	b := submitBehind(ex, queued, func() {
		<-draining // an executor without a queue may run the 3 at once: they wait for the drain
		if !first.CompareAndSwap(false, true) {
			return
		}
		shutWhenCalled.Store(finished(shut))
		// A Submit that waits for a free worker waits for this one: it gets 200ms, then the
		// task returns and frees the worker.
		p := goCall(func() error {
			return ex.Submit(func() {
				shutWhenRan.Store(finished(shut))
				close(innerRan)
			})
		})
		inner <- p
		p.wait(200 * time.Millisecond)
	})
	shut = goCall(func() error { return shutdownWithin(ex, 3*time.Second) })
	*shutp = shut
	time.Sleep(50 * time.Millisecond) // for Shutdown to stop intake
	close(draining)
	release()
	var p *pending
	for deadline := time.Now().Add(2 * time.Second); p == nil; {
		select {
		case p = <-inner:
			continue
		case <-time.After(5 * time.Millisecond):
		}
		if !b.refused() && time.Now().Before(deadline) {
			continue
		}
		s := b.settle(0)
		return Observation{Outcome: wordNA, Detail: fmt.Sprintf("none of the %d tasks submitted behind the busy worker ran in the drain: %s; Shutdown(3s): %s",
			queued, s, shut.result(shut.wait(3*time.Second)))}, nil
	}
	returned := p.wait(2 * time.Second)
	detail := func() string {
		return fmt.Sprintf("; Shutdown(3s): %s", shut.result(shut.wait(4*time.Second)))
	}
	switch {
	case shutWhenCalled.Load():
		// Shutdown returned with the 3 still to run: the drain this probe is about never was.
		return Observation{Outcome: wordNA, Detail: "Shutdown returned before any of the 3 tasks submitted behind the busy worker ran; " +
			"the Submit the first of them made afterwards: " + p.result(returned) + detail()}, nil
	case !returned:
		return Observation{Outcome: wordHang, Detail: "the Submit made during the drain had not returned after 2s" + detail()}, nil
	case p.panicked != nil:
		return Observation{Outcome: wordPanic, Elapsed: p.elapsed, Detail: fmt.Sprintf("Submit panicked: %v", p.panicked) + detail()}, nil
	case p.err != nil:
		return Observation{Outcome: wordError, Elapsed: p.elapsed, Detail: fmt.Sprintf("Submit returned %q", p.err) + detail()}, nil
	}
	d := detail() // waits for Shutdown, after which the task has had its chance
	select {
	case <-innerRan:
	case <-time.After(500 * time.Millisecond):
		return Observation{Outcome: wordLost, N: 1, Elapsed: p.elapsed, Detail: "Submit returned nil; the task had not run 500ms after Shutdown" + d}, nil
	}
	ran := "before Shutdown returned"
	if shutWhenRan.Load() {
		ran = "after Shutdown had returned"
	}
	return Observation{Outcome: wordRan, Elapsed: p.elapsed, Detail: "Submit returned nil and the task ran " + ran + d}, nil
}

// finished reports whether the call p has returned.
func finished(p *pending) bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
