package compare

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"poolbench/loadgen"
)

// NetHTTP is the server the HTTP study runs beside the executors: the same routes on a
// plain net/http.Server, the reference a Go user would pick instead of any pool.
const NetHTTP = "nethttp"

// HTTP is what the HTTP study measured: `poolbench serve` on every executor and on
// net/http, each in its own process, under load from `poolbench loadgen` in another.
type HTTP struct {
	Plan HTTPPlan `json:"plan"`
	// Rates are the open-loop target rates in requests per second: Plan.Fractions of
	// nethttp's median peak in this run, rounded to whole requests.
	Rates   []float64    `json:"rates"`
	Servers []HTTPServer `json:"servers"` // nethttp first, then the executors in order
}

// HTTPPlan is how the HTTP study loads each server. Each server process gets
// ServerProcs as GOMAXPROCS and each generator GeneratorProcs, so that on a 2-core machine
// neither starves the other.
type HTTPPlan struct {
	Workers        int           `json:"workers"` // --workers for every server
	Queue          int           `json:"queue"`   // --queue for every server; its meaning per library is in Env.Executors
	ServerProcs    int           `json:"server_gomaxprocs"`
	GeneratorProcs int           `json:"generator_gomaxprocs"`
	Warmup         time.Duration `json:"warmup_ns"` // closed loop on / before anything is measured
	// Peak throughput: Samples closed-loop runs of PeakClients clients on / for Peak each,
	// taken round-robin across the servers so a disturbance spreads over all of them.
	PeakClients int           `json:"peak_clients"`
	Samples     int           `json:"samples"`
	Peak        time.Duration `json:"peak_ns"`
	// Latency: an open-loop run of Open on / at each fraction of nethttp's peak.
	Fractions []float64     `json:"fractions"`
	Open      time.Duration `json:"open_ns"`
	// Sleep: SleepClients (4×Workers) closed-loop clients on /sleep?ms=SleepMS for Sleep.
	SleepMS      int           `json:"sleep_ms"`
	SleepClients int           `json:"sleep_clients"`
	Sleep        time.Duration `json:"sleep_ns"`
	// Shutdown: TermClients closed-loop clients on /sleep?ms=TermMS; SIGTERM after
	// TermAfter; the load runs for Term in all.
	TermMS      int           `json:"term_ms"`
	TermClients int           `json:"term_clients"`
	TermAfter   time.Duration `json:"term_after_ns"`
	Term        time.Duration `json:"term_ns"`
	TermWait    time.Duration `json:"term_wait_ns"` // how long a server may take to exit after SIGTERM before it is killed
	Timeout     time.Duration `json:"timeout_ns"`   // per request
}

// DefaultHTTPPlan is the plan `poolbench compare` uses: about 20 s a server, or 3.5 s with
// quick. samples > 0 overrides the number of peak samples.
func DefaultHTTPPlan(quick bool, samples int) HTTPPlan {
	p := HTTPPlan{
		Workers: 8, Queue: 8, ServerProcs: 1, GeneratorProcs: 1,
		Warmup: 500 * time.Millisecond, PeakClients: 16, Samples: MinSamples, Peak: 1500 * time.Millisecond,
		Fractions: []float64{0.25, 0.5, 0.75}, Open: 2 * time.Second,
		SleepMS: 100, SleepClients: 32, Sleep: 2 * time.Second,
		TermMS: 20, TermClients: 32, TermAfter: time.Second, Term: 2 * time.Second,
		TermWait: 20 * time.Second, Timeout: 5 * time.Second,
	}
	if quick {
		p.Warmup, p.Peak, p.Open, p.Sleep = 100*time.Millisecond, 200*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
		p.TermAfter, p.Term = 250*time.Millisecond, 500*time.Millisecond
	}
	if samples > 0 {
		p.Samples = max(samples, MinSamples) // fewer would give peaks no interval
	}
	return p
}

