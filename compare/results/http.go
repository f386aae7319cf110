package results

import "time"

// HTTP is what the HTTP study measured: `poolbench serve` on every executor and on
// net/http, each in its own process, under load from `poolbench loadgen` in another.
type HTTP struct {
	Plan HTTPPlan `json:"plan"`
	// Reference is the server that is not an executor: the same routes on a plain
	// net/http.Server. It sets the open-loop rates.
	Reference string `json:"reference"`
	// Rates are the open-loop target rates in requests per second: Plan.Fractions of
	// nethttp's median peak in this run, rounded to whole requests.
	Rates   []float64    `json:"rates"`
	Servers []HTTPServer `json:"servers"` // Reference first, then the executors in order
}

// HTTPPlan is how the HTTP study loads each server. Each server process gets
// ServerProcs as GOMAXPROCS and each generator GeneratorProcs, so that on a 2-core machine
// neither starves the other.
type HTTPPlan struct {
	Workers        int           `json:"workers"` // --workers for every server
	Queue          int           `json:"queue"`   // --queue for every server; its meaning per library is in Env.Executors
	ServerProcs    int           `json:"server_gomaxprocs"`
	GeneratorProcs int           `json:"generator_gomaxprocs"`
	Warmup         time.Duration `json:"warmup_ns"` // closed loop on / before anything is measured
	// Peak throughput: Samples closed-loop runs of PeakClients clients on / for Peak each,
	// taken round-robin across the servers so a disturbance spreads over all of them.
	PeakClients int           `json:"peak_clients"`
	Samples     int           `json:"samples"`
	Peak        time.Duration `json:"peak_ns"`
	// Latency: OpenRuns open-loop runs of Open on / at each fraction of nethttp's peak,
	// round-robin across the servers.
	Fractions []float64     `json:"fractions"`
	Open      time.Duration `json:"open_ns"`
	OpenRuns  int           `json:"open_runs"`
	// Sleep: SleepClients (4×Workers) closed-loop clients on /sleep?ms=SleepMS for Sleep.
	SleepMS      int           `json:"sleep_ms"`
	SleepClients int           `json:"sleep_clients"`
	Sleep        time.Duration `json:"sleep_ns"`
	// Shutdown: TermClients closed-loop clients on /sleep?ms=TermMS; SIGTERM after
	// TermAfter; the load runs for Term in all.
	TermMS      int           `json:"term_ms"`
	TermClients int           `json:"term_clients"`
	TermAfter   time.Duration `json:"term_after_ns"`
	Term        time.Duration `json:"term_ns"`
	TermWait    time.Duration `json:"term_wait_ns"` // how long a server may take to exit after SIGTERM before it is killed
	Timeout     time.Duration `json:"timeout_ns"`   // per request
	// MinAchieved is the least fraction of its target rate an open-loop run must achieve
	// to count as a latency measurement.
	MinAchieved float64 `json:"min_achieved"`
}

// HTTPServer is what the study measured on one server.
type HTTPServer struct {
	Name  string `json:"name"`            // an executor, or NetHTTP
	Error string `json:"error,omitempty"` // why the study of this server stopped early; what it measured before stays
	// Peak is closed-loop throughput on / in successful requests per second.
	Peak Summary `json:"peak"`
	// PeakErrors counts requests of the peak runs that did not end in a 200.
	PeakErrors int64 `json:"peak_errors"`
	// ServerCPU and GeneratorCPU are each process's CPU use during the peak runs, as a
	// fraction of its GOMAXPROCS: near 1 means that side was the limit. MachineCPU is the
	// whole machine's, all cores: near 1 with neither side saturated means other
	// processes (or the kernel's network work) took the CPU.
	ServerCPU    Summary `json:"server_cpu"`
	GeneratorCPU Summary `json:"generator_cpu"`
	MachineCPU   Summary `json:"machine_cpu"`
	// GeneratorCeiling is the generator's own limit: each peak run's throughput divided
	// by its CPU use, the rate it would reach with its cores all to itself. A Peak close
	// to it means the generator, not the server, was the limit.
	GeneratorCeiling Summary `json:"generator_ceiling"`
	// Limit says what bounded the peak: "server", "generator", "both", "machine" (the
	// cores were busy, but not with these two), or "neither" (they waited, not computed).
	Limit string     `json:"limit"`
	Open  []HTTPOpen `json:"open"` // one per fraction

	Sleep HTTPSleep `json:"sleep"`
	Term  HTTPTerm  `json:"term"`
}

