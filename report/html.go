package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var pageTemplate string

// htmlBlock is a block as the page template sees it: Kind picks the branch.
type htmlBlock struct {
	Kind  string // para, list, table, chart, code, group
	Text  string
	Items []string
	Table htmlTable
	Chart chart
	Code  code
	Group group
}

// htmlTable is a table with each cell's CSS classes worked out from its mark.
type htmlTable struct {
	Caption string
	Groups  []colGroup
	Header  []string
	Rows    [][]htmlCell
	Legend  []htmlSwatch
	Notes   []string
}

type htmlCell struct {
	Text, Class string
}

type htmlSwatch struct {
	Class, Swatch, Text string
}

type htmlSection struct {
	ID, Title string
	Blocks    []htmlBlock
}

// writeHTML renders d as one self-contained page: inline CSS, inline SVG, no scripts and
// nothing fetched.
func writeHTML(w io.Writer, d document) error {
	t, err := template.New("page").Funcs(template.FuncMap{
		"inline": inline,
		"svg":    func(b []byte) template.HTML { return template.HTML(b) }, // drawn by charts.go, not user input
	}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report: parsing page template: %w", err)
	}
	var secs []htmlSection
	for _, s := range d.Sections {
		hs := htmlSection{ID: s.ID, Title: s.Title}
		for _, bl := range s.Blocks {
			hs.Blocks = append(hs.Blocks, toHTMLBlock(bl))
		}
		secs = append(secs, hs)
	}
	return t.Execute(w, struct {
		Title    string
		Sections []htmlSection
	}{d.Title, secs})
}

func toHTMLBlock(bl block) htmlBlock {
	switch v := bl.(type) {
	case para:
		return htmlBlock{Kind: "para", Text: string(v)}
	case list:
		return htmlBlock{Kind: "list", Items: v}
	case table:
		return htmlBlock{Kind: "table", Table: toHTMLTable(v)}
	case chart:
		return htmlBlock{Kind: "chart", Chart: v}
	case code:
		return htmlBlock{Kind: "code", Code: v}
	case group:
		return htmlBlock{Kind: "group", Group: v}
	}
	panic(fmt.Sprintf("report: unknown block %T", bl))
}

func toHTMLTable(t table) htmlTable {
	ht := htmlTable{Caption: t.Caption, Groups: t.Groups, Header: t.Header, Notes: t.Notes}
	for i, r := range t.Rows {
		row := make([]htmlCell, len(r))
		for j, text := range r {
			row[j].Text = text
			if i < len(t.Marks) && j < len(t.Marks[i]) {
				row[j].Class = t.Marks[i][j].classes()
			}
		}
		ht.Rows = append(ht.Rows, row)
	}
	for _, e := range t.Legend {
		ht.Legend = append(ht.Legend, htmlSwatch{Class: e.Mark.classes(), Swatch: e.Swatch, Text: e.Text})
	}
	return ht
}

// classes is the mark as a class attribute's value; the page's style sheet colors
// sev-* and heat-* classes.
func (m mark) classes() string {
	var cs []string
	if m.Class != "" {
		cs = append(cs, cssName(m.Class))
	}
	switch m.Sev {
	case sevFine:
		cs = append(cs, "sev-fine")
	case sevBehaviour:
		cs = append(cs, "sev-behaviour")
	case sevDefect:
		cs = append(cs, "sev-defect")
	}
	if m.Heat > 0 {
		cs = append(cs, fmt.Sprintf("heat-%d", m.Heat))
	}
	return strings.Join(cs, " ")
}

// cssName turns s into a class name: lowercase letters, digits and dashes ("n/a" is "n-a").
func cssName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return '-'
	}, s)
}

// inline escapes s and turns `code` spans into <code> and **bold** into <strong>.
func inline(s string) template.HTML {
	var b strings.Builder
	for i, part := range strings.Split(s, "`") {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
			continue
		}
		for j, p := range strings.Split(part, "**") {
			if j%2 == 1 {
				b.WriteString("<strong>" + template.HTMLEscapeString(p) + "</strong>")
			} else {
				b.WriteString(template.HTMLEscapeString(p))
			}
		}
	}
	return template.HTML(b.String())
}
