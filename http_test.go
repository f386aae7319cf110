package main

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/compare/results"
	"poolbench/compare/web"
	"poolbench/internal/study"
	"poolbench/server"
)

// TestHTTPStudy runs the HTTP study end to end, poolbench serve and poolbench loadgen as
// real child processes on 127.0.0.1, on two executors and nethttp with tiny durations,
// and checks that every measurement is there and consistent. It asserts no speed and no
// library behaviour: those are the study's findings.
func TestHTTPStudy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	bin := buildPoolbench(t)
	plan := web.DefaultPlan(true, 0)
	plan.Warmup, plan.Peak, plan.Open, plan.Sleep = 50*time.Millisecond, 80*time.Millisecond, 150*time.Millisecond, 150*time.Millisecond
	plan.TermAfter, plan.Term = 100*time.Millisecond, 300*time.Millisecond
	plan.OpenRuns = 2 // repeated, round-robin
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// "nope" is no executor: its server exits at once, which the study must record and
	// get past.
	res, err := web.Run(ctx, study.Options{Pools: []string{"custom", "ants", "nope"}, Exe: bin}, plan)
	if err != nil {
		t.Fatalf("RunHTTP() = %v", err)
	}
	if n := len(res.Servers); n != 4 {
		t.Fatalf("%d servers; want 4", n)
	}
	if bad := res.Servers[3]; bad.Name != "nope" || !strings.Contains(bad.Error, "exited before listening") || bad.Peak.N != 0 {
		t.Errorf("server nope = %+v; want an error that it exited before listening, and no figures", bad)
	}
	res.Servers = res.Servers[:3]
	var names []string
	for _, s := range res.Servers {
		names = append(names, s.Name)
	}
	if want := []string{server.NetHTTPName, "custom", "ants"}; !slices.Equal(names, want) {
		t.Fatalf("servers = %q; want %q", names, want)
	}
	if len(res.Rates) != len(plan.Fractions) {
		t.Fatalf("Rates = %v; want one per fraction %v", res.Rates, plan.Fractions)
	}
	for j, f := range plan.Fractions {
		if want := f * res.Servers[0].Peak.Median; math.Abs(res.Rates[j]-want) > 0.5 {
			t.Errorf("Rates[%d] = %v; want %v × nethttp's peak = %v", j, res.Rates[j], f, want)
		}
	}
	for _, s := range res.Servers {
		t.Run(s.Name, func(t *testing.T) {
			if s.Error != "" {
				t.Fatalf("Error = %s", s.Error)
			}
			for name, sum := range map[string]results.Summary{"Peak": s.Peak, "ServerCPU": s.ServerCPU,
				"GeneratorCPU": s.GeneratorCPU, "MachineCPU": s.MachineCPU, "GeneratorCeiling": s.GeneratorCeiling} {
				if sum.N != plan.Samples || sum.Median <= 0 || sum.Lo > sum.Median || sum.Hi < sum.Median {
					t.Errorf("%s = %+v; want %d samples, a positive median inside its interval", name, sum, plan.Samples)
				}
			}
			// CPU use can pass 1 by a little (threads in syscalls), so the ceiling can sit
			// a little under the peak, never far.
			if s.GeneratorCeiling.Median < 0.9*s.Peak.Median {
				t.Errorf("GeneratorCeiling = %v; want >= Peak %v", s.GeneratorCeiling.Median, s.Peak.Median)
			}
			if !slices.Contains([]string{"server", "generator", "both", "machine", "neither"}, s.Limit) {
				t.Errorf("Limit = %q", s.Limit)
			}
			if len(s.Open) != len(plan.Fractions) {
				t.Fatalf("Open has %d rates; want %d", len(s.Open), len(plan.Fractions))
			}
			for j, op := range s.Open {
				if op.Target != res.Rates[j] || op.Fraction != plan.Fractions[j] || len(op.Runs) != plan.OpenRuns {
					t.Errorf("Open[%d] = %+v; want target %v and %d runs", j, op, res.Rates[j], plan.OpenRuns)
				}
				for k, o := range op.Runs {
					if o.Target != res.Rates[j] || o.Sent <= 0 || o.Achieved <= 0 || o.OK+o.Errors != o.Sent {
						t.Errorf("Open[%d].Runs[%d] = %+v; want target %v and sent = ok + errors > 0", j, k, o, res.Rates[j])
					}
					if o.Valid != (o.Achieved >= res.Plan.MinAchieved*o.Target) || o.Valid != (o.Latency != nil) || o.Valid != (o.Invalid == "") {
						t.Errorf("Open[%d].Runs[%d]: Valid = %v (%q), Achieved %v of %v, Latency %v: the 99%% rule is broken", j, k, o.Valid, o.Invalid, o.Achieved, o.Target, o.Latency)
					}
					if l := o.Latency; l != nil && (l.N != o.OK || l.P50 <= 0 || l.P50 > l.P90 || l.P90 > l.P99 || l.P99 > l.P999 || l.P999 > l.Max) {
						t.Errorf("Open[%d].Runs[%d].Latency = %+v; want N = OK and ordered percentiles", j, k, *l)
					}
				}
			}
			sl := s.Sleep
			if sl.OK <= 0 || sl.Sent != sl.OK+sl.Status503+sl.Refused+sl.Reset+sl.Timeout+sl.Other {
				t.Errorf("Sleep = %+v; want OK > 0 and every request counted once", sl)
			}
			if min := int64(plan.SleepMS) * 1000; sl.Latency.Min < min {
				t.Errorf("Sleep.Latency.Min = %d µs; want >= the %d µs sleep", sl.Latency.Min, min)
			}
			tm := s.Term
			if !tm.Logged || (tm.ExitCode != 0 && tm.ExitCode != 1) {
				t.Errorf("Term: Logged = %v, ExitCode = %d; want the stopped record and 0 or 1", tm.Logged, tm.ExitCode)
			}
			if tm.Accepted <= 0 || tm.Answered > tm.Accepted || tm.Lost != tm.Accepted-tm.Answered {
				t.Errorf("Term = %+v; want Accepted > 0, Answered <= Accepted, Lost = the difference", tm)
			}
			if tm.Sent != tm.OK+tm.Status503+tm.Refused+tm.Reset+tm.Timeout+tm.Other || tm.Sent <= tm.Answered {
				t.Errorf("Term = %+v; want every request counted once, and some refused after the signal", tm)
			}
		})
	}
}
