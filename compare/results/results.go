package results

import "time"

// Schema is the version of the Results JSON layout. Bump it when a field changes meaning
// or is removed.
const Schema = 3

// Results is everything one run of poolbench compare measured.
type Results struct {
	Schema  int   `json:"schema"`
	Env     Env   `json:"env"`
	Partial bool  `json:"partial"` // not every study finished: the run was stopped, or a study failed
	Rules   Rules `json:"rules"`
	// One field per study, nil when the study did not run.
	Ergonomics *Ergonomics `json:"ergonomics,omitempty"`
	HTTP       *HTTP       `json:"http,omitempty"`
	Overload   *Overload   `json:"overload,omitempty"`
	Shutdown   *Shutdown   `json:"shutdown,omitempty"`
	Throughput *Throughput `json:"throughput,omitempty"`
}

// Env describes the machine and the run that produced a Results.
type Env struct {
	GoVersion  string        `json:"go_version"`
	OS         string        `json:"os"`
	Arch       string        `json:"arch"`
	CPU        string        `json:"cpu"`
	Cores      int           `json:"cores"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	Executors  []Executor    `json:"executors"` // with each library's version from the build info
	Date       time.Time     `json:"date"`
	Command    string        `json:"command"`
	Duration   time.Duration `json:"duration_ns"`
}

// Rules are the statistical rules the run applied, written down by the run so that a report
// rendered later states the rules this data was measured under.
type Rules struct {
	// MinSamples is the fewest samples that give a median an interval; a figure from fewer
	// is shown as such.
	MinSamples int `json:"min_samples"`
	// Confidence is the level of every interval, 0.95.
	Confidence float64 `json:"confidence"`
}

// Executor describes one executor of the run: the library behind it, its version from the
// build info, the native calls its adapter uses and where the adapter's code is.
type Executor struct {
	Name     string `json:"name"`
	Module   string `json:"module"`   // module path of the library; "poolbench" for custom, "go" for goroutines
	Version  string `json:"version"`  // module version from the build info
	Submit   string `json:"submit"`   // the native call behind Submit
	Shutdown string `json:"shutdown"` // the native calls behind Shutdown
	Queue    string `json:"queue"`    // what Config.Queue means for this executor
	Source   string `json:"source"`   // the adapter's file in package pools
	Type     string `json:"type"`     // the adapter's type in that file
	// Reject is the library's own non-blocking call that Config.Reject uses; CannotReject
	// says why there is none.
	Reject       string `json:"reject,omitempty"`
	CannotReject string `json:"cannot_reject,omitempty"`
	// Deadline says who keeps Shutdown's deadline: "library" when the library's own call
	// takes it, "adapter" when the adapter bounds a library wait that has none.
	Deadline string `json:"deadline"`
}