// HTTPOpen is the open-loop runs at one fixed rate.
type HTTPOpen struct {
	Fraction float64       `json:"fraction"` // of nethttp's peak
	Target   float64       `json:"target"`   // requests per second
	Runs     []HTTPLatency `json:"runs"`     // Plan.OpenRuns of them, unless the server failed
}

// HTTPLatency is one open-loop run at a fixed rate.
type HTTPLatency struct {
	Fraction float64 `json:"fraction"` // of nethttp's peak
	Target   float64 `json:"target"`   // requests per second
	Achieved float64 `json:"achieved"` // requests sent per second
	// Valid is false when Achieved fell below Plan.MinAchieved of Target: the generator could not keep
	// the schedule, so the load was not the one asked for and Latency is nil. Invalid
	// says why: "in-flight cap" when the server answered too slowly and the generator's
	// cap on outstanding requests held it back, "generator" when it ran out of CPU.
	Valid   bool   `json:"valid"`
	Invalid string `json:"invalid,omitempty"`
	// PeakInFlight is the most requests outstanding at once, of the generator's MaxInFlight.
	PeakInFlight int      `json:"peak_in_flight"`
	MaxInFlight  int      `json:"max_in_flight"`
	Latency      *Latency `json:"latency,omitempty"`
	Sent         int64    `json:"sent"`
	OK           int64    `json:"ok"`
	Errors       int64    `json:"errors"`
	// ServerCPU is the server's CPU use during the run, as a fraction of its GOMAXPROCS.
	ServerCPU float64 `json:"server_cpu"`
}

// HTTPSleep is /sleep with more clients than workers: does the server queue, block or
// answer 503?
type HTTPSleep struct {
	Latency    Latency `json:"latency"` // of 200 responses
	Throughput float64 `json:"throughput"`
	Sent       int64   `json:"sent"`
	OK         int64   `json:"ok"`
	Status503  int64   `json:"status_503"`
	Refused    int64   `json:"refused"`
	Reset      int64   `json:"reset"`
	Timeout    int64   `json:"timeout"`
	Other      int64   `json:"other"`                 // any other status or error
	FirstError string  `json:"first_error,omitempty"` // the first error counted in Other
}

// HTTPTerm is SIGTERM under load. The server's counts come from its "stopped" record;
// Accepted counts connections it accepted, all before the signal, as it stops accepting on it.
type HTTPTerm struct {
	ExitCode int   `json:"exit_code"` // 0: drained in time; 1: its shutdown deadline passed; -1: killed (by us after TermWait, or a signal)
	Logged   bool  `json:"logged"`    // the server logged its stopped record
	Accepted int64 `json:"accepted"`
	Served   int64 `json:"served"`
	Rejected int64 `json:"rejected"`
	Failed   int64 `json:"failed"`
	// The client's view of the same run.
	Sent      int64 `json:"sent"`
	OK        int64 `json:"ok"`
	Status503 int64 `json:"status_503"`
	Refused   int64 `json:"refused"` // after the listener closed: never accepted
	Reset     int64 `json:"reset"`   // connected, then reset or closed without a complete response
	Timeout   int64 `json:"timeout"`
	Other     int64 `json:"other"` // any other status or error
	// Answered is every complete response the clients got (any status); Lost is what the
	// server accepted and no client got an answer for: Accepted − Answered, when positive.
	Answered   int64  `json:"answered"`
	Lost       int64  `json:"lost"`
	FirstError string `json:"first_error,omitempty"` // the first error counted in Other, for diagnosis
}

// Latency summarises the latencies of one load run's successful requests, in µs, from
// each request's due time (open loop) or its send (closed loop). Percentiles are exact to
// 0.1% (an HDR histogram).
type Latency struct {
	N    int64   `json:"n"`
	Min  int64   `json:"min_us"`
	Mean float64 `json:"mean_us"`
	P50  int64   `json:"p50_us"`
	P90  int64   `json:"p90_us"`
	P99  int64   `json:"p99_us"`
	P999 int64   `json:"p999_us"`
	Max  int64   `json:"max_us"`
}
