package report

import (
	"fmt"
	"slices"
	"strings"

	"poolbench/compare/results"
	"poolbench/internal/stats"
)

func httpSection(res *results.Results) (section, error) {
	s := section{ID: "http", Title: "HTTP: the book's web server on each executor"}
	h := res.HTTP
	if h == nil {
		s.Blocks = notRun("http")
		return s, nil
	}
	p := h.Plan
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("Each server runs as its own process on 127.0.0.1 with `--workers=%d --queue=%d` and GOMAXPROCS %d; "+
		"the load generator runs in another process with GOMAXPROCS %d and opens a new connection per request, as the book's server closes each. "+
		"`nethttp` is the same routes on a plain `net/http.Server`, the reference a Go user would pick instead of any pool.",
		p.Workers, p.Queue, p.ServerProcs, p.GeneratorProcs)))

	// Peak.
	var rows [][]string
	var bars []bar
	var ref float64
	for _, sv := range h.Servers {
		if sv.Name == h.Reference {
			ref = sv.Peak.Median
		}
	}
	for _, sv := range h.Servers {
		vs := "–"
		if ref > 0 && sv.Peak.N > 0 {
			vs = fmt.Sprintf("%.2fx", sv.Peak.Median/ref)
		}
		rows = append(rows, []string{"`" + sv.Name + "`", median(sv.Peak, res.Rules), vs,
			num(sv.ServerCPU.Median), num(sv.GeneratorCPU.Median), num(sv.MachineCPU.Median),
			num(sv.GeneratorCeiling.Median), sv.Limit, fmt.Sprint(sv.PeakErrors), sv.Error})
		if sv.Peak.N > 0 {
			bars = append(bars, bar{Label: sv.Name, Value: sv.Peak.Median, Lo: sv.Peak.Lo, Hi: sv.Peak.Hi})
		}
	}
	s.Blocks = append(s.Blocks, table{
		Caption: fmt.Sprintf("Peak throughput on `/`, closed loop with %d clients, requests/s, median of %d runs per server", p.PeakClients, p.Samples),
		Header:  []string{"server", "req/s, median [95% CI]", "vs nethttp", "server CPU", "generator CPU", "machine CPU", "generator ceiling", "limit", "errors", "error"},
		Rows:    rows,
		Notes: []string{
			"CPU is each process's use as a fraction of its GOMAXPROCS, and the whole machine's over all cores. The generator ceiling is its throughput per unit of its own CPU: a peak near it means the generator, not the server, was the limit.",
			"limit: `server` or `generator` when that side's CPU was saturated, `machine` when the cores were busy with other work, `neither` when both sides waited.",
		},
	})
	if len(bars) > 0 {
		c, err := barChart("http-peak.svg", "Peak throughput on / (requests/s, median and 95% interval)", "req/s", bars)
		if err != nil {
			return section{}, err
		}
		s.Blocks = append(s.Blocks, c)
	}

	// Latency at fixed open-loop rates.
	for i, rate := range h.Rates {
		rows = nil
		var ls []latencyLine
		for _, sv := range h.Servers {
			if i >= len(sv.Open) {
				continue
			}
			o := sv.Open[i]
			var valid []results.Latency
			var achieved []float64
			var errs int64
			var why []string
			for _, r := range o.Runs {
				achieved = append(achieved, r.Achieved)
				errs += r.Errors
				if r.Valid && r.Latency != nil {
					valid = append(valid, *r.Latency)
				} else if !slices.Contains(why, r.Invalid) {
					why = append(why, r.Invalid)
				}
			}
			validity := fmt.Sprintf("%d of %d valid", len(valid), len(o.Runs))
			if len(why) > 0 {
				validity += " (" + strings.Join(why, ", ") + ")"
			}
			row := []string{"`" + sv.Name + "`", num(o.Target), spread(achieved, num)}
			if len(valid) == 0 {
				rows = append(rows, append(row, "–", "–", "–", "–", "–", fmt.Sprint(errs), validity))
				continue
			}
			pick := func(f func(results.Latency) int64) []float64 {
				var vs []float64
				for _, l := range valid {
					vs = append(vs, float64(f(l)))
				}
				return vs
			}
			p50, p90, p99 := pick(func(l results.Latency) int64 { return l.P50 }), pick(func(l results.Latency) int64 { return l.P90 }), pick(func(l results.Latency) int64 { return l.P99 })
			p999, mx := pick(func(l results.Latency) int64 { return l.P999 }), pick(func(l results.Latency) int64 { return l.Max })
			rows = append(rows, append(row, spread(p50, usAsMS), spread(p90, usAsMS), spread(p99, usAsMS), spread(p999, usAsMS), spread(mx, usAsMS),
				fmt.Sprint(errs), validity))
			var n int64
			for _, l := range valid {
				n += l.N
			}
			ls = append(ls, latencyLine{Name: sv.Name, Latency: results.Latency{N: n,
				P50: int64(middle(p50)), P90: int64(middle(p90)), P99: int64(middle(p99)), P999: int64(middle(p999)), Max: int64(middle(mx))}})
		}
		frac := 0.0
		if i < len(p.Fractions) {
			frac = p.Fractions[i]
		}
		how := "one run per server"
		if p.OpenRuns > 1 {
			how = fmt.Sprintf("median of %d runs per server, round-robin, with the lowest and highest run in brackets (a range, not a 95%% interval: that takes %d runs)", p.OpenRuns, res.Rules.MinSamples)
		}
		s.Blocks = append(s.Blocks, table{
			Caption: fmt.Sprintf("Latency at %s req/s (%s of %s's peak), open loop for %v, ms: %s", num(rate), pct(frac), h.Reference, p.Open, how),
			Header:  []string{"server", "target req/s", "achieved req/s", "p50", "p90", "p99", "p99.9", "max", "errors", "validity"},
			Rows:    rows,
			Notes:   []string{fmt.Sprintf("Latency counts from each request's due time, so a stall in the server shows instead of hiding. A run that sent less than %s of its target rate is invalid and gives no latency; the figures are over the valid runs.", pct(p.MinAchieved))},
		})
		if len(ls) > 0 {
			c, err := percentileChart(fmt.Sprintf("http-latency-%d.svg", i+1),
				fmt.Sprintf("Latency at %s of %s's peak (%s req/s), %s", pct(frac), h.Reference, num(rate), runs(p.OpenRuns, "median of %d runs")), ls)
			if err != nil {
				return section{}, err
			}
			s.Blocks = append(s.Blocks, c)
		}
	}

	// /sleep with more clients than workers.
	rows = nil
	for _, sv := range h.Servers {
		sl := sv.Sleep
		rows = append(rows, []string{"`" + sv.Name + "`", fmt.Sprint(sl.OK), num(sl.Throughput), ms(sl.Latency.P50), ms(sl.Latency.P99), ms(sl.Latency.Max),
			fmt.Sprint(sl.Status503), fmt.Sprint(sl.Refused), fmt.Sprint(sl.Reset), fmt.Sprint(sl.Timeout), fmt.Sprint(sl.Other)})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: fmt.Sprintf("`/sleep?ms=%d` with %d clients for %d workers, for %v, one run per server: does it queue, block, or answer 503?", p.SleepMS, p.SleepClients, p.Workers, p.Sleep),
		Header:  []string{"server", "200s", "req/s", "p50 ms", "p99 ms", "max ms", "503", "refused", "reset", "timeout", "other"},
		Rows:    rows,
	})

	// SIGTERM under load.
	rows = nil
	for _, sv := range h.Servers {
		t := sv.Term
		rows = append(rows, []string{"`" + sv.Name + "`", fmt.Sprint(t.ExitCode), fmt.Sprint(t.Accepted), fmt.Sprint(t.Answered), fmt.Sprint(t.Lost),
			fmt.Sprint(t.Rejected), fmt.Sprint(t.Reset), fmt.Sprint(t.Refused)})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: fmt.Sprintf("SIGTERM after %v of `/sleep?ms=%d` load with %d clients: of what the server accepted, how much got an answer (one run per server)", p.TermAfter, p.TermMS, p.TermClients),
		Header:  []string{"server", "exit", "accepted", "answered", "lost", "503", "client resets", "refused after close"},
		Rows:    rows,
		Notes:   []string{"Client resets are connections still waiting in the kernel's listen backlog when the listener closed: the server never accepted them. A server whose accept loop blocks in Submit leaves more of them there."},
	})
	return s, nil
}

// middle is the median of vs, as every median of poolbench is computed.
func middle(vs []float64) float64 { return stats.Summarize(vs, "").Median }

// spread formats several runs' values as "median [lowest–highest]", or the one value.
func spread(vs []float64, f func(float64) string) string {
	switch len(vs) {
	case 0:
		return "–"
	case 1:
		return f(vs[0])
	}
	return fmt.Sprintf("%s [%s–%s]", f(middle(vs)), f(slices.Min(vs)), f(slices.Max(vs)))
}

// runs says how a figure was obtained from n runs: "one run", or format with n.
func runs(n int, format string) string {
	if n == 1 {
		return "one run"
	}
	return fmt.Sprintf(format, n)
}

// usAsMS formats microseconds as milliseconds.
func usAsMS(us float64) string { return num(us / 1000) }
