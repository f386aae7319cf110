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
	"poolbench/pools"
	"poolbench/server"
)

// DefaultOverloadPlan is the plan `poolbench compare` uses for the overload study: every
// server in both modes, about 3 minutes on 2 cores; or, quick, nethttp and custom only
// with shorter runs, about 15 s.
func DefaultOverloadPlan(quick bool) results.OverloadPlan {
	p := results.OverloadPlan{
		Workers: 8, Queue: 8, ServerProcs: 1, GeneratorProcs: 1,
		Modes:           []string{string(server.ModeBook), string(server.ModeHandler)},
		KeepAlive:       []string{string(server.ModeHandler)},
		WorkTarget:      time.Millisecond,
		CapacityClients: 16, Capacity: 300 * time.Millisecond, CapacitySamples: 3,
		Levels: []float64{0.5, 1, 2, 4}, Run: 400 * time.Millisecond,
		RecoveryLevel: 0.5, Recovery: time.Second, Window: 100 * time.Millisecond, RecoveryFactor: 2,
		SlowClients: 64, SlowInterval: 100 * time.Millisecond, SlowLevel: 0.5,
		Timeout: 500 * time.Millisecond,
		Settle:  200 * time.Millisecond, SettleSpan: 50 * time.Millisecond, SettleCPU: 0.2,
		MinAchieved: 0.99, PickLevel: 2, PickP99Factor: 10, PickTolerance: 0.05,
	}
	if quick {
		p.Servers = []string{server.NetHTTPName, "custom"}
		p.Capacity, p.CapacitySamples, p.Run, p.Recovery = 200*time.Millisecond, 1, 200*time.Millisecond, 600*time.Millisecond
	}
	return p
}

// overloadPath is the CPU-bound route at the plan's calibrated rounds.
func overloadPath(plan results.OverloadPlan) string {
	return "/work?n=" + strconv.Itoa(plan.WorkRounds)
}

// calibrate returns the rounds of server.Work that cost about target on this machine, and
// what they cost. Each figure is the fastest of several repetitions: another process on a
// shared machine can only add time.
func calibrate(target time.Duration) (rounds int, cost time.Duration) {
	fastest := func(n, reps int) time.Duration {
		best := time.Duration(math.MaxInt64)
		for range reps {
			t0 := time.Now()
			server.Work(n)
			best = min(best, time.Since(t0))
		}
		return max(best, time.Nanosecond)
	}
	const probe = 2000
	rounds = int(min(max(float64(probe)*float64(target)/float64(fastest(probe, 20)), 1), server.MaxWork))
	return rounds, fastest(rounds, 5)
}

// overloadConfigs lists the configurations the plan covers on these servers, in the
// order the report shows them: by mode, then by server, blocking before rejecting. A
// server is left out of a mode it cannot serve in (nethttp has no handler mode); a
// rejecting configuration is added for every executor that can shed.
func overloadConfigs(plan results.OverloadPlan, servers []string) ([]results.OverloadConfig, error) {
	var cs []results.OverloadConfig
	for _, mode := range plan.Modes {
		for _, name := range servers {
			if len(plan.Servers) > 0 && !slices.Contains(plan.Servers, name) {
				continue
			}
			if server.CheckMode(name, server.Mode(mode)) != nil {
				continue
			}
			cs = append(cs, results.OverloadConfig{Server: name, Mode: mode})
			if name == server.NetHTTPName {
				continue
			}
			in, err := pools.Describe(name)
			if err != nil {
				return nil, fmt.Errorf("web: overload: %w", err)
			}
			if in.Reject != "" {
				cs = append(cs, results.OverloadConfig{Server: name, Mode: mode, Reject: true})
			}
		}
	}
	return cs, nil
}

