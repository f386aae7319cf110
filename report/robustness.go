package report

import (
	"fmt"
	"slices"
	"strings"

	"poolbench/compare"
)

// defectRule states for the reader the rule isDefect applies.
const defectRule = "A verdict counts as a defect when work was lost, the process crashed or a call panicked, " +
	"something hung or deadlocked, a goroutine leaked, a deadline was not kept (`late`, `nil-early`), " +
	"or a task submitted after Shutdown ran (`after-shutdown` = `ran`). `saturation` describes behaviour and is never a defect."

// isDefect applies defectRule to one verdict.
func isDefect(probe, verdict string) bool {
	switch word, _, _ := strings.Cut(verdict, ":"); word {
	case "lost", "crash", "panic", "hang", "deadlock", "leak", "late", "nil-early":
		return true
	case "ran":
		return probe == "after-shutdown" // the executor took work after it was shut down
	}
	return false
}

// defectsOf returns the probes on which pool got a defect, in probe order.
func defectsOf(sh *compare.Shutdown, pool string) []string {
	var ps []string
	for _, v := range sh.Verdicts {
		if v.Pool == pool && isDefect(v.Probe, v.Verdict) {
			ps = append(ps, v.Probe)
		}
	}
	return ps
}

// verdictPools lists the executors that have verdicts, in the study's order.
func verdictPools(sh *compare.Shutdown) []string {
	var pools []string
	for _, v := range sh.Verdicts {
		if !slices.Contains(pools, v.Pool) {
			pools = append(pools, v.Pool)
		}
	}
	return pools
}

func robustnessSection(res *compare.Results) (section, error) {
	s := section{ID: "robustness", Title: "Shutdown robustness"}
	sh := res.Shutdown
	if sh == nil {
		s.Blocks = notRun("shutdown")
		return s, nil
	}
	s.Blocks = append(s.Blocks, para("Each probe runs one executor through the `Executor` interface in a child process "+
		"with a hard timeout, so a crash or a hang is a verdict rather than the end of the study. "+
		"Probes whose outcome can vary run many rounds and report how often each outcome happened. "+defectRule))

	pools := verdictPools(sh)
	verdict := func(pool, probe string) (compare.Verdict, bool) {
		for _, v := range sh.Verdicts {
			if v.Pool == pool && v.Probe == probe {
				return v, true
			}
		}
		return compare.Verdict{}, false
	}
	header := append([]string{"executor"}, sh.Probes...)
	header = append(header, "defects")
	var rows [][]string
	for _, p := range pools {
		row := []string{"`" + p + "`"}
		for _, probe := range sh.Probes {
			v, ok := verdict(p, probe)
			switch {
			case !ok:
				row = append(row, "–")
			case isDefect(probe, v.Verdict):
				row = append(row, "**"+v.Verdict+"**")
			default:
				row = append(row, v.Verdict)
			}
		}
		rows = append(rows, append(row, fmt.Sprint(len(defectsOf(sh, p)))))
	}
	s.Blocks = append(s.Blocks, table{Caption: "Verdicts (defects in bold)", Header: header, Rows: rows})

	var legend [][]string
	for _, in := range compare.ProbeInfos() {
		legend = append(legend, []string{"`" + in.ID + "`", in.What, strings.Join(in.Verdicts, ", ")})
	}
	s.Blocks = append(s.Blocks, table{Caption: "The probes", Header: []string{"probe", "what happens", "verdicts, worst first"}, Rows: legend})

	for _, probe := range sh.Probes {
		var ev [][]string
		for _, p := range pools {
			if v, ok := verdict(p, probe); ok {
				ev = append(ev, []string{"`" + p + "`", v.Verdict, oneLine(v.Evidence)})
			}
		}
		s.Blocks = append(s.Blocks, table{Caption: "Evidence: " + probe, Header: []string{"executor", "verdict", "evidence"}, Rows: ev})
	}
	return s, nil
}

// oneLine folds evidence onto one line for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
