package results

// Ergonomics is what the ergonomics study measured: the same five jobs written with each
// library's own API (package examples), each adapter's glue in package pools, and a feature
// matrix whose every "yes" was checked against the library's source.
type Ergonomics struct {
	Rules     ErgonomicsRules  `json:"rules"`     // how the study measured, and the pick's tie rule
	Jobs      []Job            `json:"jobs"`      // in report order
	Libraries []LibrarySummary `json:"libraries"` // in pools.Names order
	Examples  []Example        `json:"examples"`  // library by library, job by job
	Glue      []Glue           `json:"glue"`      // one per executor, in pools.Names order
	Features  []Feature        `json:"features"`  // the matrix's columns, in report order
	Matrix    []Cell           `json:"matrix"`    // library by library, feature by feature
}

// ErgonomicsRules are the rules the ergonomics study applied, written by the run so that a
// report rendered later states them as they were.
type ErgonomicsRules struct {
	Size     string `json:"size"`      // what Size.Lines and Size.Tokens count
	ErrCheck string `json:"err_check"` // what an error check is
	Native   string `json:"native"`    // when an example does its job natively
	Proof    string `json:"proof"`     // what proves a yes of the matrix, and how it is checked
	// A library ties for the fewest lines when its lines without error checks are at most
	// max(fewest × (1+TieRatio), fewest + TieLines); Tie says so in words.
	TieRatio float64 `json:"tie_ratio"`
	TieLines int     `json:"tie_lines"`
	Tie      string  `json:"tie"`
}

// A Job is one of the common jobs every library's examples do.
type Job struct {
	ID         string `json:"id"`         // the suffix of Example_<library>_<id>
	Name       string `json:"name"`       // a short label, for a column header
	Definition string `json:"definition"` // what the job asks, and what doing it natively means
}

// Size is how much code something takes: lines that hold code (not blank, not only a
// comment) and Go tokens, not counting the semicolons the compiler inserts at line ends.
// ErrChecks counts the error checks among them (ErgonomicsRules.ErrCheck), and
// ErrCheckLines and ErrCheckTokens are the part of Lines and Tokens those take, so that a
// library whose calls return errors is not charged for the style.
type Size struct {
	Lines          int `json:"lines"`
	Tokens         int `json:"tokens"`
	ErrChecks      int `json:"err_checks"`
	ErrCheckLines  int `json:"err_check_lines"`
	ErrCheckTokens int `json:"err_check_tokens"`
}

// Add returns the sum of s and t.
func (s Size) Add(t Size) Size {
	return Size{
		Lines:          s.Lines + t.Lines,
		Tokens:         s.Tokens + t.Tokens,
		ErrChecks:      s.ErrChecks + t.ErrChecks,
		ErrCheckLines:  s.ErrCheckLines + t.ErrCheckLines,
		ErrCheckTokens: s.ErrCheckTokens + t.ErrCheckTokens,
	}
}

// LinesWithoutErrChecks is Lines less the lines error checks take.
func (s Size) LinesWithoutErrChecks() int { return s.Lines - s.ErrCheckLines }

// Example is one Example function of package examples, measured.
type Example struct {
	Library string `json:"library"` // executor name, as in pools.Names
	Job     string `json:"job"`     // Job.ID
	Name    string `json:"name"`    // Example_<library>_<job>
	File    string `json:"file"`    // examples/<library>_test.go
	// Workaround is the text of the doc comment's "Workaround:" line, empty when the example
	// uses the library natively.
	Workaround string `json:"workaround,omitempty"`
	Size       Size   `json:"size"` // of the function's body
	// Identifiers are the library's exported names the body selects, as pkg.Name, sorted.
	Identifiers []string `json:"identifiers"`
	Source      string   `json:"source"` // the function as written, doc comment included
}

// Native reports whether the example does its job with the library alone.
func (e Example) Native() bool { return e.Workaround == "" }

// LibrarySummary sums one library's five examples.
type LibrarySummary struct {
	Library     string   `json:"library"`
	Module      string   `json:"module"`
	Version     string   `json:"version"`
	Size        Size     `json:"size"`        // of the five bodies together
	Native      int      `json:"native"`      // examples that need no workaround
	Identifiers []string `json:"identifiers"` // distinct library names the examples use, sorted
}

// Glue is what an adapter in package pools adds around its library to meet the Executor
// contract: its constructor and methods. For custom it is the whole pool.
type Glue struct {
	Library     string   `json:"library"`
	File        string   `json:"file"`        // pools/<file>.go
	Type        string   `json:"type"`        // the adapter's type
	Funcs       []string `json:"funcs"`       // NewT and T's methods, in file order
	Size        Size     `json:"size"`        // of those declarations, doc comments excluded
	Identifiers []string `json:"identifiers"` // library names they select, sorted
	// Helpers are the package's unexported functions the adapter calls, directly or not,
	// such as waitFor, the deadline the contract needs around a wait that has none.
	Helpers    []string `json:"helpers,omitempty"`
	HelperSize Size     `json:"helper_size"`
}

// A Feature is a column of the feature matrix. Its Definition is the one test every
// library's cell answers.
type Feature struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// A Cell says whether a library has a feature. A yes names its Proof: examples that do it
// natively (Example_<library>_<job>) or the library's exported names that provide it, as
// pkg.Name or pkg.Type.Member. The study checks every one against the examples and the
// library's source at the version it was built with, so the matrix cannot drift.
type Cell struct {
	Library string   `json:"library"`
	Feature string   `json:"feature"` // Feature.ID
	Has     bool     `json:"has"`
	Proof   []string `json:"proof,omitempty"`
	Note    string   `json:"note,omitempty"` // the caveat, or for a no what the library offers instead
}
