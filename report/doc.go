package report

// A document is the report's content, independent of format: markdown.go and html.go each
// render the same document, so the two formats never say different things.
type document struct {
	Title    string
	Sections []section
}

// A section is one heading and what stands under it.
type section struct {
	ID     string // anchor, lowercase letters and dashes
	Title  string
	Blocks []block
}

// A block is one of para, list, table, chart, code or group.
type block any

// para is a paragraph of plain text; `code` spans in backquotes render as code.
type para string

// list is a bulleted list of plain-text items.
type list []string

// table is a table with a header row. Cells are plain text with `code` spans.
type table struct {
	Caption string
	Header  []string
	Rows    [][]string
	Notes   []string // footnotes under the table
}

// chart is an SVG chart drawn into charts/File.
type chart struct {
	File  string // base name under charts/
	Title string
	SVG   []byte
}

// code is a source listing.
type code struct {
	Title string
	Lang  string
	Text  string
}

// group lays its code blocks side by side in HTML, one after another in Markdown.
type group struct {
	Title string
	Codes []code
}
