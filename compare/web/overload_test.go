package web

import (
	"slices"
	"testing"
	"time"

	"poolbench/compare/results"
	"poolbench/loadgen"
	"poolbench/pools"
	"poolbench/server"
)

func TestOverloadConfigs(t *testing.T) {
	full := DefaultOverloadPlan(false)
	cs, err := overloadConfigs(full, httpNames(pools.Names()))
	if err != nil {
		t.Fatal(err)
	}
	var blocking, rejecting int
	for _, c := range cs {
		in, err := pools.Describe(c.Server)
		switch {
		case c.Server == server.NetHTTPName:
			if c.Mode != string(server.ModeBook) || c.Reject {
				t.Errorf("%+v: nethttp serves in book mode only and cannot reject", c)
			}
		case err != nil:
			t.Fatal(err)
		case c.Reject && in.Reject == "":
			t.Errorf("%+v: %s cannot shed (%s)", c, c.Server, in.CannotReject)
		}
		if c.Reject {
			rejecting++
		} else {
			blocking++
		}
	}
	var shedders int
	for _, name := range pools.Names() {
		if in, _ := pools.Describe(name); in.Reject != "" {
			shedders++
		}
	}
	if want := 2*len(pools.Names()) + 1; blocking != want {
		t.Errorf("%d blocking configurations; want every executor in both modes and nethttp, %d", blocking, want)
	}
	if want := 2 * shedders; rejecting != want {
		t.Errorf("%d rejecting configurations; want every executor that can shed in both modes, %d", rejecting, want)
	}
	// A rejecting configuration follows its blocking twin, which gives it its capacity.
	for i, c := range cs {
		if c.Reject && (i == 0 || cs[i-1].Server != c.Server || cs[i-1].Mode != c.Mode || cs[i-1].Reject) {
			t.Errorf("configuration %d %+v does not follow its blocking twin", i, c)
		}
	}

	quick, err := overloadConfigs(DefaultOverloadPlan(true), httpNames(pools.Names()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range quick {
		if !slices.Contains(DefaultOverloadPlan(true).Servers, c.Server) {
			t.Errorf("quick grid has %s", c.Server)
		}
	}
	if len(quick) >= len(cs) {
		t.Errorf("quick grid has %d configurations; want fewer than the full %d", len(quick), len(cs))
	}
}

// TestOverloadPlanBudget adds up each plan's load time, without process starts, against
// the study's share of compare's budget.
func TestOverloadPlanBudget(t *testing.T) {
	for _, tc := range []struct {
		quick  bool
		budget time.Duration
	}{
		{true, 25 * time.Second},
		{false, 240 * time.Second},
	} {
		p := DefaultOverloadPlan(tc.quick)
		cs, err := overloadConfigs(p, httpNames(pools.Names()))
		if err != nil {
			t.Fatal(err)
		}
		var total time.Duration
		for _, c := range cs {
			// Every level, with the burst's recovery; each run may wait out a settle, and
			// those past capacity the timeout; the blocking server adds its capacity and
			// the slow clients.
			per := time.Duration(len(p.Levels))*(p.Run+p.Settle) + p.Recovery + 2*p.Timeout
			if !c.Reject {
				per += time.Duration(p.CapacitySamples)*(p.Capacity+p.Settle) + p.SlowInterval + p.Run + p.Timeout + p.Settle
			}
			total += per
		}
		if total > tc.budget {
			t.Errorf("quick=%v: %d configurations take up to %v; want under %v", tc.quick, len(cs), total, tc.budget)
		}
		if p.Levels[0] != p.RecoveryLevel || !slices.Contains(p.Levels, p.PickLevel) || !slices.Contains(p.Levels, p.SlowLevel) {
			t.Errorf("quick=%v: recovery, pick and slow levels %v, %v, %v must be levels of %v", tc.quick, p.RecoveryLevel, p.PickLevel, p.SlowLevel, p.Levels)
		}
	}
}

func TestCalibrate(t *testing.T) {
	rounds, cost := calibrate(time.Millisecond)
	if rounds < 1 || rounds > server.MaxWork || cost <= 0 {
		t.Errorf("calibrate(1ms) = %d rounds, %v", rounds, cost)
	}
}

func TestRecovery(t *testing.T) {
	plan := results.OverloadPlan{Run: 500 * time.Millisecond, Window: 100 * time.Millisecond, RecoveryFactor: 2}
	base := &results.Latency{P99: 1000}
	win := func(start time.Duration, sent, ok, p99 int64) loadgen.Window {
		return loadgen.Window{Start: start, Counts: loadgen.Counts{Sent: sent, OK: ok}, Latency: loadgen.Latency{P99: p99}}
	}
	for _, tc := range []struct {
		name      string
		base      *results.Latency
		windows   []loadgen.Window
		recovered bool
		recovery  time.Duration
	}{
		{"at once", base, []loadgen.Window{win(400*time.Millisecond, 9, 9, 9000), win(500*time.Millisecond, 5, 5, 2000), win(600*time.Millisecond, 5, 5, 900)},
			true, 100 * time.Millisecond},
		{"after a slow window", base, []loadgen.Window{win(500*time.Millisecond, 5, 5, 2001), win(600*time.Millisecond, 5, 5, 900)},
			true, 200 * time.Millisecond},
		{"failures are not recovered", base, []loadgen.Window{win(500*time.Millisecond, 5, 4, 100), win(600*time.Millisecond, 5, 5, 100)},
			true, 200 * time.Millisecond},
		{"never", base, []loadgen.Window{win(500*time.Millisecond, 5, 5, 5000), win(600*time.Millisecond, 0, 0, 0)}, false, 0},
		{"no baseline", nil, []loadgen.Window{win(500*time.Millisecond, 5, 5, 100)}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := overloadStudy{plan: plan}
			c := results.OverloadConfig{Runs: []results.OverloadRun{{Valid: true, Latency: tc.base}}}
			st.recovery(&c, tc.windows)
			if c.Recovered != tc.recovered || c.Recovery != tc.recovery {
				t.Errorf("Recovered, Recovery = %v, %v; want %v, %v", c.Recovered, c.Recovery, tc.recovered, tc.recovery)
			}
			if n := len(c.Windows); n == 0 || c.Windows[0].Start != 0 {
				t.Errorf("Windows = %+v; want those after the burst, from 0", c.Windows)
			}
		})
	}
}

func TestStepRun(t *testing.T) {
	run := results.OverloadRun{Level: 4, Offered: 4000, Achieved: 1000, Goodput: 1, Sent: 9, OK: 9}
	s := loadgen.StepResult{Step: loadgen.Step{Rate: 4000, Duration: time.Second},
		Counts:  loadgen.Counts{Sent: 4000, OK: 1000, Status503: 2000, Timeout: 500, Reset: 300, Refused: 100, Other: 100},
		Elapsed: 2 * time.Second, Latency: loadgen.Latency{N: 1000, P99: 7}}
	got := stepRun(run, s, 0.5)
	want := results.OverloadRun{Level: 4, Offered: 4000, Achieved: 2000, Goodput: 500, Sent: 4000, OK: 1000, Rejected: 2000,
		Timeout: 500, Reset: 300, Other: 200, Latency: &results.Latency{N: 1000, P99: 7}}
	if got.Latency == nil || *got.Latency != *want.Latency {
		t.Fatalf("Latency = %v; want %v", got.Latency, want.Latency)
	}
	got.Latency, want.Latency = nil, nil
	if got != want {
		t.Errorf("stepRun() = %+v; want %+v", got, want)
	}
}
