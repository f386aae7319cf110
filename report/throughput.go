package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"poolbench/compare/results"
)

func throughputSection(res *results.Results) (section, error) {
	s := section{ID: "throughput", Title: "Throughput"}
	t := res.Throughput
	if t == nil {
		s.Blocks = notRun("throughput")
		return s, nil
	}
	extra := fmt.Sprintf("no more where the 95%% interval is wider than %s of the median: such a cell is marked still wide", pct(t.MaxSpread))
	if t.MaxSamples > t.Samples {
		extra = fmt.Sprintf("up to %d where the 95%% interval was wider than %s of the median", t.MaxSamples, pct(t.MaxSpread))
	}
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("One sample submits batches of %d tasks from %s goroutines and waits for each batch, at GOMAXPROCS %s; "+
		"every cell is the median of at least %d samples (%s), taken round-robin across executors. "+
		"Each sample builds its executor afresh, runs one untimed batch so that its workers have started, times its batches and shuts it down, "+
		"so that no other executor is alive meanwhile: peak goroutines are the executor's own, the submitters left out "+
		"(the median over samples of each sample's peak, and the most any sample saw where that is more). "+
		"A cell whose whole batch would outlast a sample (a synchronous Submit with one submitter and sleeping tasks) times shorter batches, and says so. "+
		"Two floors stand beside the executors: `chan` hands each task over one buffered channel to the same number of goroutines (the cost of a hand-off), "+
		"and `static` has each goroutine run its share of the batch in place (the cost of the work alone; only where there are no more workers than tasks in a batch). "+
		"One task in %d is timed for the p99 time blocked in Submit and the p99 wait from Submit to start. "+
		"The `cpu` task was calibrated to %v: %d rounds, measured at %s ns.",
		t.BatchSize, ints(t.Submitters, ", ", " or "), ints(t.Procs, ", ", " and "), t.Samples, extra, t.SampleEvery,
		t.Calibration.Target, t.Calibration.Rounds, median(t.Calibration.Task, res.Rules))))
	var wl [][]string
	var timerNotes []string
	for _, w := range t.Workloads {
		var sizes []string
		if w.PerProc {
			sizes = append(sizes, "GOMAXPROCS")
		}
		for _, n := range w.Fixed {
			sizes = append(sizes, fmt.Sprint(n))
		}
		about := w.About
		if w.TimerBound {
			about += " **Timer-bound**: left out of the throughput pick."
			timerNotes = append(timerNotes, fmt.Sprintf("`%s` is timer-bound: %s.", w.Name, w.Why))
		}
		wl = append(wl, []string{"`" + w.Name + "`", strings.Join(sizes, ", "), about})
	}
	s.Blocks = append(s.Blocks, table{Caption: "Workloads", Header: []string{"work", "workers", "what a task does"}, Rows: wl, Notes: timerNotes})

	if len(t.Procs) > 1 {
		s.Blocks = append(s.Blocks, para(fmt.Sprintf("How each executor scales with GOMAXPROCS (%s): ns/task per workload and submitter count, "+
			"with the GOMAXPROCS-sized pool (io: its fixed pool). The tables below give every cell with its interval.", ints(t.Procs, ", ", " and "))))
		for _, w := range t.Workloads {
			for _, sub := range t.Submitters {
				c, ok, err := scalingChart(t, w, sub)
				if err != nil {
					return section{}, err
				}
				if ok {
					s.Blocks = append(s.Blocks, c)
				}
			}
		}
	}

	for _, procs := range t.Procs {
		for _, w := range t.Workloads {
			for _, workers := range w.Sizes(procs) {
				for _, sub := range t.Submitters {
					bs, err := rowBlocks(res, procs, w, workers, sub)
					if err != nil {
						return section{}, err
					}
					s.Blocks = append(s.Blocks, bs...)
				}
			}
		}
		if b, ok := lifecycleTable(t, procs); ok {
			s.Blocks = append(s.Blocks, b)
		}
	}

	var rows [][]string
	for _, p := range t.Pending {
		if !p.Applicable {
			rows = append(rows, []string{"`" + p.Pool + "`", "n/a", fmt.Sprint(p.Accepted), "–", "–", "–", "–", "–", p.Reason})
			continue
		}
		rows = append(rows, []string{"`" + p.Pool + "`", fmt.Sprint(p.Tasks), fmt.Sprint(p.Accepted), mib(p.HeapBytes), mib(p.StackBytes),
			num(p.BytesPerTask), fmt.Sprint(p.Goroutines), p.SubmitDuration.Round(time.Millisecond).String(), ""})
	}
	if len(rows) > 0 {
		s.Blocks = append(s.Blocks, table{
			Caption: fmt.Sprintf("Memory with tasks submitted and not yet run (workers blocked, %d of them)", t.Pending[0].Workers),
			Header:  []string{"pool", "pending", "accepted", "heap MiB", "stacks MiB", "bytes/task", "goroutines", "time to submit", "why not"},
			Rows:    rows,
			Notes:   []string{"Heap objects and goroutine stacks after a GC, beyond what the process held before the executor was built (runtime/metrics). An executor with no queue, or a bounded one, cannot hold that many tasks: Submit blocks, and the row says so."},
		})
	}
	return s, nil
}

