package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// writeMarkdown renders d as GitHub-flavoured Markdown; charts are linked from charts/.
func writeMarkdown(w io.Writer, d document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", d.Title)
	b.WriteString("Contents: ")
	for i, s := range d.Sections {
		if i > 0 {
			b.WriteString(" · ")
		}
		fmt.Fprintf(&b, "[%s](#%s)", s.Title, s.ID)
	}
	b.WriteString("\n\n")
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "<a id=\"%s\"></a>\n\n## %s\n\n", s.ID, s.Title)
		for _, bl := range s.Blocks {
			mdBlock(&b, bl)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdBlock(b *strings.Builder, bl block) {
	switch v := bl.(type) {
	case para:
		fmt.Fprintf(b, "%s\n\n", mdText(string(v)))
	case list:
		for _, item := range v {
			fmt.Fprintf(b, "- %s\n", mdText(item))
		}
		b.WriteString("\n")
	case table:
		if v.Caption != "" {
			fmt.Fprintf(b, "**%s**\n\n", mdText(v.Caption))
		}
		mdRow(b, groupedHeader(v))
		seps := make([]string, len(v.Header))
		for i := range seps {
			seps[i] = "---"
		}
		mdRow(b, seps)
		for _, r := range v.Rows {
			mdRow(b, r)
		}
		b.WriteString("\n")
		if len(v.Legend) > 0 {
			var es []string
			for _, e := range v.Legend {
				if !e.ColorOnly {
					es = append(es, mdText(e.Swatch)+": "+mdText(e.Text))
				}
			}
			if len(es) > 0 {
				fmt.Fprintf(b, "%s\n\n", strings.Join(es, " · "))
			}
		}
		for _, n := range v.Notes {
			fmt.Fprintf(b, "<sub>%s</sub><br>\n", mdText(n))
		}
		if len(v.Notes) > 0 {
			b.WriteString("\n")
		}
	case chart:
		fmt.Fprintf(b, "![%s](charts/%s)\n\n", v.Title, v.File)
	case code:
		if v.Title != "" {
			fmt.Fprintf(b, "**%s**\n\n", v.Title)
		}
		fmt.Fprintf(b, "```%s\n%s\n```\n\n", v.Lang, strings.TrimRight(v.Text, "\n"))
	case group:
		if v.Title != "" {
			fmt.Fprintf(b, "### %s\n\n", v.Title)
		}
		for _, c := range v.Codes {
			mdBlock(b, c)
		}
	default:
		panic(fmt.Sprintf("report: unknown block %T", bl))
	}
}

func mdRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		fmt.Fprintf(b, " %s |", strings.ReplaceAll(mdText(c), "|", `\|`))
	}
	b.WriteString("\n")
}

// mdText escapes the angle brackets of plain text outside `code` spans, so that text such
// as "<nil>" is not taken for HTML.
func mdText(s string) string {
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(parts[i])
	}
	return strings.Join(parts, "`")
}

// groupedHeader is t's header for Markdown, which has one header row: a column under a
// group title carries the title before its own.
func groupedHeader(t table) []string {
	if len(t.Groups) == 0 {
		return t.Header
	}
	h := slices.Clone(t.Header)
	col := 0
	for _, g := range t.Groups {
		for i := col; i < col+g.Span && i < len(h); i++ {
			if g.Short != "" {
				h[i] = g.Short + ": " + h[i]
			}
		}
		col += g.Span
	}
	return h
}
