package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"poolbench/compare/results"
)

func overloadSection(res *results.Results) (section, error) {
	s := section{ID: "overload", Title: "Overload: past each server's capacity"}
	o := res.Overload
	if o == nil {
		s.Blocks = notRun("overload")
		return s, nil
	}
	p := o.Plan
	keep := "no mode's clients keep connections alive"
	if len(p.KeepAlive) > 0 {
		keep = "in " + strings.Join(p.KeepAlive, " and ") + " mode the clients keep connections alive, as clients of a `net/http.Server` do; otherwise each request has a connection of its own"
	}
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("Here the server, not the generator, is the limit: every request is `/work?n=%d`, "+
		"rounds of SHA-256 calibrated at the start of the run to cost about %v of CPU (they measured %s). "+
		"Each server runs as its own process with `--workers=%d --queue=%d` and GOMAXPROCS %d, the generator with GOMAXPROCS %d; %s. "+
		"A server's capacity is its closed-loop throughput with %d clients over %v (%s per server), measured on the blocking server of each executor and mode; "+
		"the rejecting server (`--reject`) is offered the same loads, so that the two face the same requests. "+
		"Then each configuration is driven open loop at %s its capacity for %v each, round-robin across the servers, waiting after each run until the server is idle. "+
		"Latency counts from each request's scheduled send time; a request with no answer within %v is a timeout. "+
		"Goodput is 200 answers per second, from the first send to the last answer or give-up, so that work a server does after the load has gone counts against it.",
		p.WorkRounds, p.WorkTarget, dur(p.WorkCost), p.Workers, p.Queue, p.ServerProcs, p.GeneratorProcs, keep,
		p.CapacityClients, p.Capacity, runs(p.CapacitySamples, "median of %d runs"), levelList(p.Levels), p.Run, p.Timeout)))
	if len(p.Servers) > 0 {
		s.Blocks = append(s.Blocks, para(fmt.Sprintf("This run covered a smaller grid: %s only.", names(p.Servers))))
	}

	// The summary table: goodput and p99 at each level, and the recovery.
	header := []string{"server", "mode", "when full", "capacity req/s", "CPU per request"}
	for _, l := range p.Levels {
		header = append(header, "goodput "+level(l), "p99 ms "+level(l))
	}
	header = append(header, "recovery")
	var rows [][]string
	for _, c := range o.Configs {
		row := []string{"`" + c.Server + "`", c.Mode, whenFull(c), num(c.Capacity), dur(c.CPUPerRequest)}
		for j := range p.Levels {
			if j >= len(c.Runs) {
				row = append(row, "–", "–")
				continue
			}
			r := c.Runs[j]
			row = append(row, measured(num(r.Goodput), r), measured(p99(r), r))
		}
		row = append(row, recovery(c, p))
		if c.Error != "" {
			row[len(row)-1] += " (failed: " + firstLine(c.Error) + ")"
		}
		rows = append(rows, row)
	}
	s.Blocks = append(s.Blocks, table{
		Caption: fmt.Sprintf("Goodput (200s/s) and p99 of the successful requests at each offered load, one run per cell; recovery after the %s burst", level(p.Levels[len(p.Levels)-1])),
		Header:  header,
		Rows:    rows,
		Notes: []string{
			fmt.Sprintf("when full: `503` for a server built with `--reject` (it sheds load at once); `waits` for one whose Submit blocks or queues. `%s` has no executor: it starts a goroutine per connection, and is not ranked.", o.Reference),
			fmt.Sprintf("recovery: after the burst the load drops to %s for %v; the recovery is the end of the first %v window (by scheduled send time) whose requests all succeeded with a p99 under %s times the %s run's p99. `> %v` means no window did; – that the %s run was invalid and gives no baseline.",
				level(p.RecoveryLevel), p.Recovery, p.Window, num(p.RecoveryFactor), level(p.Levels[0]), p.Recovery, level(p.Levels[0])),
			fmt.Sprintf("invalid: the generator sent less than %s of the level's rate, so the server had a lighter load than the level says, and the run's figures are not reported.", pct(p.MinAchieved)),
			"Every cell is one run on a shared 2-core machine: differences of a few percent are noise.",
		},
	})

	for _, mode := range p.Modes {
		cs, err := overloadCharts(o, mode)
		if err != nil {
			return section{}, err
		}
		s.Blocks = append(s.Blocks, cs...)
	}

	// The details of each level.
	for j, l := range p.Levels {
		rows = nil
		for _, c := range o.Configs {
			if j >= len(c.Runs) {
				continue
			}
			rows = append(rows, runRow(c, c.Runs[j]))
		}
		caption := fmt.Sprintf("At %s capacity, open loop for %v, one run per server", level(l), p.Run)
		if j == len(p.Levels)-1 {
			caption += " (the burst: its requests alone; server CPU includes the recovery that follows)"
		}
		s.Blocks = append(s.Blocks, table{Caption: caption, Header: runHeader(), Rows: rows, Notes: []string{
			"server CPU: the server's use of its GOMAXPROCS. other CPU: cores that neither the server nor the generator used, other processes and the kernel's network work: where it is high, the run shared the machine.",
		}})
	}

	// Slow clients.
	rows = nil
	for _, c := range o.Configs {
		if c.Slow == nil {
			continue
		}
		var base results.OverloadRun
		for _, r := range c.Runs {
			if r.Level == p.SlowLevel {
				base = r
			}
		}
		w := c.Slow.Run
		rows = append(rows, []string{"`" + c.Server + "`", c.Mode, measured(num(base.Goodput), base), measured(p99(base), base),
			measured(num(w.Goodput), w), measured(p99(w), w), fmt.Sprint(w.Timeout), fmt.Sprint(w.Reset), fmt.Sprint(w.Rejected),
			fmt.Sprint(c.Slow.SlowAnswered), fmt.Sprint(c.Slow.SlowUnfinished)})
	}
	if len(rows) > 0 {
		s.Blocks = append(s.Blocks, table{
			Caption: fmt.Sprintf("Slow clients: open-loop load at %s capacity for %v, without and with %d clients that write their request one byte every %v (one run each, blocking servers)",
				level(p.SlowLevel), p.Run, p.SlowClients, p.SlowInterval),
			Header: []string{"server", "mode", "goodput alone", "p99 ms alone", "goodput with slow", "p99 ms with slow", "timeouts", "resets", "503", "slow answered", "slow unfinished"},
			Rows:   rows,
			Notes: []string{
				"The slow clients connect first and the load starts one interval later; they hang up when the load is over. In the book's model a slow client holds a worker while it reads; in handler mode it holds a goroutine of net/http and no worker.",
			},
		})
	}

	// The ranking the summary's pick comes from.
	ranked, out := overloadRanking(o)
	rows = nil
	for k, r := range ranked {
		rows = append(rows, []string{fmt.Sprint(k + 1), "`" + r.c.Server + "`", r.c.Mode, whenFull(r.c), num(r.goodput), fmt.Sprintf("%.1fx", r.ratio), ""})
	}
	for _, r := range out {
		ratio := "–"
		if r.ratio > 0 {
			ratio = fmt.Sprintf("%.1fx", r.ratio)
		}
		rows = append(rows, []string{"–", "`" + r.c.Server + "`", r.c.Mode, whenFull(r.c), num(r.goodput), ratio, r.why})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: fmt.Sprintf("Ranking under overload: goodput at %s among configurations whose p99 there is at most %s times their p99 at %s", level(p.PickLevel), num(p.PickP99Factor), level(p.Levels[0])),
		Header:  []string{"rank", "server", "mode", "when full", "goodput " + level(p.PickLevel), "p99 vs " + level(p.Levels[0]), "left out because"},
		Rows:    rows,
	})
	s.Blocks = append(s.Blocks, para("To see one cell by hand: a server, then the generator at a level's rate (the offered req/s of the tables above), with the burst and the slow clients as the study runs them:"),
		code{Lang: "sh", Text: strings.Join([]string{
			fmt.Sprintf("go run . serve --pool=custom --mode=book --reject --workers=%d --queue=%d --addr=127.0.0.1:7878 &", p.Workers, p.Queue),
			fmt.Sprintf("go run . loadgen -target 127.0.0.1:7878 -path '/work?n=%d' -timeout %v -rate RATE -duration %v", p.WorkRounds, p.Timeout, p.Run),
			fmt.Sprintf("go run . loadgen -target 127.0.0.1:7878 -path '/work?n=%d' -timeout %v -rate BURST -duration %v -then AFTER:%v -window %v  # BURST: %s capacity, AFTER: %s",
				p.WorkRounds, p.Timeout, p.Run, p.Recovery, p.Window, level(p.Levels[len(p.Levels)-1]), level(p.RecoveryLevel)),
			fmt.Sprintf("go run . loadgen -target 127.0.0.1:7878 -path '/work?n=%d' -timeout %v -rate RATE -duration %v -slow %d -slow-interval %v",
				p.WorkRounds, p.Timeout, p.Run, p.SlowClients, p.SlowInterval),
			"# add -keep-alive against --mode=handler, as the study does",
		}, "\n")})
	return s, nil
}

