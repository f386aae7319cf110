package report

import (
	"fmt"
	"strings"

	"poolbench/compare/results"
)

func ergonomicsSection(res *results.Results) (section, error) {
	s := section{ID: "ergonomics", Title: "API ergonomics"}
	e := res.Ergonomics
	if e == nil {
		s.Blocks = notRun("ergonomics")
		return s, nil
	}
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("The same %d jobs written with each library's own API, as its documentation does. "+
		"Each is an `Example` in `examples/` that `go test` compiles, runs and checks. %s", len(e.Jobs), e.Rules.Native)))

	rows := [][]string{}
	for _, j := range e.Jobs {
		rows = append(rows, []string{j.Name, "`Example_<library>_" + j.ID + "`", j.Definition})
	}
	s.Blocks = append(s.Blocks, table{Caption: "The jobs", Header: []string{"job", "example", "what it asks"}, Rows: rows})

	header := []string{"library"}
	for _, j := range e.Jobs {
		header = append(header, j.Name)
	}
	header = append(header, "total", "without error checks", "native")
	rows = nil
	var bars []bar
	for _, lib := range e.Libraries {
		row := []string{"`" + lib.Library + "`"}
		for _, j := range e.Jobs {
			row = append(row, exampleCell(e, lib.Library, j.ID))
		}
		row = append(row, sizeCell(lib.Size),
			fmt.Sprintf("%d / %d, %s", lib.Size.LinesWithoutErrChecks(), lib.Size.Tokens-lib.Size.ErrCheckTokens, checks(lib.Size.ErrChecks)),
			fmt.Sprintf("%d/%d", lib.Native, len(e.Jobs)))
		rows = append(rows, row)
		v := float64(lib.Size.LinesWithoutErrChecks())
		bars = append(bars, bar{Label: lib.Library, Value: v, Lo: v, Hi: v})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "Size of each job, lines / tokens",
		Header:  header, Rows: rows,
		Notes: []string{
			"`*` marks a workaround. `(n err)`: n of the lines are error checks.",
			e.Rules.Size,
			e.Rules.ErrCheck,
		},
	})
	c, err := barChart("ergonomics-lines.svg", fmt.Sprintf("Lines for all %d jobs, without error checks (fewer is simpler)", len(e.Jobs)), "lines", bars)
	if err != nil {
		return section{}, err
	}
	s.Blocks = append(s.Blocks, c)

	rows = nil
	for _, g := range e.Glue {
		helpers := "none"
		if len(g.Helpers) > 0 {
			helpers = fmt.Sprintf("%s (%d lines)", strings.Join(g.Helpers, ", "), g.HelperSize.Lines)
		}
		rows = append(rows, []string{"`" + g.Library + "`", "`" + g.File + "`", fmt.Sprintf("%d / %d", g.Size.Lines, g.Size.Tokens), helpers})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "Adapter glue: what each library needed to meet the Executor contract",
		Header:  []string{"executor", "file", "lines / tokens", "shared helpers"},
		Rows:    rows,
		Notes:   []string{"For `custom` this is the whole hand-written pool, not glue."},
	})

	rows = nil
	for _, f := range e.Features {
		rows = append(rows, []string{f.Name, f.Definition})
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "What each column of the feature matrix means: every library's cell answers the same definition",
		Header:  []string{"feature", "definition"}, Rows: rows,
	})

	header = []string{"library"}
	for _, f := range e.Features {
		header = append(header, f.Name)
	}
	rows = nil
	var notes []string
	for _, lib := range e.Libraries {
		row := []string{"`" + lib.Library + "`"}
		for _, f := range e.Features {
			cell, note := matrixCell(e, lib.Library, f.ID)
			if note != "" {
				notes = append(notes, fmt.Sprintf("[%d] `%s`, %s: %s", len(notes)+1, lib.Library, f.Name, note))
				cell += fmt.Sprintf(" [%d]", len(notes))
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "Feature matrix: every yes names the example or symbol that proves it; [n] points to the cell's note",
		Header:  header, Rows: rows,
		Notes: append([]string{e.Rules.Proof}, notes...),
	})

	for _, j := range e.Jobs {
		g := group{Title: "Job: " + j.Name}
		for _, ex := range e.Examples {
			if ex.Job == j.ID {
				title := fmt.Sprintf("%s (%d lines", ex.Library, ex.Size.Lines)
				if ex.Size.ErrCheckLines > 0 {
					title += fmt.Sprintf(", %d of them error checks", ex.Size.ErrCheckLines)
				}
				title += ")"
				if !ex.Native() {
					title += ", workaround"
				}
				g.Codes = append(g.Codes, code{Title: title, Lang: "go", Text: ex.Source})
			}
		}
		s.Blocks = append(s.Blocks, g)
	}
	return s, nil
}

// checks says how many error checks there are.
func checks(n int) string {
	if n == 1 {
		return "1 check"
	}
	return fmt.Sprintf("%d checks", n)
}

// sizeCell formats s as lines / tokens, with the lines error checks take.
func sizeCell(s results.Size) string {
	cell := fmt.Sprintf("%d / %d", s.Lines, s.Tokens)
	if s.ErrCheckLines > 0 {
		cell += fmt.Sprintf(" (%d err)", s.ErrCheckLines)
	}
	return cell
}

func exampleCell(e *results.Ergonomics, lib, job string) string {
	for _, ex := range e.Examples {
		if ex.Library == lib && ex.Job == job {
			mark := ""
			if !ex.Native() {
				mark = " *"
			}
			return sizeCell(ex.Size) + mark
		}
	}
	return "–"
}

// matrixCell formats lib's cell for feature, with the proofs of a yes, and returns its note.
func matrixCell(e *results.Ergonomics, lib, feature string) (cell, note string) {
	for _, c := range e.Matrix {
		if c.Library == lib && c.Feature == feature {
			if !c.Has {
				return "no", c.Note
			}
			var proof []string
			for _, p := range c.Proof {
				proof = append(proof, "`"+p+"`")
			}
			return "yes: " + strings.Join(proof, ", "), c.Note
		}
	}
	return "–", ""
}
