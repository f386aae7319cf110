package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"poolbench/compare/results"
	"poolbench/internal/stats"
	"poolbench/loadgen"
)

// TestInvalidRun checks the rule that an open-loop run whose generator fell below 99% of
// its target rate is reported as invalid and never as a latency.
func TestInvalidRun(t *testing.T) {
	lat := loadgen.Latency{N: 100, P50: 300, P99: 900, Max: 1000}
	for _, tc := range []struct {
		name           string
		rate, achieved float64
		peakInFlight   int
		valid          bool
		invalid        string
	}{
		{"on target", 1000, 1000, 10, true, ""},
		{"exactly 99%", 1000, 990, 10, true, ""},
		{"on target at the cap", 1000, 1000, 64, true, ""},
		{"just below 99%", 1000, 989.9, 10, false, "generator"},
		{"far behind", 1000, 500, 10, false, "generator"},
		{"held by the cap", 1000, 500, 64, false, "in-flight cap"},
		{"no rate", 0, 0, 0, false, "generator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLatency(0.5, DefaultPlan(false, 0).MinAchieved, loadgen.Result{Mode: "open", Rate: tc.rate, AchievedRate: tc.achieved, Counts: loadgen.Counts{Sent: 100, OK: 100},
				Latency: lat, PeakInFlight: tc.peakInFlight, MaxInFlight: 64})
			if l.Valid != tc.valid || l.Invalid != tc.invalid {
				t.Errorf("Valid, Invalid = %v, %q; want %v, %q", l.Valid, l.Invalid, tc.valid, tc.invalid)
			}
			if got := l.Latency != nil; got != tc.valid {
				t.Fatalf("Latency set = %v; want %v", got, tc.valid)
			}
			if tc.valid && *l.Latency != results.Latency(lat) {
				t.Errorf("Latency = %+v; want %+v", *l.Latency, lat)
			}
			b, err := json.Marshal(l)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(b), `"latency"`); got != tc.valid {
				t.Errorf("JSON %s has a latency = %v; want %v", b, got, tc.valid)
			}
			if l.Target != tc.rate || l.Achieved != tc.achieved {
				t.Errorf("Target, Achieved = %v, %v; want %v, %v", l.Target, l.Achieved, tc.rate, tc.achieved)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		server, generator, machine float64
		want                       string
	}{
		{0.95, 0.5, 0.8, "server"},
		{0.5, 0.99, 0.8, "generator"},
		{0.9, 0.9, 0.95, "both"},
		{0.5, 0.5, 0.95, "machine"},
		{0.5, 0.5, 0.6, "neither"},
	} {
		if got := limit(tc.server, tc.generator, tc.machine); got != tc.want {
			t.Errorf("limit(%v, %v, %v) = %q; want %q", tc.server, tc.generator, tc.machine, got, tc.want)
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	for _, tc := range []struct {
		stat string
		want time.Duration
		ok   bool
	}{
		// utime 150 and stime 50 ticks: 2 s. The command name holds a space and a ')'.
		{"4242 (pool bench)) S 1 4242 4242 0 -1 4194304 100 0 0 0 150 50 0 0 20 0 3 0 1 2 3", 2 * time.Second, true},
		{"4242 (poolbench) S 1 2 3", 0, false},
		{"garbage", 0, false},
	} {
		got, err := parseStatCPU(tc.stat)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseStatCPU(%q) = %v, %v; want %v, ok = %v", tc.stat, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseMachineCPU(t *testing.T) {
	for _, tc := range []struct {
		stat string
		want cpuTicks
		ok   bool
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		{"cpu  10 1 5 80 4 0 2 0 7 7\ncpu0 5 0 2 40 2 0 1 0 0 0\n", cpuTicks{busy: 18, total: 102}, true},
		{"cpu0 5 0 2 40 2 0 1 0\n", cpuTicks{}, false},
		{"cpu 1 x 2 3 4\n", cpuTicks{}, false},
	} {
		got, err := parseMachineCPU(tc.stat)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseMachineCPU(%q) = %+v, %v; want %+v, ok = %v", tc.stat, got, err, tc.want, tc.ok)
		}
	}
	if got := (cpuTicks{busy: 68, total: 202}).busySince(cpuTicks{busy: 18, total: 102}); got != 0.5 {
		t.Errorf("busySince = %v; want 0.5", got)
	}
}

func TestDefaultPlan(t *testing.T) {
	for _, quick := range []bool{false, true} {
		p := DefaultPlan(quick, 0)
		if p.Samples < stats.MinSamples {
			t.Errorf("quick=%v: Samples = %d; want >= %d for an interval", quick, p.Samples, stats.MinSamples)
		}
		if p.SleepClients != 4*p.Workers {
			t.Errorf("quick=%v: SleepClients = %d; want 4×Workers = %d", quick, p.SleepClients, 4*p.Workers)
		}
		if p.TermAfter >= p.Term {
			t.Errorf("quick=%v: SIGTERM at %v is not within the load's %v", quick, p.TermAfter, p.Term)
		}
		// Thirteen servers' load time, without process starts, against the study's share of
		// compare's budget.
		per := p.Warmup + time.Duration(p.Samples)*p.Peak + time.Duration(p.OpenRuns*len(p.Fractions))*p.Open + p.Sleep + p.Term
		if budget := map[bool]time.Duration{true: 30 * time.Second, false: 100 * time.Second}[quick]; 13*per > budget {
			t.Errorf("quick=%v: 13 servers × %v = %v of load; want under %v", quick, per, 13*per, budget)
		}
		if !quick && p.OpenRuns < 3 {
			t.Errorf("OpenRuns = %d; want >= 3 in a full run", p.OpenRuns)
		}
	}
	if p := DefaultPlan(false, 10); p.Samples != 10 {
		t.Errorf("DefaultPlan(false, 10).Samples = %d; want 10", p.Samples)
	}
}