// rowBlocks is one row of the study (GOMAXPROCS, work, workers, sub): its table of every
// executor and floor and a bar chart of their ns/task; nothing when the run has no cell.
func rowBlocks(res *results.Results, procs int, w results.Workload, workers, sub int) ([]block, error) {
	t := res.Throughput
	var rows [][]string
	var bars []bar
	for _, c := range rowCells(t, procs, w.Name, workers, sub) {
		samples := fmt.Sprint(c.NsPerTask.N)
		if c.Wide {
			samples += ", still wide"
		}
		if c.Tasks > 0 && c.Tasks < t.BatchSize {
			samples += fmt.Sprintf(", batches of %d", c.Tasks)
		}
		peak := "–"
		if p := c.PeakGoroutines; p.N > 0 {
			peak = num(p.Median)
			if c.MaxGoroutines > int(p.Median) {
				peak += fmt.Sprintf(" (max %d)", c.MaxGoroutines)
			}
		}
		rows = append(rows, []string{"`" + c.Pool + "`", median(c.NsPerTask, res.Rules), ratio(c.VsCustom), ratio(c.VsChan), ratio(c.VsStatic),
			num(c.AllocsPerTask.Median), num(c.BytesPerTask.Median), optMedian(c.SubmitP99), optMedian(c.WaitP99), peak, samples})
		bars = append(bars, bar{Label: c.Pool, Value: c.NsPerTask.Median, Lo: c.NsPerTask.Lo, Hi: c.NsPerTask.Hi, Floor: slices.Contains(t.Floors, c.Pool)})
	}
	if len(rows) == 0 {
		return nil, nil
	}
	title := fmt.Sprintf("GOMAXPROCS=%d, work=%s, workers=%d, sub=%d", procs, w.Name, workers, sub)
	caption := title + ": ns/task (lower is faster)"
	if w.TimerBound {
		caption += "; timer-bound, left out of the pick"
	}
	c, err := barChart(fmt.Sprintf("throughput-p%d-%s-w%d-sub%d.svg", procs, w.Name, workers, sub), title+": ns/task, median and 95% interval", "ns/task", bars)
	if err != nil {
		return nil, err
	}
	return []block{table{
		Caption: caption,
		Header:  []string{"pool", "ns/task, median [95% CI]", "vs custom", "vs chan", "vs static", "allocs/task", "B/task", "p99 in Submit, ns", "p99 wait, ns", "peak goroutines, median (max)", "samples"},
		Rows:    rows,
	}, c}, nil
}

// rowCells returns the cells of one row, in the run's order.
func rowCells(t *results.Throughput, procs int, work string, workers, sub int) []results.ThroughputCell {
	var out []results.ThroughputCell
	for _, c := range t.Cells {
		if c.Procs == procs && c.Work == work && c.Workers == workers && c.Sub == sub {
			out = append(out, c)
		}
	}
	return out
}

// lifecycleTable is the cost of New then Shutdown per executor at GOMAXPROCS procs, one
// column group per pool size.
func lifecycleTable(t *results.Throughput, procs int) (block, bool) {
	var sizes []int
	var order []string
	cells := map[string]map[int]results.LifecycleCell{}
	for _, c := range t.Lifecycle {
		if c.Procs != procs {
			continue
		}
		if !slices.Contains(sizes, c.Workers) {
			sizes = append(sizes, c.Workers)
		}
		if cells[c.Pool] == nil {
			order = append(order, c.Pool)
			cells[c.Pool] = map[int]results.LifecycleCell{}
		}
		cells[c.Pool][c.Workers] = c
	}
	if len(order) == 0 {
		return nil, false
	}
	header := []string{"pool"}
	for _, n := range sizes {
		header = append(header, fmt.Sprintf("workers=%d: µs, median [95%% CI]", n), "allocs", "KiB")
	}
	var rows [][]string
	for _, pool := range order {
		row := []string{"`" + pool + "`"}
		for _, n := range sizes {
			c, ok := cells[pool][n]
			if !ok {
				row = append(row, "–", "–", "–")
				continue
			}
			row = append(row, scaled(c.Ns, 1e-3), num(c.Allocs.Median), num(c.Bytes.Median/1024))
		}
		rows = append(rows, row)
	}
	return table{
		Caption: fmt.Sprintf("GOMAXPROCS=%d: building an executor and shutting it down at once, no task submitted", procs),
		Header:  header,
		Rows:    rows,
		Notes: []string{"What a program pays for a pool it makes per request or per job: `New` with the study's configuration (Queue = batch size), then `Shutdown` " +
			"with nothing to drain. Per New and Shutdown pair: wall time, heap allocations and KiB allocated. A pool that starts its workers in `New` pays for each of them here."},
	}, true
}

