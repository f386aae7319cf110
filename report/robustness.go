package report

import (
	"fmt"
	"slices"
	"strings"

	"poolbench/compare/results"
)

// defectsOf returns the probes on which pool got a defect, in probe order.
func defectsOf(sh *results.Shutdown, pool string) []string {
	var ps []string
	for _, v := range sh.Verdicts {
		if v.Pool == pool && v.Defect {
			ps = append(ps, v.Probe)
		}
	}
	return ps
}

// verdictPools lists the executors that have verdicts, in the study's order.
func verdictPools(sh *results.Shutdown) []string {
	var pools []string
	for _, v := range sh.Verdicts {
		if !slices.Contains(pools, v.Pool) {
			pools = append(pools, v.Pool)
		}
	}
	return pools
}

func robustnessSection(res *results.Results) (section, error) {
	s := section{ID: "robustness", Title: "Shutdown robustness"}
	sh := res.Shutdown
	if sh == nil {
		s.Blocks = notRun("shutdown")
		return s, nil
	}
	s.Blocks = append(s.Blocks, para("Each probe runs one executor through the `Executor` interface in a child process "+
		"with a hard timeout, so a crash or a hang is a verdict rather than the end of the study. "+
		"Probes whose outcome can vary run many rounds and report how often each outcome happened. "+sh.DefectRule))

	pools := verdictPools(sh)
	verdict := func(pool, probe string) (results.Verdict, bool) {
		for _, v := range sh.Verdicts {
			if v.Pool == pool && v.Probe == probe {
				return v, true
			}
		}
		return results.Verdict{}, false
	}
	header := []string{"executor"}
	for _, p := range sh.Probes {
		header = append(header, p.ID)
	}
	header = append(header, "defects")
	var rows [][]string
	var marks [][]mark
	for _, p := range pools {
		row, rm := []string{"`" + p + "`"}, []mark{{}}
		for _, probe := range sh.Probes {
			v, ok := verdict(p, probe.ID)
			if !ok {
				row, rm = append(row, "–"), append(rm, mark{})
				continue
			}
			text, m := verdictCell(probe, v)
			row, rm = append(row, text), append(rm, m)
		}
		rows, marks = append(rows, append(row, fmt.Sprint(len(defectsOf(sh, p))))), append(marks, append(rm, mark{}))
	}
	s.Blocks = append(s.Blocks, table{Caption: "Verdicts (defects in bold, marked " + defectSymbol + ")", Header: header, Rows: rows, Marks: marks, Legend: verdictLegend(sh)})

	var legend [][]string
	meaning := map[string]string{}
	var words []string
	for _, p := range sh.Probes {
		var ws []string
		for _, w := range p.Words {
			ws = append(ws, w.Word)
			if _, ok := meaning[w.Word]; !ok {
				meaning[w.Word] = w.Meaning
				words = append(words, w.Word)
			}
		}
		legend = append(legend, []string{"`" + p.ID + "`", p.What, strings.Join(ws, ", "), fmt.Sprint(p.Rounds)})
	}
	s.Blocks = append(s.Blocks, table{Caption: "The probes", Header: []string{"probe", "what happens", "verdicts, worst first", "rounds"}, Rows: legend})
	var glossary [][]string
	for _, w := range words {
		glossary = append(glossary, []string{"`" + w + "`", meaning[w]})
	}
	s.Blocks = append(s.Blocks, table{Caption: "The verdicts", Header: []string{"verdict", "meaning"}, Rows: glossary})

	for _, probe := range sh.Probes {
		var ev [][]string
		for _, p := range pools {
			if v, ok := verdict(p, probe.ID); ok {
				ev = append(ev, []string{"`" + p + "`", v.String(), oneLine(v.Evidence)})
			}
		}
		s.Blocks = append(s.Blocks, table{Caption: "Evidence: " + probe.ID, Header: []string{"executor", "verdict", "evidence"}, Rows: ev})
	}
	return s, nil
}

// oneLine folds evidence onto one line for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