// HTTPServer is what the study measured on one server.
type HTTPServer struct {
	Name  string `json:"name"`            // an executor, or NetHTTP
	Error string `json:"error,omitempty"` // why the study of this server stopped early; what it measured before stays
	// Peak is closed-loop throughput on / in successful requests per second.
	Peak Summary `json:"peak"`
	// PeakErrors counts requests of the peak runs that did not end in a 200.
	PeakErrors int64 `json:"peak_errors"`
	// ServerCPU and GeneratorCPU are each process's CPU use during the peak runs, as a
	// fraction of its GOMAXPROCS: near 1 means that side was the limit. MachineCPU is the
	// whole machine's, all cores: near 1 with neither side saturated means other
	// processes (or the kernel's network work) took the CPU.
	ServerCPU    Summary `json:"server_cpu"`
	GeneratorCPU Summary `json:"generator_cpu"`
	MachineCPU   Summary `json:"machine_cpu"`
	// GeneratorCeiling is the generator's own limit: each peak run's throughput divided
	// by its CPU use, the rate it would reach with its cores all to itself. A Peak close
	// to it means the generator, not the server, was the limit.
	GeneratorCeiling Summary `json:"generator_ceiling"`
	// Limit says what bounded the peak: "server", "generator", "both", "machine" (the
	// cores were busy, but not with these two), or "neither" (they waited, not computed).
	Limit string        `json:"limit"`
	Open  []HTTPLatency `json:"open"`
	Sleep HTTPSleep     `json:"sleep"`
	Term  HTTPTerm      `json:"term"`
}

// HTTPLatency is one open-loop run at a fixed rate.
type HTTPLatency struct {
	Fraction float64 `json:"fraction"` // of nethttp's peak
	Target   float64 `json:"target"`   // requests per second
	Achieved float64 `json:"achieved"` // requests sent per second
	// Valid is false when Achieved fell below 99% of Target: the generator could not keep
	// the schedule, so the load was not the one asked for and Latency is nil. Invalid
	// says why: "in-flight cap" when the server answered too slowly and the generator's
	// cap on outstanding requests held it back, "generator" when it ran out of CPU.
	Valid   bool   `json:"valid"`
	Invalid string `json:"invalid,omitempty"`
	// PeakInFlight is the most requests outstanding at once, of the generator's MaxInFlight.
	PeakInFlight int              `json:"peak_in_flight"`
	MaxInFlight  int              `json:"max_in_flight"`
	Latency      *loadgen.Latency `json:"latency,omitempty"`
	Sent         int64            `json:"sent"`
	OK           int64            `json:"ok"`
	Errors       int64            `json:"errors"`
	// ServerCPU is the server's CPU use during the run, as a fraction of its GOMAXPROCS.
	ServerCPU float64 `json:"server_cpu"`
}

// MinAchieved is the least fraction of its target rate an open-loop run must achieve to
// count as a latency measurement.
const MinAchieved = 0.99

// newLatency reads an open-loop result, applying the 99% rule.
func newLatency(fraction float64, r loadgen.Result) HTTPLatency {
	l := HTTPLatency{Fraction: fraction, Target: r.Rate, Achieved: r.AchievedRate,
		Valid: r.Rate > 0 && r.AchievedRate >= MinAchieved*r.Rate,
		Sent:  r.Sent, OK: r.OK, Errors: r.Errors(), PeakInFlight: r.PeakInFlight, MaxInFlight: r.MaxInFlight}
	switch {
	case l.Valid:
		lat := r.Latency
		l.Latency = &lat
	case r.MaxInFlight > 0 && r.PeakInFlight >= r.MaxInFlight:
		l.Invalid = "in-flight cap"
	default:
		l.Invalid = "generator"
	}
	return l
}

// HTTPSleep is /sleep with more clients than workers: does the server queue, block or
// answer 503?
type HTTPSleep struct {
	Latency    loadgen.Latency `json:"latency"` // of 200 responses
	Throughput float64         `json:"throughput"`
	Sent       int64           `json:"sent"`
	OK         int64           `json:"ok"`
	Status503  int64           `json:"status_503"`
	Refused    int64           `json:"refused"`
	Reset      int64           `json:"reset"`
	Timeout    int64           `json:"timeout"`
	Other      int64           `json:"other"`                 // any other status or error
	FirstError string          `json:"first_error,omitempty"` // the first error counted in Other
}

