// Package throughput is the throughput study: how fast each executor runs batches of
// tasks, and what it holds and costs around them.
//
// The workloads (noop, cpu, hash, io, mixed) are defined once, in Workloads, and both the
// study and the root package's BenchmarkThroughput run them through a Runner: one
// executor or floor, a pool size, a number of submitting goroutines, and batches of
// BatchSize tasks submitted and waited for. A row of the study is a GOMAXPROCS value, a
// workload, a pool size and a submitter count; Run measures every row on every executor
// and on the floors (chan and static, the references with no pool API), one sample of
// each cell in turn so that a disturbance on a shared machine spreads over all of them.
// Each sample builds its executor afresh and shuts it down before the next is built, so
// that the goroutines it counts are its own.
//
// Around the rows, Run times Cycle (New then Shutdown with no task) per executor and pool
// size, and MeasurePending measures the memory an executor holds with a million tasks
// waiting. Run sets GOMAXPROCS for each value of the run's Procs and restores it.
package throughput