// RunOverload runs the overload study on opts.Pools and nethttp with plan, whose
// WorkRounds and WorkCost it fills in by calibrating. It returns what it measured even
// with an error.
func RunOverload(ctx context.Context, opts study.Options, plan results.OverloadPlan) (res *results.Overload, err error) {
	if opts.Exe == "" {
		return nil, errors.New("web: overload: no poolbench binary to run")
	}
	if len(plan.Levels) == 0 {
		return nil, errors.New("web: overload: the plan has no levels")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	plan.WorkRounds, plan.WorkCost = calibrate(plan.WorkTarget)
	configs, err := overloadConfigs(plan, httpNames(opts.Pools))
	if err != nil {
		return nil, err
	}
	res = &results.Overload{Plan: plan, Reference: server.NetHTTPName, Configs: configs}
	st := overloadStudy{opts: opts, plan: plan, res: res, procs: make([]*serverProc, len(configs)), left: make([]int, len(configs))}
	total := 0
	for i, c := range configs {
		st.left[i] = len(plan.Levels)
		if !c.Reject {
			st.left[i] += plan.CapacitySamples + 1 // and the slow clients
		}
		total += st.left[i]
	}
	opts.Step("overload", total)

	// Every server starts at once and idles until its turn, so that runs go round-robin
	// and a disturbance on a shared machine spreads over all of them. Each is killed on
	// the way out, whatever happened.
	defer func() {
		for _, p := range st.procs {
			if p != nil {
				err = errors.Join(err, p.kill())
			}
		}
	}()
	for i := range configs {
		if err := st.start(ctx, i); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if err := st.drop(i, err.Error()); err != nil {
				return res, err
			}
		}
	}
	for _, step := range []func(context.Context) error{st.capacity, st.levels, st.slow} {
		if err := step(ctx); err != nil {
			return res, err
		}
	}
	return res, nil
}

// overloadStudy is one run of the overload study in progress.
type overloadStudy struct {
	opts  study.Options
	plan  results.OverloadPlan
	res   *results.Overload
	procs []*serverProc // nil where the server did not start or failed
	left  []int         // runs left per configuration, for the progress of one that fails
}

// start starts configuration i's server.
func (st *overloadStudy) start(ctx context.Context, i int) error {
	c := st.res.Configs[i]
	extra := []string{"--mode=" + c.Mode}
	if c.Reject {
		extra = append(extra, "--reject")
	}
	p, err := startServer(ctx, st.opts.Exe, c.Server, st.plan.Workers, st.plan.Queue, st.plan.ServerProcs, extra...)
	st.procs[i] = p // nil when it did not start
	return err
}

// each calls f for every configuration still being studied that want selects, and counts
// its progress. A configuration whose run fails is recorded as failed and studied no
// further; ctx ending ends the study.
func (st *overloadStudy) each(ctx context.Context, want func(results.OverloadConfig) bool, f func(i int) error) error {
	for i := range st.procs {
		if st.procs[i] == nil || !want(st.res.Configs[i]) {
			continue
		}
		if err := f(i); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := st.drop(i, err.Error()); err != nil {
				return err
			}
			continue
		}
		st.left[i]--
		st.opts.Add(1)
	}
	return nil
}

// drop records why configuration i is studied no further, and kills its server (which f
// may have restarted, or which may not be running).
func (st *overloadStudy) drop(i int, why string) error {
	st.res.Configs[i].Error = why
	st.opts.Add(st.left[i])
	st.left[i] = 0
	p := st.procs[i]
	st.procs[i] = nil
	if p == nil {
		return nil
	}
	return p.kill()
}

// all and blocking select configurations for each.
func all(results.OverloadConfig) bool        { return true }
func blocking(c results.OverloadConfig) bool { return !c.Reject }

// keepAlive says whether configuration i's clients keep connections alive.
func (st *overloadStudy) keepAlive(i int) bool {
	return slices.Contains(st.plan.KeepAlive, st.res.Configs[i].Mode)
}

// A used is what a run cost the machine: the server's CPU time, and the cores that
// neither the server nor the generator used, on average over the run.
type used struct {
	server time.Duration
	others float64
}

// load runs the generator against configuration i for d with the plan's timeout and the
// keep-alive its mode calls for. The server is idle again when it returns.
func (st *overloadStudy) load(ctx context.Context, i int, d time.Duration, args ...string) (loadgen.Result, used, error) {
	p := st.procs[i]
	args = append(args, "-target", p.addr, "-path", overloadPath(st.plan), "-duration", d.String(),
		"-timeout", st.plan.Timeout.String(), "-keep-alive="+strconv.FormatBool(st.keepAlive(i)))
	cpu0, err := p.cpu()
	if err != nil {
		return loadgen.Result{}, used{}, err
	}
	mach0, err := machineCPU()
	if err != nil {
		return loadgen.Result{}, used{}, err
	}
	t0 := time.Now()
	// The generator gets its schedule, the last requests' timeout and time to start.
	r, err := runLoad(ctx, st.opts.Exe, st.plan.GeneratorProcs, d+st.plan.Recovery+st.plan.Timeout+10*time.Second, args...)
	if err != nil {
		return loadgen.Result{}, used{}, err
	}
	wall := time.Since(t0)
	mach1, err := machineCPU()
	if err != nil {
		return loadgen.Result{}, used{}, err
	}
	cpu1, err := p.cpu()
	if err != nil {
		return loadgen.Result{}, used{}, err
	}
	u := used{server: cpu1 - cpu0}
	// The machine's busy time covers the generator's start and exit too: a little high.
	busy := time.Duration(mach1.busy-mach0.busy) * time.Second / clockTicks
	u.others = max(0, (busy-u.server-r.CPU).Seconds()/wall.Seconds())
	return r, u, st.settle(ctx, i)
}

