package report

import (
	"fmt"
	"strings"
	"time"

	"poolbench/compare/results"
)

// envSection says where and how the run was made, in a few lines, so that the summary
// that follows it starts on the first screen; the executors' details have their own
// section after the summary.
func envSection(res *results.Results) (section, error) {
	e := res.Env
	s := section{ID: "environment", Title: "Environment"}
	if res.Partial {
		s.Blocks = append(s.Blocks, para("**Partial run**: not every study finished (the run was stopped, or a study failed); sections without data say so."))
	}
	s.Blocks = append(s.Blocks, table{
		Header: []string{"Go", "OS/arch", "CPU", "cores", "GOMAXPROCS", "date", "duration", "command"},
		Rows: [][]string{{e.GoVersion, e.OS + "/" + e.Arch, e.CPU, fmt.Sprint(e.Cores), fmt.Sprint(e.GOMAXPROCS),
			e.Date.UTC().Format(time.RFC3339), e.Duration.Round(time.Second).String(), "`" + e.Command + "`"}},
	})
	var versions []string
	for _, in := range e.Executors {
		versions = append(versions, fmt.Sprintf("`%s` %s", in.Name, in.Version))
	}
	if len(versions) > 0 {
		s.Blocks = append(s.Blocks, para("Executors at the versions in the build info: "+strings.Join(versions, ", ")+". The Executors section below says which library calls each one's adapter makes."))
	}
	return s, nil
}

// executorsSection says, for each executor, which library calls its adapter uses and what
// its queue is.
func executorsSection(res *results.Results) (section, error) {
	var rows [][]string
	for _, in := range res.Env.Executors {
		rows = append(rows, []string{"`" + in.Name + "`", in.Module, in.Version, "`" + in.Submit + "`", "`" + in.Shutdown + "`", in.Queue})
	}
	return section{ID: "executors", Title: "Executors", Blocks: []block{table{
		Caption: "Executors (versions from the build info)",
		Header:  []string{"name", "module", "version", "Submit", "Shutdown(ctx)", "queue"},
		Rows:    rows,
	}}}, nil
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
			"go run . report --out merged a/results.json b/results.json  # runs from several machines in one report",
			"go test -run '^$' -bench . -count 6 > new.txt && go tool benchstat -col /pool -row /work,/workers,/sub new.txt",
			"go run . probe --pool=custom --probe=all  # one executor's robustness probes",
			"go run . serve --pool=ants                 # the book's web server on any pool",
		}, "\n")},
	}}, nil
}
