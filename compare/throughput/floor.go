package throughput

import (
	"context"
	"sync"
)

// chanFloor is the chan floor: Workers goroutines ranging over one buffered channel.
// It is what every queueing pool does at heart, with nothing around it.
type chanFloor struct {
	tasks chan func()
	exit  sync.WaitGroup
}

func newChanFloor(workers, queue int) *chanFloor {
	f := &chanFloor{tasks: make(chan func(), queue)}
	for range workers {
		// Ended by Shutdown, which closes tasks.
		f.exit.Go(func() {
			for t := range f.tasks {
				t()
			}
		})
	}
	return f
}

// Submit sends task on the channel; it blocks while the channel is full.
func (f *chanFloor) Submit(task func()) error {
	f.tasks <- task
	return nil
}

// Shutdown closes the channel and waits for the workers to drain it. It ignores ctx: the
// floor runs only the study's own tasks, which always end.
func (f *chanFloor) Shutdown(context.Context) error {
	close(f.tasks)
	f.exit.Wait()
	return nil
}

// staticFloor is the static floor: Workers goroutines, goroutine k running share k of
// the batch in place, so the only hand-off is one per goroutine per batch.
type staticFloor struct {
	starts []chan [2]int // goroutine k's share of the batch, [lo, hi)
	exit   sync.WaitGroup
}

func newStaticFloor(workers int, tasks []func()) *staticFloor {
	f := &staticFloor{starts: make([]chan [2]int, workers)}
	for k := range f.starts {
		start := make(chan [2]int, 1)
		f.starts[k] = start
		// Ended by close, which closes start.
		f.exit.Go(func() {
			for s := range start {
				for _, t := range tasks[s[0]:s[1]] {
					t()
				}
			}
		})
	}
	return f
}

// batch hands goroutine k share k of the first tasks tasks; the tasks themselves signal
// the batch's end.
func (f *staticFloor) batch(tasks int) {
	n := len(f.starts)
	for k, start := range f.starts {
		start <- [2]int{k * tasks / n, (k + 1) * tasks / n}
	}
}

func (f *staticFloor) close() {
	for _, start := range f.starts {
		close(start)
	}
	f.exit.Wait()
}