// HTTPTerm is SIGTERM under load. The server's counts come from its "stopped" record;
// Accepted counts connections it accepted, all before the signal, as it stops accepting on it.
type HTTPTerm struct {
	ExitCode int   `json:"exit_code"` // 0: drained in time; 1: its shutdown deadline passed; -1: killed (by us after TermWait, or a signal)
	Logged   bool  `json:"logged"`    // the server logged its stopped record
	Accepted int64 `json:"accepted"`
	Served   int64 `json:"served"`
	Rejected int64 `json:"rejected"`
	Failed   int64 `json:"failed"`
	// The client's view of the same run.
	Sent      int64 `json:"sent"`
	OK        int64 `json:"ok"`
	Status503 int64 `json:"status_503"`
	Refused   int64 `json:"refused"` // after the listener closed: never accepted
	Reset     int64 `json:"reset"`   // connected, then reset or closed without a complete response
	Timeout   int64 `json:"timeout"`
	Other     int64 `json:"other"` // any other status or error
	// Answered is every complete response the clients got (any status); Lost is what the
	// server accepted and no client got an answer for: Accepted − Answered, when positive.
	Answered   int64  `json:"answered"`
	Lost       int64  `json:"lost"`
	FirstError string `json:"first_error,omitempty"` // the first error counted in Other, for diagnosis
}

// RunHTTP runs the HTTP study on opts.Pools and nethttp with plan.
// It returns what it measured even with an error.
func RunHTTP(ctx context.Context, opts Options, plan HTTPPlan) (res *HTTP, err error) {
	if opts.Exe == "" {
		return nil, errors.New("compare: http: no poolbench binary to run")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	names := httpNames(opts.Pools)
	res = &HTTP{Plan: plan, Servers: make([]HTTPServer, len(names))}
	runs := 1 + plan.Samples + len(plan.Fractions) + 2
	opts.Progress.Step("http", len(names)*runs)

	// Every server starts at once and idles until its turn, so that samples can go
	// round-robin. Each is killed on the way out, whatever happened.
	procs := make([]*serverProc, len(names))
	defer func() {
		for _, p := range procs {
			if p != nil {
				err = errors.Join(err, p.kill())
			}
		}
	}()
	for i, name := range names {
		res.Servers[i].Name = name
		p, err := startServer(ctx, opts.Exe, name, plan.Workers, plan.Queue, plan.ServerProcs)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			res.Servers[i].Error = err.Error()
			opts.Progress.Add(runs)
			continue
		}
		procs[i] = p
	}
	if procs[0] == nil {
		return res, fmt.Errorf("compare: http: the nethttp reference did not start: %s", res.Servers[0].Error)
	}
	// st shares procs with the deferred kill: a server that exits is set to nil there.
	st := httpStudy{opts: opts, plan: plan, procs: procs, res: res, left: make([]int, len(names))}
	for i := range st.left {
		st.left[i] = runs
	}
	for _, step := range []func(context.Context) error{st.warmup, st.peak, st.open, st.sleep, st.term} {
		if err := step(ctx); err != nil {
			return res, err
		}
	}
	return res, nil
}

// httpStudy is one run of the HTTP study in progress.
type httpStudy struct {
	opts  Options
	plan  HTTPPlan
	procs []*serverProc // nil where the server did not start
	res   *HTTP
	left  []int // runs left per server, for the progress of one that fails
}

// load runs the generator against server i with the plan's timeout and split.
func (st *httpStudy) load(ctx context.Context, i int, d time.Duration, args ...string) (loadgen.Result, error) {
	args = append(args, "-target", st.procs[i].addr, "-duration", d.String(), "-timeout", st.plan.Timeout.String())
	// The generator gets its duration, the last requests' timeout and time to start.
	return runLoad(ctx, st.opts.Exe, st.plan.GeneratorProcs, d+st.plan.Timeout+10*time.Second, args...)
}

// fail records err against server i and stops studying it. A server that dies mid-study
// is a finding about that server, not the end of the study; ctx ending is.
func (st *httpStudy) fail(ctx context.Context, i int, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	st.res.Servers[i].Error = err.Error()
	p := st.procs[i]
	st.procs[i] = nil
	if p == nil {
		return nil
	}
	return p.kill()
}