// settle waits until configuration i's server has gone idle: its CPU use under SettleCPU
// over a SettleSpan. A server still busy after Settle is working off requests whose
// clients have left, and would take the next run's CPU: it is restarted instead.
func (st *overloadStudy) settle(ctx context.Context, i int) error {
	p := st.procs[i]
	busy := time.Duration(st.plan.SettleCPU * float64(st.plan.SettleSpan) * float64(st.plan.ServerProcs))
	for deadline := time.Now().Add(st.plan.Settle); time.Now().Before(deadline); {
		c0, err := p.cpu()
		if err != nil {
			return err
		}
		select {
		case <-time.After(st.plan.SettleSpan):
		case <-ctx.Done():
			return ctx.Err()
		}
		c1, err := p.cpu()
		if err != nil {
			return err
		}
		if c1-c0 <= busy {
			return nil
		}
	}
	st.res.Configs[i].Restarts++
	if err := p.kill(); err != nil {
		return err
	}
	return st.start(ctx, i)
}

// capacity measures each blocking server's closed-loop capacity and gives it to the
// rejecting configuration of the same executor and mode.
func (st *overloadStudy) capacity(ctx context.Context) error {
	cpu := make([]time.Duration, len(st.procs))
	ok := make([]int64, len(st.procs))
	for range st.plan.CapacitySamples {
		err := st.each(ctx, blocking, func(i int) error {
			r, u, err := st.load(ctx, i, st.plan.Capacity, "-clients", strconv.Itoa(st.plan.CapacityClients))
			if err != nil {
				return err
			}
			if r.OK == 0 {
				return fmt.Errorf("web: overload: no request succeeded in closed loop (first error: %s)", r.FirstError)
			}
			c := &st.res.Configs[i]
			c.CapacityRuns = append(c.CapacityRuns, r.Throughput)
			cpu[i] += u.server
			ok[i] += r.OK
			return nil
		})
		if err != nil {
			return err
		}
	}
	for i := range st.res.Configs {
		c := &st.res.Configs[i]
		if c.Reject || len(c.CapacityRuns) == 0 {
			continue
		}
		c.Capacity = stats.Summarize(c.CapacityRuns, "req/s").Median
		c.CPUPerRequest = cpu[i] / time.Duration(ok[i])
		for j := range st.res.Configs {
			if r := &st.res.Configs[j]; r.Reject && r.Server == c.Server && r.Mode == c.Mode {
				r.Capacity, r.CapacityRuns, r.CPUPerRequest = c.Capacity, c.CapacityRuns, c.CPUPerRequest
			}
		}
	}
	// A rejecting server whose blocking twin failed has no load to be offered.
	for i, p := range st.procs {
		if p != nil && st.res.Configs[i].Capacity == 0 {
			if err := st.drop(i, "no capacity: its blocking twin failed"); err != nil {
				return err
			}
		}
	}
	return nil
}

// rate formats a rate for the generator's flags.
func rate(r float64) string { return strconv.FormatFloat(math.Round(r), 'f', -1, 64) }

