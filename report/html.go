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
	Table table
	Chart chart
	Code  code
	Group group
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
		return htmlBlock{Kind: "table", Table: v}
	case chart:
		return htmlBlock{Kind: "chart", Chart: v}
	case code:
		return htmlBlock{Kind: "code", Code: v}
	case group:
		return htmlBlock{Kind: "group", Group: v}
	}
	panic(fmt.Sprintf("report: unknown block %T", bl))
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