// each calls f for every server still being studied, with its progress.
func (st *httpStudy) each(ctx context.Context, f func(i int) error) error {
	for i, p := range st.procs {
		if p == nil {
			continue
		}
		if err := f(i); err != nil {
			if err := st.fail(ctx, i, err); err != nil {
				return err
			}
			// None of its runs is left to do.
			st.opts.Progress.Add(st.left[i])
			st.left[i] = 0
			continue
		}
		st.left[i]--
		st.opts.Progress.Add(1)
	}
	return nil
}

func (st *httpStudy) warmup(ctx context.Context) error {
	return st.each(ctx, func(i int) error {
		_, err := st.load(ctx, i, st.plan.Warmup, "-path", "/", "-clients", strconv.Itoa(st.plan.PeakClients))
		return err
	})
}

func (st *httpStudy) peak(ctx context.Context) error {
	n := len(st.procs)
	rate, srvCPU, genCPU, machCPU, ceil := make([][]float64, n), make([][]float64, n), make([][]float64, n), make([][]float64, n), make([][]float64, n)
	for range st.plan.Samples {
		err := st.each(ctx, func(i int) error {
			cpu0, err := st.procs[i].cpu()
			if err != nil {
				return err
			}
			mach0, err := machineCPU()
			if err != nil {
				return err
			}
			r, err := st.load(ctx, i, st.plan.Peak, "-path", "/", "-clients", strconv.Itoa(st.plan.PeakClients))
			if err != nil {
				return err
			}
			cpu1, err := st.procs[i].cpu()
			if err != nil {
				return err
			}
			mach1, err := machineCPU()
			if err != nil {
				return err
			}
			// The machine's figure spans the generator's start and exit too: a little low.
			machCPU[i] = append(machCPU[i], mach1.busySince(mach0))
			rate[i] = append(rate[i], r.Throughput)
			srvCPU[i] = append(srvCPU[i], (cpu1-cpu0).Seconds()/(r.Elapsed.Seconds()*float64(st.plan.ServerProcs)))
			genCPU[i] = append(genCPU[i], r.CPUUtil)
			if r.CPUUtil > 0 {
				ceil[i] = append(ceil[i], r.Throughput/r.CPUUtil)
			}
			st.res.Servers[i].PeakErrors += r.Errors()
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i, p := range st.procs {
		if p == nil {
			continue
		}
		s := &st.res.Servers[i]
		s.Peak = Summarize(rate[i], "req/s")
		s.ServerCPU = Summarize(srvCPU[i], "fraction")
		s.GeneratorCPU = Summarize(genCPU[i], "fraction")
		s.MachineCPU = Summarize(machCPU[i], "fraction")
		s.GeneratorCeiling = Summarize(ceil[i], "req/s")
		s.Limit = limit(s.ServerCPU.Median, s.GeneratorCPU.Median, s.MachineCPU.Median)
	}
	return nil
}

// saturated is the CPU use, as a fraction of GOMAXPROCS, from which a side counts as the
// limit: not 1, since a process also waits on the kernel for every accept and dial.
const saturated = 0.85

// limit says what bounded a closed-loop run, from each side's CPU use and the machine's.
func limit(server, generator, machine float64) string {
	switch {
	case server >= saturated && generator >= saturated:
		return "both"
	case server >= saturated:
		return "server"
	case generator >= saturated:
		return "generator"
	case machine >= saturated:
		return "machine"
	default:
		return "neither"
	}
}

func (st *httpStudy) open(ctx context.Context) error {
	ref := st.res.Servers[0].Peak.Median
	if st.procs[0] == nil || ref <= 0 {
		return fmt.Errorf("compare: http: no nethttp peak to set the open-loop rates: %s", st.res.Servers[0].Error)
	}
	st.res.Rates = nil
	for _, f := range st.plan.Fractions {
		st.res.Rates = append(st.res.Rates, math.Round(f*ref))
	}
	for j, rate := range st.res.Rates {
		err := st.each(ctx, func(i int) error {
			cpu0, err := st.procs[i].cpu()
			if err != nil {
				return err
			}
			r, err := st.load(ctx, i, st.plan.Open, "-path", "/", "-rate", strconv.FormatFloat(rate, 'f', -1, 64))
			if err != nil {
				return err
			}
			cpu1, err := st.procs[i].cpu()
			if err != nil {
				return err
			}
			l := newLatency(st.plan.Fractions[j], r)
			l.ServerCPU = (cpu1 - cpu0).Seconds() / (r.Elapsed.Seconds() * float64(st.plan.ServerProcs))
			st.res.Servers[i].Open = append(st.res.Servers[i].Open, l)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (st *httpStudy) sleep(ctx context.Context) error {
	path := "/sleep?ms=" + strconv.Itoa(st.plan.SleepMS)
	return st.each(ctx, func(i int) error {
		r, err := st.load(ctx, i, st.plan.Sleep, "-path", path, "-clients", strconv.Itoa(st.plan.SleepClients))
		if err != nil {
			return err
		}
		st.res.Servers[i].Sleep = HTTPSleep{Latency: r.Latency, Throughput: r.Throughput, Sent: r.Sent, OK: r.OK,
			Status503: r.Status503, Refused: r.Refused, Reset: r.Reset, Timeout: r.Timeout, Other: r.StatusOther + r.Other, FirstError: r.FirstError}
		return nil
	})
}

// term starts each server afresh, puts load on it, sends it SIGTERM partway and compares
// what it says it accepted with what the clients got. The server is gone afterwards.
func (st *httpStudy) term(ctx context.Context) error {
	path := "/sleep?ms=" + strconv.Itoa(st.plan.TermMS)
	return st.each(ctx, func(i int) error {
		// A fresh server, so that its stopped record counts this run's requests only.
		if err := st.procs[i].kill(); err != nil {
			return err
		}
		p, err := startServer(ctx, st.opts.Exe, st.res.Servers[i].Name, st.plan.Workers, st.plan.Queue, st.plan.ServerProcs)
		st.procs[i] = p // nil if it did not start: each then skips it
		if err != nil {
			return err
		}
		type loaded struct {
			r   loadgen.Result
			err error
		}
		done := make(chan loaded, 1)
		// Ends when the generator's bounded run does; received below on every path.
		go func() {
			r, err := st.load(ctx, i, st.plan.Term, "-path", path, "-clients", strconv.Itoa(st.plan.TermClients))
			done <- loaded{r, err}
		}()
		timer := time.NewTimer(st.plan.TermAfter)
		var sigErr error
		select {
		case <-timer.C:
			sigErr = p.terminate()
		case <-ctx.Done():
		}
		timer.Stop()
		code, waitErr := p.wait(st.plan.TermWait)
		l := <-done
		if err := errors.Join(sigErr, waitErr, l.err, ctx.Err()); err != nil {
			return err
		}
		st.procs[i] = nil // exited: nothing left to kill
		t := HTTPTerm{ExitCode: code, Sent: l.r.Sent, OK: l.r.OK, Status503: l.r.Status503,
			Refused: l.r.Refused, Reset: l.r.Reset, Timeout: l.r.Timeout, Other: l.r.StatusOther + l.r.Other, FirstError: l.r.FirstError}
		t.Answered = l.r.OK + l.r.Status503 + l.r.StatusOther
		if rec := p.stoppedRecord(); rec != nil {
			t.Logged = true
			for key, n := range map[string]*int64{"accepted": &t.Accepted, "served": &t.Served, "rejected": &t.Rejected, "failed": &t.Failed} {
				v, err := strconv.ParseInt(rec[key], 10, 64)
				if err != nil {
					return fmt.Errorf("compare: serve %s: stopped record's %s: %w", p.name, key, err)
				}
				*n = v
			}
			t.Lost = max(0, t.Accepted-t.Answered)
		}
		st.res.Servers[i].Term = t
		return nil
	})
}

// httpNames lists the servers the study runs for pools: nethttp first.
func httpNames(pools []string) []string { return slices.Concat([]string{NetHTTP}, pools) }