// scaled formats a summary multiplied by f as "median [lo, hi]", or the median alone
// without an interval.
func scaled(s results.Summary, f float64) string {
	if s.N == 0 {
		return "–"
	}
	if s.Lo == s.Hi {
		return num(s.Median * f)
	}
	return fmt.Sprintf("%s [%s, %s]", num(s.Median*f), num(s.Lo*f), num(s.Hi*f))
}

// ints joins ns with sep, the last pair with last.
func ints(ns []int, sep, last string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = fmt.Sprint(n)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], sep) + last + q[len(q)-1]
}

func optMedian(s *results.Summary) string {
	if s == nil {
		return "–"
	}
	return num(s.Median)
}

func mib(b int64) string { return num(float64(b) / (1 << 20)) }

// A rowScore is how one executor fared on the rows of the throughput pick.
type rowScore struct {
	pool          string
	outright, tie int
}

// throughputScores applies the throughput rule to every row of t but those of timer-bound
// workloads: on each, the executor with the lowest median ns/task wins outright when no
// other executor's interval reaches its own; otherwise it and every executor whose interval
// reaches it tie. Floors do not compete. It returns each executor's count, in report
// order, and the rows counted.
func throughputScores(t *results.Throughput) (scores []rowScore, rows int) {
	type key struct {
		procs, workers, sub int
		work                string
	}
	timer := map[string]bool{}
	for _, w := range t.Workloads {
		timer[w.Name] = w.TimerBound
	}
	byRow := map[key][]results.ThroughputCell{}
	var keys []key
	for _, c := range t.Cells {
		if timer[c.Work] || slices.Contains(t.Floors, c.Pool) || c.NsPerTask.N == 0 {
			continue
		}
		k := key{c.Procs, c.Workers, c.Sub, c.Work}
		if byRow[k] == nil {
			keys = append(keys, k)
		}
		byRow[k] = append(byRow[k], c)
	}
	idx := map[string]int{}
	for _, name := range executorOrder(t) {
		idx[name] = len(scores)
		scores = append(scores, rowScore{pool: name})
	}
	for _, k := range keys {
		cells := byRow[k]
		best := slices.MinFunc(cells, func(a, b results.ThroughputCell) int {
			return cmp.Compare(a.NsPerTask.Median, b.NsPerTask.Median)
		})
		var tied []string
		for _, c := range cells {
			if c.NsPerTask.Lo <= best.NsPerTask.Hi {
				tied = append(tied, c.Pool)
			}
		}
		if len(tied) == 1 {
			scores[idx[best.Pool]].outright++
		} else {
			for _, p := range tied {
				scores[idx[p]].tie++
			}
		}
	}
	return scores, len(keys)
}

// throughputPick names the executor that wins or ties the most rows, the most outright
// wins deciding between equals, and says how every executor that took a row fared.
func throughputPick(t *results.Throughput) (picks []string, rule string) {
	scores, rows := throughputScores(t)
	rule = "Throughput: on each GOMAXPROCS x work x workers x submitters row, timer-bound workloads left out, the executor with the lowest median ns/task " +
		"wins the row outright when no other executor's 95% interval reaches its own; otherwise it and every executor whose interval reaches it tie for the row. " +
		"The pick is the executor that wins or ties the most rows; between executors with as many, the one with more outright wins."
	if rows == 0 {
		return []string{"**Throughput**: no row to rank."}, rule
	}
	ranked := slices.Clone(scores)
	slices.SortStableFunc(ranked, func(a, b rowScore) int {
		return cmp.Or(cmp.Compare(b.outright+b.tie, a.outright+a.tie), cmp.Compare(b.outright, a.outright))
	})
	top := ranked[0]
	var best []string
	for _, s := range ranked {
		if s.outright+s.tie == top.outright+top.tie && s.outright == top.outright {
			best = append(best, s.pool)
		}
	}
	var left []string
	for _, w := range t.Workloads {
		if w.TimerBound {
			left = append(left, "`"+w.Name+"`")
		}
	}
	pick := fmt.Sprintf("**Throughput**: pick %s: fastest on %d of %d rows, %d outright and %d tied with others",
		names(best), top.outright+top.tie, rows, top.outright, top.tie)
	if len(left) > 0 {
		pick += fmt.Sprintf(" (%s rows left out: timer-bound)", strings.Join(left, ", "))
	}
	picks = append(picks, pick+".")
	var fared []string
	for _, s := range ranked {
		if s.outright+s.tie > 0 {
			fared = append(fared, fmt.Sprintf("`%s` %d + %d", s.pool, s.outright, s.tie))
		}
	}
	picks = append(picks, fmt.Sprintf("Throughput rows won outright + tied, of %d: %s; every other executor none.", rows, strings.Join(fared, ", ")))
	return picks, rule
}

// executorOrder lists the executors of t's cells in report order, floors left out.
func executorOrder(t *results.Throughput) []string {
	var out []string
	for _, c := range t.Cells {
		if !slices.Contains(out, c.Pool) && !slices.Contains(t.Floors, c.Pool) {
			out = append(out, c.Pool)
		}
	}
	return out
}
