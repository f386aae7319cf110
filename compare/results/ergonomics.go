package results

// Ergonomics is what the ergonomics study measured: the same five jobs written with each
// library's own API (package examples), each adapter's glue in package pools, and a feature
// matrix whose every "yes" was checked against the library's source.
type Ergonomics struct {
	Jobs      []Job            `json:"jobs"`      // in report order
	Libraries []LibrarySummary `json:"libraries"` // in pools.Names order
	Examples  []Example        `json:"examples"`  // library by library, job by job
	Glue      []Glue           `json:"glue"`      // one per executor, in pools.Names order
	Features  []Feature        `json:"features"`  // the matrix's columns, in report order
	Matrix    []Cell           `json:"matrix"`    // library by library, feature by feature
}

// A Job is one of the common jobs every library's examples do.
type Job struct {
	ID   string `json:"id"` // the suffix of Example_<library>_<id>
	Name string `json:"name"`
}

// Size is how much code something takes: lines that hold code (not blank, not only a
// comment) and Go tokens, not counting the semicolons the compiler inserts at line ends.
type Size struct {
	Lines  int `json:"lines"`
	Tokens int `json:"tokens"`
}

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

// A Feature is a column of the feature matrix.
type Feature struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
	Note    string   `json:"note,omitempty"`
}
