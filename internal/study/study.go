// Package study holds what every study of `poolbench compare` takes from the orchestrator:
// the run's options and somewhere to report progress.
package study

// Options are what every study shares.
type Options struct {
	Pools   []string // executors to study, from pools.Names()
	Quick   bool     // a first look: fewer samples, shorter loads
	Samples int      // samples per cell; 0 means the study's default
	Procs   []int    // GOMAXPROCS values the throughput study runs at; nil: the current one
	Exe     string   // the poolbench binary, for studies that run it as a child process
	// Soak multiplies every shutdown probe's rounds when > 1 (--rounds), for catching a
	// rare event.
	Soak int
	// Progress hears how far the study has got; nil hears nothing.
	Progress Progress
}

// Progress hears how far a study has got: a step of total units, then units done.
type Progress interface {
	Step(name string, total int)
	Add(n int)
}

// Step starts a step on o's Progress, if any.
func (o Options) Step(name string, total int) {
	if o.Progress != nil {
		o.Progress.Step(name, total)
	}
}

// Add records n units done on o's Progress, if any.
func (o Options) Add(n int) {
	if o.Progress != nil {
		o.Progress.Add(n)
	}
}
