package results

import "time"

// Overload is what the overload study measured: each server on a CPU-bound route, driven
// open loop past its capacity, blocking and (where the executor can shed) rejecting, in
// the book's mode and in handler mode; and the same servers beside slow clients.
type Overload struct {
	Plan OverloadPlan `json:"plan"`
	// Reference is the server that is not an executor (NetHTTP in the HTTP study): it is
	// measured beside the executors and not ranked with them.
	Reference string           `json:"reference"`
	Configs   []OverloadConfig `json:"configs"` // in plan order: by mode, then server, blocking before rejecting
}

// OverloadPlan is how the overload study loads each server, and the rules it reads the
// runs by. Servers run with GOMAXPROCS ServerProcs and generators with GeneratorProcs, as
// in the HTTP study.
type OverloadPlan struct {
	Workers        int      `json:"workers"`
	Queue          int      `json:"queue"`
	ServerProcs    int      `json:"server_gomaxprocs"`
	GeneratorProcs int      `json:"generator_gomaxprocs"`
	Modes          []string `json:"modes"` // the serve modes studied
	// Servers, when set, limits the study to these servers (the quick grid); empty means
	// every executor of the run, and the reference.
	Servers []string `json:"servers,omitempty"`
	// The route: /work?n=WorkRounds, calibrated at the start of the run so that one
	// request's work costs about WorkTarget of CPU; WorkCost is what WorkRounds cost in
	// the calibration (the fastest of its repetitions).
	WorkRounds int           `json:"work_rounds"`
	WorkTarget time.Duration `json:"work_target_ns"`
	WorkCost   time.Duration `json:"work_cost_ns"`
	// KeepAlive says which modes' clients reuse connections: handler mode's, as the
	// clients of a net/http.Server do. The book's server closes every connection.
	KeepAlive []string `json:"keep_alive"`
	// Capacity: CapacityClients closed-loop clients for Capacity, CapacitySamples times
	// round-robin across the servers; the median is the capacity. It is measured on the
	// blocking server of each executor and mode, and the rejecting one gets the same
	// offered loads.
	CapacityClients int           `json:"capacity_clients"`
	Capacity        time.Duration `json:"capacity_ns"`
	CapacitySamples int           `json:"capacity_samples"`
	// Levels are the offered loads as multiples of capacity, each an open-loop run of Run.
	// The last level is the burst: after it the load drops to RecoveryLevel for Recovery,
	// in windows of Window, to see how long the p99 takes to come back under
	// RecoveryFactor times its value at the first level.
	Levels         []float64     `json:"levels"`
	Run            time.Duration `json:"run_ns"`
	RecoveryLevel  float64       `json:"recovery_level"`
	Recovery       time.Duration `json:"recovery_ns"`
	Window         time.Duration `json:"window_ns"`
	RecoveryFactor float64       `json:"recovery_factor"`
	// Slow clients: SlowClients connections writing their request one byte every
	// SlowInterval beside open-loop load at SlowLevel for Run, once per server and mode
	// (on the blocking server).
	SlowClients  int           `json:"slow_clients"`
	SlowInterval time.Duration `json:"slow_interval_ns"`
	SlowLevel    float64       `json:"slow_level"`
	Timeout      time.Duration `json:"timeout_ns"` // per request
	// After each run the study waits up to Settle for the server to go idle (its CPU use
	// under SettleCPU over a SettleSpan) before the next run starts; a server still busy
	// then, working off requests whose clients have left, is restarted, so that it does
	// not take the next run's CPU.
	Settle     time.Duration `json:"settle_ns"`
	SettleSpan time.Duration `json:"settle_span_ns"`
	SettleCPU  float64       `json:"settle_cpu"`
	// MinAchieved is the least fraction of its target rate a run must have sent for its
	// figures to count, as in the HTTP study.
	MinAchieved float64 `json:"min_achieved"`
	// The pick: among the executors' configurations whose runs at the first level and at
	// PickLevel are valid and whose p99 at PickLevel is at most PickP99Factor times their
	// p99 at the first level, the highest goodput at PickLevel. Each cell is one run, so
	// goodputs within PickTolerance of the best are not told apart from it.
	PickLevel     float64 `json:"pick_level"`
	PickP99Factor float64 `json:"pick_p99_factor"`
	PickTolerance float64 `json:"pick_tolerance"`
}

