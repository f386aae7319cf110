package report

import (
	"fmt"
	"strings"
	"time"

	"poolbench/compare/results"
)

func envSection(res *results.Results) (section, error) {
	e := res.Env
	s := section{ID: "environment", Title: "Environment"}
	if res.Partial {
		s.Blocks = append(s.Blocks, para("**Partial run**: not every study finished (the run was stopped, or a study failed); sections without data say so."))
	}
	s.Blocks = append(s.Blocks, table{
		Header: []string{"run", ""},
		Rows: [][]string{
			{"Go", e.GoVersion},
			{"OS/arch", e.OS + "/" + e.Arch},
			{"CPU", e.CPU},
			{"cores / GOMAXPROCS", fmt.Sprintf("%d / %d", e.Cores, e.GOMAXPROCS)},
			{"date", e.Date.UTC().Format(time.RFC3339)},
			{"command", "`" + e.Command + "`"},
			{"duration", e.Duration.Round(time.Second).String()},
		},
	})
	var rows [][]string
	for _, in := range e.Executors {
		rows = append(rows, []string{"`" + in.Name + "`", in.Module, in.Version, "`" + in.Submit + "`", "`" + in.Shutdown + "`", in.Queue})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "Executors (versions from the build info)",
		Header:  []string{"name", "module", "version", "Submit", "Shutdown(ctx)", "queue"},
		Rows:    rows,
	})
	return s, nil
}

func methodSection(res *results.Results) (section, error) {
	items := list{
		"Every executor runs behind one `Executor` interface (`Submit`, `Shutdown(ctx)`). Adapters map it onto each library's own calls and add nothing the library lacks (no recover, no closed flag) beyond a deadline around a wait that has none, so each library shows here as its users see it.",
		"All executors get the same number of workers. Queue semantics differ (none, bounded, unbounded); the executors table says which each has.",
		fmt.Sprintf("Figures from samples are medians of at least %d samples with their %s interval (golang.org/x/perf/benchmath, the method benchstat uses); fewer samples give no interval, and the figure says so.", res.Rules.MinSamples, pct(res.Rules.Confidence)),
		"Samples are taken round-robin across executors so that a disturbance on a shared machine spreads over all of them instead of landing on one.",
		"Shutdown probes run in child processes with a hard timeout: a crash or a hang is a verdict, not the end of the study.",
		fmt.Sprintf("This machine: %d cores. Absolute figures depend on it; ratios measured side by side in one run travel better.", res.Env.Cores),
	}
	if n := deadlineNote(res.Env); n != "" {
		items = append(items, n)
	}
	if h := res.HTTP; h != nil {
		items = append(items, "The HTTP study runs each server and the load generator as separate processes on 127.0.0.1 with GOMAXPROCS split between them; a run whose generator fell below "+pct(h.Plan.MinAchieved)+" of its target rate is marked invalid instead of reported as a latency.")
	}
	return section{ID: "method", Title: "Method and caveats", Blocks: []block{items}}, nil
}

func reproduceSection(res *results.Results) (section, error) {
	cmd := strings.TrimPrefix(res.Env.Command, "poolbench ")
	return section{ID: "reproduce", Title: "Reproduce", Blocks: []block{
		para("Every figure above comes from `results.json`. To measure again and re-render:"),
		code{Lang: "sh", Text: strings.Join([]string{
			"go run . " + cmd + "                 # this run",
			"go run . report results/results.json  # re-render a saved run",
			"go test -run '^$' -bench . -count 6 > new.txt && go tool benchstat -col /pool -row /work,/sub new.txt",
			"go run . probe --pool=custom --probe=all  # one executor's robustness probes",
			"go run . serve --pool=ants                 # the book's web server on any pool",
		}, "\n")},
	}}, nil
}
