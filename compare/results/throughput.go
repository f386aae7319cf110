package results

import (
	"slices"
	"time"
)

// Throughput is the throughput study's result: every workload, pool size and submitter
// count on every executor and floor, at each GOMAXPROCS of the run; the cost of building
// and idly shutting down each executor; and the memory each executor holds with
// PendingTasks tasks waiting.
type Throughput struct {
	BatchSize   int         `json:"batch_size"`   // tasks per batch
	SampleEvery int         `json:"sample_every"` // one task in this many is timed for the p99s
	Calibration Calibration `json:"calibration"`
	// Procs are the GOMAXPROCS values the study ran at, in order (compare --cpu).
	Procs      []int         `json:"gomaxprocs"`
	Workloads  []Workload    `json:"workloads"`
	Submitters []int         `json:"submitters"`
	Samples    int           `json:"samples"`     // samples per cell in the first pass
	MaxSamples int           `json:"max_samples"` // the cap for cells whose interval stays wide
	MaxSpread  float64       `json:"max_spread"`
	SampleTime time.Duration `json:"sample_ns"` // the time one sample aims to take
	// Floors are the cells' pools that are not executors: the reference points.
	Floors  []string         `json:"floors"`
	Cells   []ThroughputCell `json:"cells"`
	Pending []Pending        `json:"pending"`
	// Lifecycle is New then Shutdown, with no task, per executor, pool size and GOMAXPROCS.
	Lifecycle []LifecycleCell `json:"lifecycle"`
}

// A ThroughputCell is one workload, pool size and submitter count on one executor or
// floor, at one GOMAXPROCS.
type ThroughputCell struct {
	Procs   int    `json:"gomaxprocs"`
	Work    string `json:"work"`
	Workers int    `json:"workers"` // Config.Workers
	Sub     int    `json:"sub"`
	Pool    string `json:"pool"`
	// Tasks is the tasks of one batch: BatchSize, or fewer where a whole batch would take
	// longer than a sample (a pool that runs the batch one task at a time).
	Tasks   int `json:"tasks"`
	Batches int `json:"batches"` // timed batches per sample
	// Per sample: wall time, heap allocations and bytes allocated, per task.
	NsPerTask     Summary `json:"ns_per_task"`
	AllocsPerTask Summary `json:"allocs_per_task"`
	BytesPerTask  Summary `json:"bytes_per_task"`
	// Per sample, over the timed tasks: the p99 time in Submit and the p99 wait from
	// Submit's return to the task's start, in ns. Nil for the static floor.
	SubmitP99 *Summary `json:"submit_p99,omitempty"`
	WaitP99   *Summary `json:"wait_p99,omitempty"`
	// Per sample, the most goroutines the executor or floor itself had: each sample builds
	// it alone and counts, at the timed Submits, the goroutines beyond those alive before,
	// the submitters left out. MaxGoroutines is the most over every sample. Empty for the
	// static floor, which has no Submit.
	PeakGoroutines Summary `json:"peak_goroutines"`
	MaxGoroutines  int     `json:"max_goroutines"`
	// Extra is how many samples beyond Samples the cell took because its interval was wider
	// than MaxSpread; Wide is true if it still was at MaxSamples.
	Extra int  `json:"extra_samples"`
	Wide  bool `json:"wide"`
	// The ratio of this cell's median ns/task to that of the same row (GOMAXPROCS, work,
	// workers, sub) on the custom pool and on each floor (2 means twice as slow); nil where
	// that cell is missing.
	VsCustom *float64 `json:"vs_custom"`
	VsChan   *float64 `json:"vs_chan"`
	VsStatic *float64 `json:"vs_static"`
}

// A Workload is one kind of task that the throughput study and BenchmarkThroughput run in
// batches of BatchSize on every executor.
type Workload struct {
	Name  string `json:"name"`
	About string `json:"about"`
	// The pool sizes (Config.Workers) every executor gets for this workload: GOMAXPROCS
	// when PerProc, and each of Fixed.
	PerProc bool  `json:"per_proc"`
	Fixed   []int `json:"fixed_workers,omitempty"`
	// TimerBound marks a workload whose figures the runtime's timer decides more than the
	// executors do; Why says how. The throughput pick leaves such a workload out.
	TimerBound bool   `json:"timer_bound"`
	Why        string `json:"why,omitempty"`
}

// Sizes returns the workload's pool sizes at GOMAXPROCS procs, smallest first, each once.
func (w Workload) Sizes(procs int) []int {
	var out []int
	if w.PerProc {
		out = append(out, procs)
	}
	for _, n := range w.Fixed {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// A LifecycleCell is the cost of building one executor with Workers workers and shutting
// it down at once, no task submitted, at GOMAXPROCS Procs: what a program pays for a pool
// it makes per request or per job.
type LifecycleCell struct {
	Procs   int    `json:"gomaxprocs"`
	Workers int    `json:"workers"`
	Pool    string `json:"pool"`
	Cycles  int    `json:"cycles"` // New and Shutdown pairs per sample
	// Per sample, per cycle: wall time, heap allocations and bytes allocated.
	Ns     Summary `json:"ns"`
	Allocs Summary `json:"allocs"`
	Bytes  Summary `json:"bytes"`
}

// Calibration is how many Spin rounds take CPUTarget on this machine, found once per run.
type Calibration struct {
	Target time.Duration `json:"target_ns"`
	Rounds int           `json:"rounds"` // Spin rounds in one cpu task
	// Task is one cpu task's duration, timed after calibration on one goroutine, in ns.
	Task Summary `json:"task"`
}

// Pending is what an executor holds with Tasks tasks submitted and not yet run: its
// workers are all blocked on a gate, so every other task waits in its queue, or, for an
// executor without one, in a goroutine of its own.
type Pending struct {
	Pool    string `json:"pool"`
	Tasks   int    `json:"tasks"`
	Workers int    `json:"workers"`
	// Applicable is false when Submit blocked before Tasks were accepted: the executor
	// cannot hold that many pending tasks (it has no queue, or a full one).
	Applicable bool   `json:"applicable"`
	Reason     string `json:"reason,omitempty"` // why not, when not Applicable
	Accepted   int    `json:"accepted"`         // tasks Submit had accepted when measured
	// Live heap objects and goroutine stacks, after a GC, beyond what the process held
	// before the executor was built (runtime/metrics /memory/classes/heap/objects:bytes
	// and /memory/classes/heap/stacks:bytes).
	HeapBytes      int64         `json:"heap_bytes"`
	StackBytes     int64         `json:"stack_bytes"`
	BytesPerTask   float64       `json:"bytes_per_task"` // (HeapBytes + StackBytes) / Accepted
	Goroutines     int           `json:"goroutines"`     // goroutines beyond those before, while pending
	SubmitDuration time.Duration `json:"submit_ns"`      // time to submit the Accepted tasks
}