// level formats a multiple of capacity, such as 0.5x.
func level(l float64) string { return fmt.Sprintf("%gx", l) }

// levelList formats levels as "0.5x, 1x, 2x and 4x".
func levelList(ls []float64) string {
	q := make([]string, len(ls))
	for i, l := range ls {
		q[i] = level(l)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// dur formats a duration with about three significant digits.
func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return num(d.Seconds()) + " s"
	case d >= time.Millisecond:
		return num(float64(d)/float64(time.Millisecond)) + " ms"
	default:
		return num(float64(d)/float64(time.Microsecond)) + " µs"
	}
}

func whenFull(c results.OverloadConfig) string {
	if c.Reject {
		return "503"
	}
	return "waits"
}

// measured is v, a figure of run r, or "invalid" when r's generator fell behind: such a
// run put a lighter load than its level on the server, and its figures are not reported.
func measured(v string, r results.OverloadRun) string {
	if !r.Valid {
		return "invalid"
	}
	return v
}

// p99 formats a run's p99 in ms, or – when nothing succeeded.
func p99(r results.OverloadRun) string {
	if r.Latency == nil {
		return "–"
	}
	return ms(r.Latency.P99)
}

func recovery(c results.OverloadConfig, p results.OverloadPlan) string {
	switch {
	case len(c.Runs) < len(p.Levels), !c.Runs[0].Valid: // no burst, or no baseline
		return "–"
	case c.Recovered:
		return dur(c.Recovery)
	default:
		return "> " + dur(p.Recovery)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func runHeader() []string {
	return []string{"server", "mode", "when full", "offered req/s", "achieved req/s", "goodput", "503 share", "timeouts", "resets", "other",
		"p50 ms", "p99 ms", "p99.9 ms", "server CPU", "other CPU"}
}

func runRow(c results.OverloadConfig, r results.OverloadRun) []string {
	row := []string{"`" + c.Server + "`", c.Mode, whenFull(c), num(r.Offered), num(r.Achieved)}
	if !r.Valid {
		return append(row, "invalid", "–", "–", "–", "–", "–", "–", "–", num(r.ServerCPU), num(r.OtherCPU))
	}
	share := "–"
	if r.Sent > 0 {
		share = pct(float64(r.Rejected) / float64(r.Sent))
	}
	p50, p999 := "–", "–"
	if r.Latency != nil {
		p50, p999 = ms(r.Latency.P50), ms(r.Latency.P999)
	}
	return append(row, num(r.Goodput), share, fmt.Sprint(r.Timeout), fmt.Sprint(r.Reset), fmt.Sprint(r.Other),
		p50, p99(r), p999, num(r.ServerCPU), num(r.OtherCPU))
}

// overloadCharts draws goodput and p99 against offered load for the configurations of mode.
func overloadCharts(o *results.Overload, mode string) ([]block, error) {
	var good, tail []series
	ticks := make([]plot.Tick, len(o.Plan.Levels))
	for j, l := range o.Plan.Levels {
		ticks[j] = plot.Tick{Value: float64(j), Label: level(l)}
	}
	for _, c := range o.Configs {
		if c.Mode != mode || len(c.Runs) == 0 {
			continue
		}
		name := c.Server
		if c.Reject {
			name += " (503)"
		}
		var g, t plotter.XYs
		for j, r := range c.Runs {
			if !r.Valid {
				continue
			}
			g = append(g, plotter.XY{X: float64(j), Y: r.Goodput})
			if r.Latency != nil {
				t = append(t, plotter.XY{X: float64(j), Y: float64(r.Latency.P99) / 1000})
			}
		}
		if len(g) > 0 {
			good = append(good, series{Name: name, XY: g})
		}
		if len(t) > 0 {
			tail = append(tail, series{Name: name, XY: t})
		}
	}
	var bs []block
	if len(good) > 0 {
		c, err := lineChart(fmt.Sprintf("overload-goodput-%s.svg", mode), fmt.Sprintf("Goodput vs offered load, %s mode (one run per point)", mode),
			"offered load (x capacity)", "200s per second", good, ticks, false)
		if err != nil {
			return nil, err
		}
		bs = append(bs, c)
	}
	if len(tail) > 0 {
		c, err := lineChart(fmt.Sprintf("overload-p99-%s.svg", mode), fmt.Sprintf("p99 of successful requests vs offered load, %s mode", mode),
			"offered load (x capacity)", "p99 ms (log)", tail, ticks, true)
		if err != nil {
			return nil, err
		}
		bs = append(bs, c)
	}
	return bs, nil
}

// A ranked configuration is one the overload rule looked at: its goodput at the pick
// level, its p99 there over its p99 at the first level, and why it was left out, if it was.
type ranked struct {
	c       results.OverloadConfig
	goodput float64
	ratio   float64
	why     string
}

// overloadRanking applies the overload rule to the executors' configurations (the
// reference does not compete): those whose runs at the first level and at the pick level
// are valid and whose p99 grew at most PickP99Factor times, by goodput at the pick level,
// highest first; and the others, with why.
func overloadRanking(o *results.Overload) (in, out []ranked) {
	p := o.Plan
	pick := slices.Index(p.Levels, p.PickLevel)
	for _, c := range o.Configs {
		if c.Server == o.Reference {
			continue
		}
		r := ranked{c: c}
		switch {
		case pick < 0 || pick >= len(c.Runs):
			r.why = "no run at " + level(p.PickLevel)
		default:
			base, at := c.Runs[0], c.Runs[pick]
			r.goodput = at.Goodput
			if base.Latency != nil && at.Latency != nil && base.Latency.P99 > 0 {
				r.ratio = float64(at.Latency.P99) / float64(base.Latency.P99)
			}
			switch {
			case !base.Valid || !at.Valid:
				r.why = "a run's generator fell behind"
			case base.Latency == nil || at.Latency == nil:
				r.why = "no request succeeded"
			case r.ratio > p.PickP99Factor:
				r.why = fmt.Sprintf("p99 grew %.1fx", r.ratio)
			}
		}
		if r.why == "" {
			in = append(in, r)
		} else {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(in, func(a, b ranked) int { return cmp.Compare(b.goodput, a.goodput) })
	return in, out
}

// overloadPick states the overload rule's pick.
func overloadPick(o *results.Overload) (pick, rule string) {
	p := o.Plan
	ranked, _ := overloadRanking(o)
	rule = fmt.Sprintf("Overload: among the executors' configurations whose p99 at %s capacity is at most %s times their p99 at %s, the highest goodput at %s; "+
		"one run each, so goodputs within %s of the best are not told apart from it.",
		level(p.PickLevel), num(p.PickP99Factor), level(p.Levels[0]), level(p.PickLevel), pct(p.PickTolerance))
	if len(ranked) == 0 {
		return fmt.Sprintf("**Under overload**: no pick: no configuration kept its p99 at %s within %sx of its p99 at %s.", level(p.PickLevel), num(p.PickP99Factor), level(p.Levels[0])), rule
	}
	top := ranked[0]
	pick = fmt.Sprintf("**Under overload**: pick %s (%s req/s of 200s at %s capacity, p99 %s ms, %.1fx its p99 at %s)",
		configName(top.c), num(top.goodput), level(p.PickLevel), p99(top.c.Runs[slices.Index(p.Levels, p.PickLevel)]), top.ratio, level(p.Levels[0]))
	var near []string
	for _, r := range ranked[1:] {
		if r.goodput >= (1-p.PickTolerance)*top.goodput {
			near = append(near, configName(r.c))
		}
	}
	if len(near) > 0 {
		pick += fmt.Sprintf("; not told apart from %s, within %s", strings.Join(near, ", "), pct(p.PickTolerance))
	}
	return pick + ".", rule
}

// configName names a configuration in prose: `custom` in handler mode with --reject.
func configName(c results.OverloadConfig) string {
	s := fmt.Sprintf("`%s` in %s mode", c.Server, c.Mode)
	if c.Reject {
		s += " with `--reject`"
	}
	return s
}
