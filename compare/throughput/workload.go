package throughput

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"time"

	"poolbench/compare/results"
	"poolbench/internal/stats"
)

// BatchSize is the number of tasks in one batch: one op of BenchmarkThroughput, and the
// unit a throughput sample is made of. Large enough that the cost of starting and ending a
// batch (waking submitters, waiting for the last task) is small beside the tasks.
const BatchSize = 1000

// IOWorkers is the workers the io workload gives every executor: one per task of a batch,
// so that all of a batch's sleeps can overlap and a batch costs one sleep plus the pool's
// scheduling, not BatchSize/Workers sleeps in a row.
const IOWorkers = BatchSize

// IOSleep is how long an io task sleeps.
const IOSleep = time.Millisecond

// LargePool is the large pool size that noop and cpu also run with, beside GOMAXPROCS
// workers: the size people configure for tasks that may block, where rankings flip (a pool
// with room for that many workers may start a goroutine for almost every task).
const LargePool = 10_000

// CPUTarget is how long a cpu task aims to run on this machine, after calibration.
const CPUTarget = 10 * time.Microsecond

// HashSize is the bytes a hash task runs SHA-256 over.
const HashSize = 1024

// MixedLongEvery is the mixed workload's share of long tasks: about one task in
// MixedLongEvery runs mixedSpread² times longer than the others.
const MixedLongEvery = 50

// mixedSpread scales the mixed workload's tasks from a cpu task's length: short ones are
// that many times shorter, long ones that many times longer.
const mixedSpread = 10

// The floors, measured beside the executors under these pool names.
const (
	// FloorChan hands each task over one buffered channel to Workers goroutines: the
	// cost of a hand-off, with no pool API around it.
	FloorChan = "chan"
	// FloorStatic has each of Workers goroutines run its share of the batch in place:
	// the cost of the work alone. It runs only where Workers <= BatchSize: beyond, most
	// goroutines would have no share and the floor would time its own hand-offs.
	FloorStatic = "static"
)

// Floors returns the floors' pool names.
func Floors() []string { return []string{FloorChan, FloorStatic} }

// WithFloors returns executors followed by the floors that run with workers workers.
func WithFloors(executors []string, workers int) []string {
	out := append(slices.Clone(executors), FloorChan)
	if workers <= BatchSize {
		out = append(out, FloorStatic)
	}
	return out
}

// Submitters returns the numbers of submitting goroutines every workload is run with.
func Submitters() []int { return []int{1, 16, 256} }

// A Workload is one kind of task that the throughput study and BenchmarkThroughput run in
// batches of BatchSize on every executor: its description and its work.
type Workload struct {
	results.Workload
	// Work is task i's work; nil for noop. Its result is kept by the caller, so that the
	// compiler cannot remove the work.
	Work func(i int) uint64
}

// Workloads returns noop, cpu, hash, io and mixed, with cpu and mixed sized by cal.
// Every one but io runs with GOMAXPROCS workers (more would only queue for the CPUs), noop
// and cpu with LargePool too; io runs with IOWorkers.
func Workloads(cal results.Calibration) []Workload {
	rounds := max(cal.Rounds, 1)
	short, long := max(rounds/mixedSpread, 1), rounds*mixedSpread
	input := make([]byte, HashSize)
	for i := range input {
		input[i] = byte(splitmix64(uint64(i)))
	}
	return []Workload{
		{Workload: results.Workload{Name: "noop", PerProc: true, Fixed: []int{LargePool},
			About: "an empty task: the executor's dispatch cost alone"}},
		{Workload: results.Workload{Name: "cpu", PerProc: true, Fixed: []int{LargePool},
			About: fmt.Sprintf("Spin for about %v (calibrated) per task; with one submitter "+
				"this measures how fast the pool hands work to idle workers more than what a task costs", CPUTarget)},
			Work: func(i int) uint64 { return Spin(rounds, uint64(i)) }},
		{Workload: results.Workload{Name: "hash", PerProc: true,
			About: fmt.Sprintf("SHA-256 (crypto/sha256) of one fixed %d-byte buffer that every task reads: real library code", HashSize)},
			Work: func(int) uint64 {
				sum := sha256.Sum256(input)
				return binary.LittleEndian.Uint64(sum[:])
			}},
		{Workload: results.Workload{Name: "io", Fixed: []int{IOWorkers},
			About:      fmt.Sprintf("time.Sleep(%v) per task, one worker per task of a batch", IOSleep),
			TimerBound: true,
			Why: fmt.Sprintf("a batch costs about one %v sleep and the wake-up of a thousand sleepers, so how late the runtime's timer "+
				"fires and how busy the machine is decide ns/task; both move between runs of the same binary far more than a run's interval shows, "+
				"and so do the ratios to the floors. Only a difference of several times is the executor's own "+
				"(a Submit that waits for its task runs the sleeps one after another)", IOSleep)},
			Work: func(int) uint64 { time.Sleep(IOSleep); return 0 }},
		{Workload: results.Workload{Name: "mixed", PerProc: true,
			About: fmt.Sprintf("long tail: Spin for about %v, but %v for the tasks MixedLong picks (about 1 in %d)",
				CPUTarget/mixedSpread, CPUTarget*mixedSpread, MixedLongEvery)},
			Work: func(i int) uint64 {
				if MixedLong(i) {
					return Spin(long, uint64(i))
				}
				return Spin(short, uint64(i))
			}},
	}
}

