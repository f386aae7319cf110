package report

import (
	"cmp"
	"fmt"
	"slices"
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
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("One sample submits batches of %d tasks from 1 or %d goroutines and waits for each batch; "+
		"every cell is the median of at least %d samples (up to %d where the 95%% interval was wider than %s of the median), taken round-robin across executors. "+
		"Two floors stand beside the executors: `chan` hands each task over one buffered channel to the same number of goroutines (the cost of a hand-off), "+
		"and `static` has each goroutine run its share of the batch in place (the cost of the work alone). "+
		"One task in %d is timed for the p99 time blocked in Submit and the p99 wait from Submit to start. "+
		"The `cpu` task was calibrated to %v: %d rounds, measured at %s ns.",
		t.BatchSize, slices.Max(t.Submitters), t.Samples, t.MaxSamples, pct(t.MaxSpread), t.SampleEvery,
		t.Calibration.Target, t.Calibration.Rounds, median(t.Calibration.Task, res.Rules))))
	var wl [][]string
	for _, w := range t.Workloads {
		wl = append(wl, []string{"`" + w.Name + "`", fmt.Sprint(w.Workers), w.About})
	}
	s.Blocks = append(s.Blocks, table{Caption: "Workloads", Header: []string{"work", "workers", "what a task does"}, Rows: wl})

	for _, w := range t.Workloads {
		for _, sub := range t.Submitters {
			var rows [][]string
			var bars []bar
			for _, c := range t.Cells {
				if c.Work != w.Name || c.Sub != sub {
					continue
				}
				samples := fmt.Sprint(c.NsPerTask.N)
				if c.Wide {
					samples += ", still wide"
				}
				rows = append(rows, []string{"`" + c.Pool + "`", median(c.NsPerTask, res.Rules), ratio(c.VsCustom), ratio(c.VsChan), ratio(c.VsStatic),
					num(c.AllocsPerTask.Median), num(c.BytesPerTask.Median), optMedian(c.SubmitP99), optMedian(c.WaitP99),
					fmt.Sprint(c.PeakGoroutines), samples})
				bars = append(bars, bar{Label: c.Pool, Value: c.NsPerTask.Median, Lo: c.NsPerTask.Lo, Hi: c.NsPerTask.Hi, Floor: slices.Contains(t.Floors, c.Pool)})
			}
			if len(rows) == 0 {
				continue
			}
			title := fmt.Sprintf("work=%s, sub=%d", w.Name, sub)
			s.Blocks = append(s.Blocks, table{
				Caption: title + ": ns/task (lower is faster)",
				Header:  []string{"pool", "ns/task, median [95% CI]", "vs custom", "vs chan", "vs static", "allocs/task", "B/task", "p99 in Submit, ns", "p99 wait, ns", "peak goroutines", "samples"},
				Rows:    rows,
			})
			c, err := barChart(fmt.Sprintf("throughput-%s-sub%d.svg", w.Name, sub), title+": ns/task, median and 95% interval", "ns/task", bars)
			if err != nil {
				return section{}, err
			}
			s.Blocks = append(s.Blocks, c)
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
			Caption: "Memory with tasks submitted and not yet run (workers blocked)",
			Header:  []string{"pool", "pending", "accepted", "heap MiB", "stacks MiB", "bytes/task", "goroutines", "time to submit", "why not"},
			Rows:    rows,
			Notes:   []string{"Heap objects and goroutine stacks after a GC, beyond what the process held before the executor was built (runtime/metrics). An executor with no queue, or a bounded one, cannot hold that many tasks: Submit blocks, and the row says so."},
		})
	}
	return s, nil
}

func optMedian(s *results.Summary) string {
	if s == nil {
		return "–"
	}
	return num(s.Median)
}

func mib(b int64) string { return num(float64(b) / (1 << 20)) }

// throughputPick applies the throughput rule: on each work x sub row, the executor with the
// lowest median ns/task wins, and so does every executor whose interval reaches the
// winner's (a tie). Floors do not compete.
func throughputPick(t *results.Throughput) (picks []string, rule string) {
	wins := map[string]int{}
	rows := 0
	for _, w := range t.Workloads {
		for _, sub := range t.Submitters {
			var cells []results.ThroughputCell
			for _, c := range t.Cells {
				if c.Work == w.Name && c.Sub == sub && !slices.Contains(t.Floors, c.Pool) && c.NsPerTask.N > 0 {
					cells = append(cells, c)
				}
			}
			if len(cells) == 0 {
				continue
			}
			rows++
			best := slices.MinFunc(cells, func(a, b results.ThroughputCell) int {
				return cmp.Compare(a.NsPerTask.Median, b.NsPerTask.Median)
			})
			for _, c := range cells {
				if c.NsPerTask.Lo <= best.NsPerTask.Hi {
					wins[c.Pool]++
				}
			}
		}
	}
	most := 0
	for _, n := range wins {
		most = max(most, n)
	}
	var top []string
	for _, name := range executorOrder(t) {
		if wins[name] == most {
			top = append(top, name)
		}
	}
	picks = append(picks, fmt.Sprintf("**Throughput**: pick %s: fastest or tied on %d of %d work x submitter rows.", names(top), most, rows))
	rule = "Throughput: on each work x submitters row the executor with the lowest median ns/task is fastest, and every executor whose 95% interval reaches the fastest one's is tied with it; the pick is the executor fastest or tied on the most rows."
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
