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

// table is a table with a header row. Cells are plain text with `code` spans and **bold**.
type table struct {
	Caption string
	// Groups, when set, is a header row above Header whose titles each span Span columns.
	Groups []colGroup
	Header []string
	Rows   [][]string
	// Marks, when set, styles the cells of Rows in HTML: Marks[i][j] is Rows[i][j]'s. The
	// text carries what a mark says as well (a symbol, bold), so Markdown loses nothing.
	Marks  [][]mark
	Legend []legendEntry // what the marks mean, shown with the table
	Notes  []string      // footnotes under the table
}

// colGroup is a title over Span adjacent columns of a table. Markdown has one header row,
// so there each of those columns' headers starts with Short instead.
type colGroup struct {
	Title, Short string
	Span         int
}

// A mark styles one table cell in HTML.
type mark struct {
	Class string   // names what the cell holds, such as a verdict word; a CSS class of its own
	Sev   severity // background by severity
	Heat  int      // background by standing within the column: 1 best to heatSteps worst; 0 none
}

// severity is how bad what a cell shows is. The results decide it (a verdict's Defect);
// the report only colors it.
type severity int

const (
	sevNone      severity = iota
	sevFine               // the outcome the probe asks for
	sevBehaviour          // allowed, but not the probe's best outcome: a behaviour to know about
	sevDefect             // a defect by the run's defect rule
)

// heatSteps is how many shades the at-a-glance table uses from best to worst.
const heatSteps = 5

// legendEntry is one swatch of a table's legend and what it means; both are plain text
// with `code` spans and **bold**.
type legendEntry struct {
	Mark   mark
	Swatch string // shown in the swatch, as a cell with Mark would show it
	Text   string
	// ColorOnly is set when the entry explains nothing but a color, which Markdown does not
	// show: it leaves the entry out.
	ColorOnly bool
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
