package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"poolbench/compare/results"
	"poolbench/internal/stats"
	"poolbench/internal/study"
	"poolbench/loadgen"
	"poolbench/server"
)

// DefaultPlan is the plan `poolbench compare` uses: about 7 s of load a server, or 1 s
// with quick (one open-loop run per rate). samples > 0 overrides the number of peak
// samples.
func DefaultPlan(quick bool, samples int) results.HTTPPlan {
	p := results.HTTPPlan{
		Workers: 8, Queue: 8, ServerProcs: 1, GeneratorProcs: 1,
		Warmup: 200 * time.Millisecond, PeakClients: 16, Samples: stats.MinSamples, Peak: 300 * time.Millisecond,
		Fractions: []float64{0.25, 0.5, 0.75}, Open: 300 * time.Millisecond, OpenRuns: 3,
		SleepMS: 100, SleepClients: 32, Sleep: 800 * time.Millisecond,
		TermMS: 20, TermClients: 32, TermAfter: 400 * time.Millisecond, Term: time.Second,
		TermWait: 20 * time.Second, Timeout: 5 * time.Second, MinAchieved: 0.99,
	}
	if quick {
		p.Warmup, p.Peak, p.Open, p.OpenRuns, p.Sleep = 100*time.Millisecond, 50*time.Millisecond, 100*time.Millisecond, 1, 200*time.Millisecond
		p.TermAfter, p.Term = 200*time.Millisecond, 400*time.Millisecond
	}
	if samples > 0 {
		p.Samples = max(samples, stats.MinSamples) // fewer would give peaks no interval
	}
	return p
}

// newLatency reads an open-loop result, applying the plan's minAchieved rule.
func newLatency(fraction, minAchieved float64, r loadgen.Result) results.HTTPLatency {
	l := results.HTTPLatency{Fraction: fraction, Target: r.Rate, Achieved: r.AchievedRate,
		Valid: r.Rate > 0 && r.AchievedRate >= minAchieved*r.Rate,
		Sent:  r.Sent, OK: r.OK, Errors: r.Errors(), PeakInFlight: r.PeakInFlight, MaxInFlight: r.MaxInFlight}
	switch {
	case l.Valid:
		lat := results.Latency(r.Latency)
		l.Latency = &lat
	case r.MaxInFlight > 0 && r.PeakInFlight >= r.MaxInFlight:
		l.Invalid = "in-flight cap"
	default:
		l.Invalid = "generator"
	}
	return l
}

// Run runs the HTTP study on opts.Pools and nethttp with plan.
// It returns what it measured even with an error.
func Run(ctx context.Context, opts study.Options, plan results.HTTPPlan) (res *results.HTTP, err error) {
	if opts.Exe == "" {
		return nil, errors.New("web: http: no poolbench binary to run")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	names := httpNames(opts.Pools)
	res = &results.HTTP{Plan: plan, Reference: server.NetHTTPName, Servers: make([]results.HTTPServer, len(names))}
	runs := 1 + plan.Samples + plan.OpenRuns*len(plan.Fractions) + 2
	opts.Step("http", len(names)*runs)

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
			opts.Add(runs)
			continue
		}
		procs[i] = p
	}
	if procs[0] == nil {
		return res, fmt.Errorf("web: http: the nethttp reference did not start: %s", res.Servers[0].Error)
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
	opts  study.Options
	plan  results.HTTPPlan
	procs []*serverProc // nil where the server did not start
	res   *results.HTTP
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
			st.opts.Add(st.left[i])
			st.left[i] = 0
			continue
		}
		st.left[i]--
		st.opts.Add(1)
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
		s.Peak = stats.Summarize(rate[i], "req/s")
		s.ServerCPU = stats.Summarize(srvCPU[i], "fraction")
		s.GeneratorCPU = stats.Summarize(genCPU[i], "fraction")
		s.MachineCPU = stats.Summarize(machCPU[i], "fraction")
		s.GeneratorCeiling = stats.Summarize(ceil[i], "req/s")
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
		return fmt.Errorf("web: http: no nethttp peak to set the open-loop rates: %s", st.res.Servers[0].Error)
	}
	st.res.Rates = nil
	for _, f := range st.plan.Fractions {
		st.res.Rates = append(st.res.Rates, math.Round(f*ref))
	}
	for i := range st.res.Servers {
		for j, rate := range st.res.Rates {
			st.res.Servers[i].Open = append(st.res.Servers[i].Open, results.HTTPOpen{Fraction: st.plan.Fractions[j], Target: rate})
		}
	}
	// Round-robin: each rate on every server, then the next rate, then the next round.
	for range st.plan.OpenRuns {
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
				l := newLatency(st.plan.Fractions[j], st.plan.MinAchieved, r)
				l.ServerCPU = (cpu1 - cpu0).Seconds() / (r.Elapsed.Seconds() * float64(st.plan.ServerProcs))
				o := &st.res.Servers[i].Open[j]
				o.Runs = append(o.Runs, l)
				return nil
			})
			if err != nil {
				return err
			}
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
		st.res.Servers[i].Sleep = results.HTTPSleep{Latency: results.Latency(r.Latency), Throughput: r.Throughput, Sent: r.Sent, OK: r.OK,
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
		t := results.HTTPTerm{ExitCode: code, Sent: l.r.Sent, OK: l.r.OK, Status503: l.r.Status503,
			Refused: l.r.Refused, Reset: l.r.Reset, Timeout: l.r.Timeout, Other: l.r.StatusOther + l.r.Other, FirstError: l.r.FirstError}
		t.Answered = l.r.OK + l.r.Status503 + l.r.StatusOther
		if rec := p.stoppedRecord(); rec != nil {
			t.Logged = true
			t.Accepted, t.Served, t.Rejected, t.Failed = rec.Accepted, rec.Served, rec.Rejected, rec.Failed
			t.Lost = max(0, t.Accepted-t.Answered)
		}
		st.res.Servers[i].Term = t
		return nil
	})
}

// httpNames lists the servers the study runs for pools: nethttp first.
func httpNames(pools []string) []string { return slices.Concat([]string{server.NetHTTPName}, pools) }