// MixedLong reports whether task i of a mixed batch is a long one. The pattern is fixed
// but scattered (a hash of i), so long tasks bunch up the way a real tail does and a
// static split of the batch can be unlucky.
func MixedLong(i int) bool { return splitmix64(uint64(i))%MixedLongEvery == 0 }

// splitmix64 is the SplitMix64 output function: a cheap, well-mixed hash of x.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Spin runs rounds steps of a 64-bit LCG with an xorshift from seed and returns the
// state: real CPU work whose every step depends on the last, so it can be neither skipped
// nor overlapped. Its cost is linear in rounds.
func Spin(rounds int, seed uint64) uint64 {
	x := seed | 1
	for range rounds {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 29
	}
	return x
}

// calibrationProbe is the Spin rounds timed per calibration run: long enough (about
// 100µs here) that the clock's cost and resolution vanish.
const calibrationProbe = 50_000

// Calibrate finds the Spin rounds that take CPUTarget here, then times cpu tasks of that
// size. It takes about 20ms.
func Calibrate() results.Calibration {
	return calibrate(CPUTarget, func(rounds int) time.Duration {
		start := time.Now()
		x := Spin(rounds, uint64(start.UnixNano()))
		d := time.Since(start)
		runtime.KeepAlive(x) // so that the compiler must compute x
		return d
	})
}

// calibrate is Calibrate with the timing of Spin(rounds) given as measure. It first runs
// Spin for a while, so that a core that was idle has reached its working clock. It then
// takes the fastest of several long probes, because on a shared machine every disturbance
// only adds time, and finally corrects the rounds by the median of task-sized runs, since
// short and long runs need not scale exactly.
func calibrate(target time.Duration, measure func(rounds int) time.Duration) results.Calibration {
	var warm time.Duration
	for i := 0; i < 1000 && warm < 20*time.Millisecond; i++ {
		warm += measure(calibrationProbe)
	}
	const probes = 15
	fastest := time.Duration(1<<63 - 1)
	for range probes {
		fastest = min(fastest, measure(calibrationProbe))
	}
	rounds := scaleRounds(calibrationProbe, target, fastest)
	rounds = scaleRounds(rounds, target, time.Duration(timeTasks(rounds, measure).Median))
	return results.Calibration{Target: target, Rounds: rounds, Task: timeTasks(rounds, measure)}
}

// scaleRounds returns the rounds that take target if rounds took took.
func scaleRounds(rounds int, target, took time.Duration) int {
	return max(int(float64(rounds)*float64(target)/float64(max(took, 1))+0.5), 1)
}

// timeTasks times 51 runs of Spin(rounds), in ns.
func timeTasks(rounds int, measure func(rounds int) time.Duration) results.Summary {
	ns := make([]float64, 51)
	for i := range ns {
		ns[i] = float64(measure(rounds).Nanoseconds())
	}
	return stats.Summarize(ns, "ns")
}
