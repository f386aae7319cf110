package main

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"poolbench/compare/throughput"
	"poolbench/pools"
)

// BenchmarkThroughput runs every workload on every executor and the floors that apply,
// with each of the workload's pool sizes (GOMAXPROCS workers, and a large pool for noop
// and cpu) and 1, 16 and 256 submitting goroutines. One op is one batch of
// throughput.BatchSize tasks, submitted and waited for (the tasks signal a WaitGroup); the
// executor is built before the timer starts and shut down in Cleanup. Besides ns/op (per
// batch) and -benchmem's per-batch figures, it reports per task: ns/task, allocs/task and
// B/task; over one task in throughput.SampleEvery (sampled in the same run, which costs a
// few ns per task), p99-submit-ns (time in Submit) and p99-wait-ns (Submit's return to the
// task's start); and peak-goroutines, the executor's own. -cpu runs it at each GOMAXPROCS,
// with the GOMAXPROCS-sized pools (workers=procs) sized to match.
//
//	go test -run '^$' -bench Throughput -count 6 > new.txt
//	go tool benchstat -col /pool -row /work,/workers,/sub,/gomaxprocs new.txt
func BenchmarkThroughput(b *testing.B) {
	cal := throughput.Calibrate()
	for _, w := range throughput.Workloads(cal) {
		b.Run("work="+w.Name, func(b *testing.B) {
			for _, size := range w.Sizes(0) { // 0 stands for GOMAXPROCS, sized in the leaf
				b.Run(sizeName(size), func(b *testing.B) {
					for _, sub := range throughput.Submitters() {
						b.Run(fmt.Sprintf("sub=%d", sub), func(b *testing.B) {
							for _, pool := range throughput.WithFloors(pools.Names(), max(size, 1)) {
								b.Run("pool="+pool, func(b *testing.B) {
									workers := poolSize(size)
									if w.Name == "cpu" && sub == 1 && size == 0 && pool == throughput.FloorStatic {
										// A parent's log is not printed without -v; a leaf's is, once per -count.
										b.Logf("calibration: a cpu task is %d Spin rounds, median %.0f ns of %d (target %v); batch %d tasks; io workers %d",
											cal.Rounds, cal.Task.Median, cal.Task.N, cal.Target, throughput.BatchSize, throughput.IOWorkers)
									}
									benchBatches(b, w, workers, sub, pool)
								})
							}
						})
					}
				})
			}
		})
	}
}

// sizeName names a pool size in these benchmarks: 0 is workers=procs, GOMAXPROCS workers.
func sizeName(size int) string {
	if size == 0 {
		return "workers=procs"
	}
	return "workers=" + strconv.Itoa(size)
}

// poolSize is the number of workers for a size named by sizeName. It is read in the leaf:
// -cpu sets GOMAXPROCS there, and not in the parents, which run once.
func poolSize(size int) int {
	if size == 0 {
		return runtime.GOMAXPROCS(0)
	}
	return size
}

func benchBatches(b *testing.B, w throughput.Workload, workers, sub int, pool string) {
	r, err := throughput.NewRunner(w, pool, workers, sub)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Close(ctx); err != nil {
			b.Error(err)
		}
	})
	if err := r.Batch(); err != nil { // warm up: start the workers
		b.Fatal(err)
	}
	r.Timings()
	r.Reserve(b.N)
	b.ReportAllocs()
	objs0, bytes0 := throughput.HeapAllocs()
	b.ResetTimer()
	for range b.N {
		if err := r.Batch(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	objs1, bytes1 := throughput.HeapAllocs()
	tasks := float64(b.N * throughput.BatchSize)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/tasks, "ns/task")
	b.ReportMetric(float64(objs1-objs0)/tasks, "allocs/task")
	b.ReportMetric(float64(bytes1-bytes0)/tasks, "B/task")
	if blocked, waited := r.Timings(); len(blocked) > 0 {
		b.ReportMetric(float64(throughput.Percentile(blocked, 99).Nanoseconds()), "p99-submit-ns")
		b.ReportMetric(float64(throughput.Percentile(waited, 99).Nanoseconds()), "p99-wait-ns")
	}
	b.ReportMetric(float64(r.PeakGoroutines()), "peak-goroutines")
}

// BenchmarkLifecycle measures, per executor and pool size (GOMAXPROCS workers and
// throughput.LargePool), building the executor and shutting it down at once with no task
// submitted: what a program pays for a pool made per request or per job.
//
//	go test -run '^$' -bench Lifecycle -count 6 > life.txt
//	go tool benchstat -col /workers -row /pool life.txt
func BenchmarkLifecycle(b *testing.B) {
	for _, size := range []int{0, throughput.LargePool} {
		b.Run(sizeName(size), func(b *testing.B) {
			for _, pool := range pools.Names() {
				b.Run("pool="+pool, func(b *testing.B) {
					workers := poolSize(size)
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					b.ReportAllocs()
					for b.Loop() {
						if err := throughput.Cycle(ctx, pool, workers); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkPending measures, per executor, the memory and goroutines held with
// throughput.PendingTasks tasks submitted and none run: the workers are blocked on a gate.
// Memory is the growth in live heap objects plus goroutine stacks after a GC
// (runtime/metrics), per pending task. An executor whose Submit blocks first (no queue)
// cannot hold them: its benchmark is skipped with the reason, after 1s without progress.
func BenchmarkPending(b *testing.B) {
	for _, pool := range pools.Names() {
		b.Run("pool="+pool, func(b *testing.B) {
			var heap, stack, goroutines float64
			for range b.N {
				p, err := throughput.MeasurePending(context.Background(), pool, runtime.GOMAXPROCS(0), throughput.PendingTasks, time.Second)
				if err != nil {
					b.Fatal(err)
				}
				if !p.Applicable {
					b.Skipf("not applicable: %s", p.Reason)
				}
				heap += float64(p.HeapBytes) / float64(p.Accepted)
				stack += float64(p.StackBytes) / float64(p.Accepted)
				goroutines = max(goroutines, float64(p.Goroutines))
			}
			n := float64(b.N)
			b.ReportMetric(heap/n, "heap-B/task")
			b.ReportMetric(stack/n, "stack-B/task")
			b.ReportMetric((heap+stack)/n, "B/task")
			b.ReportMetric(goroutines, "added-goroutines") // beyond those before the executor was built
			b.ReportMetric(0, "ns/op")
		})
	}
}
