package main

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/compare/results"
	"poolbench/compare/web"
	"poolbench/internal/study"
	"poolbench/server"
)

// TestOverloadStudy runs the overload study end to end, poolbench serve and poolbench
// loadgen as real child processes on 127.0.0.1, on nethttp and custom in both modes with
// tiny durations, and checks that every figure is there and consistent. It asserts no
// speed and no library behaviour: those are the study's findings.
func TestOverloadStudy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	bin := buildPoolbench(t)
	plan := web.DefaultOverloadPlan(true)
	plan.Levels, plan.PickLevel = []float64{0.5, 2}, 2
	plan.Capacity, plan.Run, plan.Recovery, plan.Timeout = 100*time.Millisecond, 100*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	plan.SlowClients = 4
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := web.RunOverload(ctx, study.Options{Pools: []string{"custom", "ants"}, Exe: bin}, plan)
	if err != nil {
		t.Fatalf("RunOverload() = %v", err)
	}
	if p := res.Plan; p.WorkRounds < 1 || p.WorkCost <= 0 {
		t.Errorf("Plan: %d rounds costing %v; want them calibrated", p.WorkRounds, p.WorkCost)
	}
	type key struct {
		server, mode string
		reject       bool
	}
	var got []key
	for _, c := range res.Configs {
		got = append(got, key{c.Server, c.Mode, c.Reject})
	}
	// ants is not in the quick grid.
	want := []key{{server.NetHTTPName, "book", false}, {"custom", "book", false}, {"custom", "book", true}, {"custom", "handler", false}, {"custom", "handler", true}}
	if len(got) != len(want) {
		t.Fatalf("configurations %v; want %v", got, want)
	}
	for i, c := range res.Configs {
		t.Run(c.Server+"/"+c.Mode+map[bool]string{true: "/reject"}[c.Reject], func(t *testing.T) {
			if got[i] != want[i] {
				t.Fatalf("configuration %v; want %v", got[i], want[i])
			}
			if c.Error != "" {
				t.Fatalf("Error = %s", c.Error)
			}
			if c.Capacity <= 0 || len(c.CapacityRuns) != plan.CapacitySamples || c.CPUPerRequest <= 0 {
				t.Errorf("Capacity = %v from %v, %v per request; want a capacity from %d runs", c.Capacity, c.CapacityRuns, c.CPUPerRequest, plan.CapacitySamples)
			}
			if c.Reject && c.Capacity != res.Configs[i-1].Capacity {
				t.Errorf("Capacity = %v; want its blocking twin's %v", c.Capacity, res.Configs[i-1].Capacity)
			}
			if len(c.Runs) != len(plan.Levels) {
				t.Fatalf("%d runs; want one per level %v", len(c.Runs), plan.Levels)
			}
			for j, r := range c.Runs {
				checkRun(t, r, plan.Levels[j]*c.Capacity)
			}
			if c.Runs[len(c.Runs)-1].Sent >= int64(plan.Levels[len(plan.Levels)-1]*c.Capacity*(plan.Run+plan.Recovery).Seconds()) {
				t.Errorf("burst run sent %d; want the burst's requests alone", c.Runs[len(c.Runs)-1].Sent)
			}
			if want := int(plan.Recovery / plan.Window); len(c.Windows) != want {
				t.Errorf("%d windows after the burst; want %d", len(c.Windows), want)
			}
			if c.Recovered && (c.Recovery <= 0 || c.Recovery > plan.Recovery) {
				t.Errorf("Recovery = %v; want within (0, %v]", c.Recovery, plan.Recovery)
			}
			if s := c.Slow; c.Reject != (s == nil) {
				t.Errorf("Slow = %+v; want a slow-client run on the blocking server alone", s)
			} else if s != nil {
				checkRun(t, s.Run, plan.SlowLevel*c.Capacity)
				if s.SlowAnswered+s.SlowFailed+s.SlowUnfinished < int64(plan.SlowClients) {
					t.Errorf("Slow = %+v; want each of the %d slow clients' requests counted", *s, plan.SlowClients)
				}
			}
		})
	}
}

// checkRun checks that an overload run's figures add up.
func checkRun(t *testing.T, r results.OverloadRun, offered float64) {
	t.Helper()
	if r.Offered != float64(int64(offered+0.5)) || r.Sent <= 0 || r.Achieved <= 0 {
		t.Errorf("run at %vx: Offered %v, Sent %d, Achieved %v; want %v offered and something sent", r.Level, r.Offered, r.Sent, r.Achieved, offered)
	}
	if r.OK+r.Rejected+r.Timeout+r.Reset+r.Other != r.Sent {
		t.Errorf("run at %vx = %+v; want every request counted once", r.Level, r)
	}
	if l := r.Latency; (l != nil) != (r.OK > 0) || l != nil && (l.N != r.OK || l.P50 > l.P99 || l.P99 > l.P999) {
		t.Errorf("run at %vx: Latency = %+v for %d OK; want N = OK and ordered percentiles", r.Level, l, r.OK)
	}
	if r.OK > 0 && r.Goodput <= 0 {
		t.Errorf("run at %vx: Goodput = %v with %d OK", r.Level, r.Goodput, r.OK)
	}
}
