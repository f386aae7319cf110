package report

import (
	"fmt"

	"poolbench/compare/results"
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
			l := sv.Open[i]
			row := []string{"`" + sv.Name + "`", num(l.Target), num(l.Achieved)}
			if l.Valid && l.Latency != nil {
				lt := l.Latency
				row = append(row, ms(lt.P50), ms(lt.P90), ms(lt.P99), ms(lt.P999), ms(lt.Max), fmt.Sprint(l.Errors), "")
				ls = append(ls, latencyLine{Name: sv.Name, Latency: *lt})
			} else {
				row = append(row, "–", "–", "–", "–", "–", fmt.Sprint(l.Errors), "invalid: "+l.Invalid)
			}
			rows = append(rows, row)
		}
		frac := 0.0
		if i < len(p.Fractions) {
			frac = p.Fractions[i]
		}
		s.Blocks = append(s.Blocks, table{
			Caption: fmt.Sprintf("Latency at %s req/s (%s of %s's peak), open loop, ms, one run per server", num(rate), pct(frac), h.Reference),
			Header:  []string{"server", "target req/s", "achieved req/s", "p50", "p90", "p99", "p99.9", "max", "errors", "validity"},
			Rows:    rows,
			Notes:   []string{fmt.Sprintf("Latency counts from each request's due time, so a stall in the server shows instead of hiding. A run that sent less than %s of its target rate is invalid and shows no latency.", pct(p.MinAchieved))},
		})
		if len(ls) > 0 {
			c, err := percentileChart(fmt.Sprintf("http-latency-%d.svg", i+1),
				fmt.Sprintf("Latency at %s of nethttp's peak (%s req/s)", pct(frac), num(rate)), ls)
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
