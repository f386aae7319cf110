package report

import (
	"strings"
	"testing"

	"poolbench/compare/results"
)

// TestOverloadRanking applies the overload rule to configurations made for it: each is
// ranked or left out for one reason.
func TestOverloadRanking(t *testing.T) {
	run := func(level, goodput float64, p99 int64, valid bool) results.OverloadRun {
		r := results.OverloadRun{Level: level, Goodput: goodput, Valid: valid, Sent: 100}
		if p99 > 0 {
			r.Latency = &results.Latency{P99: p99}
		}
		return r
	}
	cfg := func(server string, reject bool, base, at results.OverloadRun) results.OverloadConfig {
		return results.OverloadConfig{Server: server, Mode: "book", Reject: reject, Runs: []results.OverloadRun{base, at}}
	}
	o := &results.Overload{
		Plan:      results.OverloadPlan{Levels: []float64{0.5, 2}, PickLevel: 2, PickP99Factor: 10, PickTolerance: 0.05},
		Reference: "nethttp",
		Configs: []results.OverloadConfig{
			cfg("nethttp", false, run(0.5, 500, 1000, true), run(2, 2000, 2000, true)), // the reference: never ranked
			cfg("a", true, run(0.5, 500, 1000, true), run(2, 900, 9000, true)),
			cfg("b", true, run(0.5, 500, 1000, true), run(2, 870, 2000, true)),   // within 5% of a
			cfg("c", false, run(0.5, 500, 1000, true), run(2, 990, 10001, true)), // p99 grew past 10x
			cfg("d", true, run(0.5, 500, 1000, false), run(2, 999, 1000, true)),  // its generator fell behind
			cfg("e", false, run(0.5, 500, 1000, true), run(2, 0, 0, true)),       // nothing succeeded
			cfg("f", true, run(0.5, 500, 1000, true), run(2, 700, 1000, true)),
			{Server: "g", Mode: "handler", Runs: []results.OverloadRun{run(0.5, 500, 1000, true)}}, // failed before 2x
		},
	}
	in, out := overloadRanking(o)
	var got []string
	for _, r := range in {
		got = append(got, r.c.Server)
	}
	if strings.Join(got, ",") != "a,b,f" {
		t.Errorf("ranked %v; want a, b, f by goodput", got)
	}
	why := map[string]string{}
	for _, r := range out {
		why[r.c.Server] = r.why
	}
	for server, want := range map[string]string{"c": "p99 grew", "d": "fell behind", "e": "no request succeeded", "g": "no run at 2x"} {
		if !strings.Contains(why[server], want) {
			t.Errorf("%s left out because %q; want %q", server, why[server], want)
		}
	}
	if len(out) != 4 {
		t.Errorf("left out %d; want 4 (the reference is neither ranked nor left out)", len(out))
	}
	pick, rule := overloadPick(o)
	for _, want := range []string{"`a` in book mode with `--reject`", "900 req/s", "not told apart from `b` in book mode"} {
		if !strings.Contains(pick, want) {
			t.Errorf("pick %q; want it to say %q", pick, want)
		}
	}
	if !strings.Contains(rule, "10.0 times") || !strings.Contains(rule, "within 5%") {
		t.Errorf("rule %q; want the factor and the tolerance", rule)
	}
}