// levels drives every configuration at each level in turn. The last level is the burst:
// its run goes on at the recovery level, in windows, and gives the recovery time.
func (st *overloadStudy) levels(ctx context.Context) error {
	for j, level := range st.plan.Levels {
		burst := j == len(st.plan.Levels)-1
		err := st.each(ctx, all, func(i int) error {
			c := &st.res.Configs[i]
			args := []string{"-rate", rate(level * c.Capacity)}
			if burst {
				args = append(args, "-then", loadgen.Step{Rate: math.Round(st.plan.RecoveryLevel * c.Capacity), Duration: st.plan.Recovery}.String(),
					"-window", st.plan.Window.String())
			}
			r, u, err := st.load(ctx, i, st.plan.Run, args...)
			if err != nil {
				return err
			}
			run := st.newRun(level, r, u)
			if burst && len(r.Steps) > 0 {
				// The burst's own figures come from its step; the run as a whole sets validity.
				run = stepRun(run, r.Steps[0], r.AchievedRate/r.TargetRate)
			}
			c.Runs = append(c.Runs, run)
			if burst {
				st.recovery(c, r.Windows)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// newRun reads one open-loop run at level, which used u.
func (st *overloadStudy) newRun(level float64, r loadgen.Result, u used) results.OverloadRun {
	run := results.OverloadRun{Level: level, Offered: r.Rate, Achieved: r.AchievedRate,
		Valid:   r.TargetRate > 0 && r.AchievedRate >= st.plan.MinAchieved*r.TargetRate,
		Goodput: r.Throughput, Sent: r.Sent, OK: r.OK, Rejected: r.Status503, Timeout: r.Timeout, Reset: r.Reset,
		Other:     r.StatusOther + r.Refused + r.Other,
		ServerCPU: u.server.Seconds() / (r.Elapsed.Seconds() * float64(st.plan.ServerProcs)), OtherCPU: u.others}
	if r.Latency.N > 0 {
		lat := results.Latency(r.Latency)
		run.Latency = &lat
	}
	return run
}

// stepRun replaces run's counts and latency with those of s, its first step, the burst.
// The generator's lag is measured over the whole run: the burst's achieved rate is its
// rate scaled by the run's achieved over target.
func stepRun(run results.OverloadRun, s loadgen.StepResult, achieved float64) results.OverloadRun {
	run.Achieved = s.Rate * achieved
	run.Sent, run.OK, run.Rejected, run.Timeout, run.Reset = s.Sent, s.OK, s.Status503, s.Timeout, s.Reset
	run.Other = s.StatusOther + s.Refused + s.Other
	run.Goodput, run.Latency = 0, nil
	if s.Elapsed > 0 {
		run.Goodput = float64(s.OK) / s.Elapsed.Seconds()
	}
	if s.Latency.N > 0 {
		lat := results.Latency(s.Latency)
		run.Latency = &lat
	}
	return run
}

// recovery reads the windows after the burst into c: the recovery time is the end of the
// first window whose requests all succeeded with a p99 under RecoveryFactor times the first
// level's p99. An invalid first run gives no baseline, and no recovery.
func (st *overloadStudy) recovery(c *results.OverloadConfig, windows []loadgen.Window) {
	var base *results.Latency
	if len(c.Runs) > 0 && c.Runs[0].Valid {
		base = c.Runs[0].Latency
	}
	for _, w := range windows {
		if w.Start < st.plan.Run {
			continue
		}
		since := w.Start - st.plan.Run
		c.Windows = append(c.Windows, results.OverloadWindow{Start: since, Sent: w.Sent, OK: w.OK, P99: w.Latency.P99})
		if !c.Recovered && base != nil && w.Sent > 0 && w.OK == w.Sent &&
			float64(w.Latency.P99) <= st.plan.RecoveryFactor*float64(base.P99) {
			c.Recovered, c.Recovery = true, since+st.plan.Window
		}
	}
}

// slow runs the normal load at the slow level beside the slow clients, once per server
// and mode (on the blocking server).
func (st *overloadStudy) slow(ctx context.Context) error {
	return st.each(ctx, blocking, func(i int) error {
		c := &st.res.Configs[i]
		r, u, err := st.load(ctx, i, st.plan.Run, "-rate", rate(st.plan.SlowLevel*c.Capacity),
			"-slow", strconv.Itoa(st.plan.SlowClients), "-slow-interval", st.plan.SlowInterval.String())
		if err != nil {
			return err
		}
		s := &results.OverloadSlow{Run: st.newRun(st.plan.SlowLevel, r, u)}
		if sl := r.Slow; sl != nil {
			s.SlowAnswered = sl.OK + sl.Status503 + sl.StatusOther
			s.SlowFailed = sl.Refused + sl.Reset + sl.Timeout + sl.Other
			s.SlowUnfinished = sl.Unfinished
		}
		c.Slow = s
		return nil
	})
}
