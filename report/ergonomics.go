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
	s.Blocks = append(s.Blocks, para(fmt.Sprintf("The same %d jobs written with each library's own API, as its documentation recommends. "+
		"Each is an `Example` in `examples/` that `go test` compiles, runs and checks. Sizes count the function body's "+
		"non-blank, non-comment lines and its Go tokens; `*` marks a workaround, where the library cannot do the job natively.", len(e.Jobs))))

	header := []string{"library"}
	for _, j := range e.Jobs {
		header = append(header, j.ID)
	}
	header = append(header, "total", "native")
	var rows [][]string
	var bars []bar
	for _, lib := range e.Libraries {
		row := []string{"`" + lib.Library + "`"}
		for _, j := range e.Jobs {
			row = append(row, exampleCell(e, lib.Library, j.ID))
		}
		row = append(row, fmt.Sprintf("%d / %d", lib.Size.Lines, lib.Size.Tokens), fmt.Sprintf("%d/%d", lib.Native, len(e.Jobs)))
		rows = append(rows, row)
		v := float64(lib.Size.Lines)
		bars = append(bars, bar{Label: lib.Library, Value: v, Lo: v, Hi: v})
	}
	var jobs []string
	for _, j := range e.Jobs {
		jobs = append(jobs, fmt.Sprintf("%s: %s", j.ID, j.Name))
	}
	s.Blocks = append(s.Blocks, table{Caption: "Size of each job, lines / tokens", Header: header, Rows: rows, Notes: jobs})
	c, err := barChart("ergonomics-lines.svg", fmt.Sprintf("Lines for all %d jobs (fewer is simpler)", len(e.Jobs)), "lines", bars)
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

	header = []string{"library"}
	for _, f := range e.Features {
		header = append(header, f.Name)
	}
	rows = nil
	for _, lib := range e.Libraries {
		row := []string{"`" + lib.Library + "`"}
		for _, f := range e.Features {
			row = append(row, matrixCell(e, lib.Library, f.ID))
		}
		rows = append(rows, row)
	}
	s.Blocks = append(s.Blocks, table{
		Caption: "Feature matrix: every yes names the example or symbol that proves it, checked against the library's source at the pinned version",
		Header:  header, Rows: rows,
	})

	for _, j := range e.Jobs {
		g := group{Title: "Job: " + j.Name}
		for _, ex := range e.Examples {
			if ex.Job == j.ID {
				title := fmt.Sprintf("%s (%d lines)", ex.Library, ex.Size.Lines)
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

func exampleCell(e *results.Ergonomics, lib, job string) string {
	for _, ex := range e.Examples {
		if ex.Library == lib && ex.Job == job {
			mark := ""
			if !ex.Native() {
				mark = " *"
			}
			return fmt.Sprintf("%d / %d%s", ex.Size.Lines, ex.Size.Tokens, mark)
		}
	}
	return "–"
}

func matrixCell(e *results.Ergonomics, lib, feature string) string {
	for _, c := range e.Matrix {
		if c.Library == lib && c.Feature == feature {
			if !c.Has {
				return "no"
			}
			var proof []string
			for _, p := range c.Proof {
				proof = append(proof, "`"+p+"`")
			}
			return "yes: " + strings.Join(proof, ", ")
		}
	}
	return "–"
}
