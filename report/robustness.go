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

// deadlineOwners splits the run's executors by who keeps Shutdown's deadline: the library's
// own call, or the adapter's wait around a library wait that has none.
func deadlineOwners(env results.Env) (library, adapter []string) {
	for _, in := range env.Executors {
		switch in.Deadline {
		case "library":
			library = append(library, in.Name)
		case "adapter":
			adapter = append(adapter, in.Name)
		}
	}
	return library, adapter
}

// deadlineNote says, for a reader, whose deadline the marked verdicts rest on; "" when the
// run records no executor whose deadline is the adapter's.
func deadlineNote(env results.Env) string {
	library, adapter := deadlineOwners(env)
	if len(adapter) == 0 {
		return ""
	}
	return fmt.Sprintf("Shutdown's deadline is kept by the library's own call for %s, and by the adapter for %s: "+
		"their libraries' waits take no deadline, so the adapter waits for them on another goroutine and gives up at the deadline "+
		"(`waitFor`, `waitDone` in pools/pools.go), while the library's wait goes on. "+
		"A verdict on a probe that turns on the deadline is marked %s for those: it shows the adapter's deadline, not the library's, and is not credited to the library.",
		names(library), names(adapter), adapterMark)
}

// adapterMark marks a verdict that rests on a deadline the adapter keeps.
const adapterMark = "†"

// verdictMarkdown is a verdict as a table cell: bold when a defect, marked when it rests on the
// adapter's deadline, and with its frequency and interval when its word did not come up in
// every round (a rare defect shows as rare, never as ok).
func verdictMarkdown(v results.Verdict) string {
	s := v.String()
	if v.Deadline == "adapter" {
		s += adapterMark
	}
	if v.Defect {
		s = "**" + defectSymbol + " " + s + "**"
	}
	for _, r := range v.Rates {
		if r.Word == v.Word && r.Count < r.Rounds {
			s += " " + r.String()
		}
	}
	return s
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
		"Probes whose outcome can vary run many rounds and report how often each outcome happened, with its 95% interval (Wilson score). "+sh.DefectRule))
	var notes []string
	if n := deadlineNote(res.Env); n != "" {
		s.Blocks = append(s.Blocks, para(n))
		notes = append(notes, adapterMark+" the deadline is the adapter's, not the library's.")
	}

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
	s.Blocks = append(s.Blocks, table{Caption: "Verdicts (defects in bold, marked " + defectSymbol + ")", Header: header, Rows: rows, Marks: marks, Legend: verdictLegend(sh), Notes: notes})

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
				ev = append(ev, []string{"`" + p + "`", verdictMarkdown(v), oneLine(v.Evidence)})
			}
		}
		s.Blocks = append(s.Blocks, table{Caption: "Evidence: " + probe.ID, Header: []string{"executor", "verdict", "evidence"}, Rows: ev, Notes: notesFor(sh, probe.ID, notes)})
	}
	return s, nil
}

// oneLine folds evidence onto one line for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// notesFor gives a probe's evidence table the notes of the verdict table when one of its
// verdicts is marked.
func notesFor(sh *results.Shutdown, probe string, notes []string) []string {
	for _, v := range sh.Verdicts {
		if v.Probe == probe && v.Deadline == "adapter" {
			return notes
		}
	}
	return nil
}