// OverloadConfig is one server in one mode, blocking or rejecting.
type OverloadConfig struct {
	Server string `json:"server"` // an executor, or the reference (NetHTTP)
	Mode   string `json:"mode"`
	Reject bool   `json:"reject"` // built with pools.Config.Reject: a full executor answers 503
	Error  string `json:"error,omitempty"`
	// Capacity is the closed-loop throughput in 2xx/s, the median of CapacityRuns (the
	// blocking server's, for a rejecting one).
	Capacity     float64   `json:"capacity"`
	CapacityRuns []float64 `json:"capacity_runs"`
	// CPUPerRequest is the server's CPU time per successful request during the capacity
	// runs: near WorkCost, plus what the server spends on the connection and the request.
	CPUPerRequest time.Duration `json:"cpu_per_request_ns"`
	Runs          []OverloadRun `json:"runs"` // one per level
	// Recovery is how long after the burst the p99 came back: the end of the first
	// window after it whose requests all succeeded with a p99 under RecoveryFactor times
	// the first level's p99. Recovered is false when no window did within Recovery.
	Recovered bool          `json:"recovered"`
	Recovery  time.Duration `json:"recovery_ns"`
	// Windows are the requests due in each window after the burst, for the chart.
	Windows []OverloadWindow `json:"windows,omitempty"`
	// Slow is the run beside slow clients, on the blocking server only.
	Slow *OverloadSlow `json:"slow,omitempty"`
	// Restarts counts the runs after which the server was still busy past Settle and was
	// restarted.
	Restarts int `json:"restarts"`
}

// OverloadRun is one open-loop run at a level of offered load, one run per level.
type OverloadRun struct {
	Level    float64 `json:"level"`    // of capacity
	Offered  float64 `json:"offered"`  // requests per second
	Achieved float64 `json:"achieved"` // requests sent per second
	// Valid is false when the generator sent less than MinAchieved of Offered; then the
	// figures below describe a lighter load than the level says.
	Valid   bool    `json:"valid"`
	Goodput float64 `json:"goodput"` // 2xx per second of the run
	Sent    int64   `json:"sent"`
	OK      int64   `json:"ok"`
	// Rejected are 503 answers; Timeout, Reset and Other the requests that got no answer.
	Rejected int64 `json:"rejected"`
	Timeout  int64 `json:"timeout"`
	Reset    int64 `json:"reset"`
	Other    int64 `json:"other"` // any other status or error
	// Latency is of the successful requests, from each one's scheduled send time; nil when
	// none succeeded.
	Latency *Latency `json:"latency,omitempty"`
	// ServerCPU is the server's CPU use over the run, of its GOMAXPROCS: the burst's
	// includes the recovery that follows it. OtherCPU is the cores that neither server
	// nor generator used, on average: other processes, and the kernel's network work.
	ServerCPU float64 `json:"server_cpu"`
	OtherCPU  float64 `json:"other_cpu"`
}

// OverloadWindow is the requests due in one window after the burst.
type OverloadWindow struct {
	Start time.Duration `json:"start_ns"` // from the burst's end
	Sent  int64         `json:"sent"`
	OK    int64         `json:"ok"`
	P99   int64         `json:"p99_us"` // of the OK ones; 0 when none
}

// OverloadSlow is the normal clients' load at SlowLevel beside SlowClients slow ones.
type OverloadSlow struct {
	Run OverloadRun `json:"run"`
	// The slow clients' requests: SlowAnswered got an answer (any status) during the run,
	// SlowFailed were reset or timed out, SlowUnfinished were still being written or
	// waiting for their answer when it ended.
	SlowAnswered   int64 `json:"slow_answered"`
	SlowFailed     int64 `json:"slow_failed"`
	SlowUnfinished int64 `json:"slow_unfinished"`
}
