package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"poolbench/compare/results"
)

// RenderRuns writes one report of several runs into dir, as Render does for one: what
// each run was, then a throughput table per workload with one column group per run, then
// each run's own report, its sections, anchors and charts prefixed with the run's number.
// Runs keep the order given; each is labelled "run 1", "run 2" and so on.
func RenderRuns(runs []*results.Results, dir string) error {
	if len(runs) == 0 {
		return fmt.Errorf("report: no runs to render")
	}
	d := document{Title: fmt.Sprintf("poolbench: Go worker pools compared over %d runs", len(runs))}
	d.Sections = append(d.Sections, runsSection(runs), acrossSection(runs))
	for i, res := range runs {
		rd, err := build(res)
		if err != nil {
			return fmt.Errorf("report: run %d: %w", i+1, err)
		}
		prefix := fmt.Sprintf("run%d-", i+1)
		for _, s := range rd.Sections {
			s.ID = prefix + s.ID
			s.Title = fmt.Sprintf("Run %d: %s", i+1, s.Title)
			s.Blocks = slices.Clone(s.Blocks)
			for j, b := range s.Blocks {
				if c, ok := b.(chart); ok {
					c.File = prefix + c.File
					s.Blocks[j] = c
				}
			}
			d.Sections = append(d.Sections, s)
		}
	}
	return write(d, dir)
}

// runTitle names run i (from 0) by what sets its figures apart.
func runTitle(i int, e results.Env) string {
	return fmt.Sprintf("run %d: %s", i+1, envLabel(e))
}

// envLabel is what sets a run's figures apart: the machine, the cores, GOMAXPROCS and the day.
func envLabel(e results.Env) string {
	return fmt.Sprintf("%s, %d cores, GOMAXPROCS %d, %s", e.CPU, e.Cores, e.GOMAXPROCS, e.Date.UTC().Format(time.DateOnly))
}

func runsSection(runs []*results.Results) section {
	var rows [][]string
	for i, res := range runs {
		e := res.Env
		rows = append(rows, []string{fmt.Sprintf("run\u00a0%d", i+1), e.CPU, fmt.Sprint(e.Cores), fmt.Sprint(e.GOMAXPROCS), e.GoVersion,
			e.OS + "/" + e.Arch, e.Date.UTC().Format(time.RFC3339), e.Duration.Round(time.Second).String(), "`" + e.Command + "`"})
	}
	return section{ID: "runs", Title: "Runs", Blocks: []block{
		para("This report merges several runs of `poolbench compare`, each made on its own machine or with its own GOMAXPROCS. " +
			"The table after this one sets their throughput side by side; each run's own report follows in full."),
		table{Header: []string{"run", "CPU", "cores", "GOMAXPROCS", "Go", "OS/arch", "date", "duration", "command"}, Rows: rows},
	}}
}

// acrossSection sets the runs' throughput side by side, one table per workload.
func acrossSection(runs []*results.Results) section {
	s := section{ID: "across-runs", Title: "Throughput across runs"}
	var works []string
	var subs []int
	var pools []string
	var titles, notes []string
	for i, res := range runs {
		titles = append(titles, runTitle(i, res.Env))
		t := res.Throughput
		if t == nil {
			notes = append(notes, fmt.Sprintf("Run %d did not include the throughput study.", i+1))
			continue
		}
		for _, w := range t.Workloads {
			if !slices.Contains(works, w.Name) {
				works = append(works, w.Name)
			}
		}
		for _, sub := range t.Submitters {
			if !slices.Contains(subs, sub) {
				subs = append(subs, sub)
			}
		}
		for _, c := range t.Cells {
			if !slices.Contains(pools, c.Pool) && !slices.Contains(t.Floors, c.Pool) {
				pools = append(pools, c.Pool)
			}
		}
	}
	// The floors after every executor, as in each run's own tables.
	for _, res := range runs {
		if t := res.Throughput; t != nil {
			for _, f := range t.Floors {
				if !slices.Contains(pools, f) {
					pools = append(pools, f)
				}
			}
		}
	}
	if len(works) == 0 {
		s.Blocks = []block{para("No run included the throughput study.")}
		return s
	}
	slices.Sort(subs)
	s.Blocks = append(s.Blocks, para("Each run's figures come from its own machine and settings, so absolute ns/task compare only roughly between runs; "+
		"the ratio to `custom` is taken within each run, between figures measured side by side, and travels better. "+
		"Cells are medians with their 95% intervals, as in each run's throughput section; – marks an executor or a submitter count that a run did not measure."))
	if len(notes) > 0 {
		s.Blocks = append(s.Blocks, para(strings.Join(notes, " ")))
	}

	groups := []colGroup{{Span: 2}}
	header := []string{"sub", "pool"}
	for i, title := range titles {
		groups = append(groups, colGroup{Title: title, Short: fmt.Sprintf("run %d", i+1), Span: 2})
		header = append(header, "ns/task", "vs custom")
	}
	for _, w := range works {
		var rows [][]string
		for _, sub := range subs {
			for _, pool := range pools {
				row := []string{fmt.Sprint(sub), "`" + pool + "`"}
				found := false
				for _, res := range runs {
					c, ok := cell(res.Throughput, w, sub, pool)
					if !ok {
						row = append(row, "–", "–")
						continue
					}
					found = true
					row = append(row, median(c.NsPerTask, res.Rules), ratio(c.VsCustom))
				}
				if found {
					rows = append(rows, row)
				}
			}
		}
		var workers []string
		for i, res := range runs {
			if wl, ok := workload(res.Throughput, w); ok {
				workers = append(workers, fmt.Sprintf("run %d: %d", i+1, wl.Sizes(res.Throughput.Procs[0])[0]))
			}
		}
		s.Blocks = append(s.Blocks, table{
			Caption: fmt.Sprintf("work=%s: ns/task, median [95%% CI], and the ratio to `custom` within each run (lower is faster)", w),
			Groups:  groups,
			Header:  header,
			Rows:    rows,
			Notes:   append([]string{"Workers per executor: " + strings.Join(workers, "; ") + "."}, titles...),
		})
	}
	return s
}

// headline reports whether c is one of t's headline cells, the ones a single figure per
// work, sub and pool stands for: at the run's first GOMAXPROCS, with the workload's
// smallest pool.
func headline(t *results.Throughput, c results.ThroughputCell) bool {
	if len(t.Procs) == 0 || c.Procs != t.Procs[0] {
		return false
	}
	w, ok := workload(t, c.Work)
	return ok && c.Workers == w.Sizes(c.Procs)[0]
}

// cell finds the headline throughput cell of work, sub and pool in t.
func cell(t *results.Throughput, work string, sub int, pool string) (results.ThroughputCell, bool) {
	if t == nil {
		return results.ThroughputCell{}, false
	}
	i := slices.IndexFunc(t.Cells, func(c results.ThroughputCell) bool {
		return c.Work == work && c.Sub == sub && c.Pool == pool && headline(t, c)
	})
	if i < 0 || t.Cells[i].NsPerTask.N == 0 {
		return results.ThroughputCell{}, false
	}
	return t.Cells[i], true
}

func workload(t *results.Throughput, name string) (results.Workload, bool) {
	if t == nil {
		return results.Workload{}, false
	}
	i := slices.IndexFunc(t.Workloads, func(w results.Workload) bool { return w.Name == name })
	if i < 0 {
		return results.Workload{}, false
	}
	return t.Workloads[i], true
}
