package pools

import (
	"context"
	"sync"

	"github.com/bytedance/gopkg/util/gopool"
)

// GoPool runs tasks on a bytedance/gopkg gopool.Pool capped at Workers goroutines.
//
// Its task list is unbounded, so Go never blocks (Queue is ignored); a worker starts when a
// task arrives and fewer than the cap are running, and exits when the list is empty. The pool
// recovers a panicking task and passes it to its panic handler, by default a log line with
// the stack on stderr; the worker lives on. gopool has no stop, no close and no wait: the
// adapter counts its tasks with a sync.WaitGroup, which Shutdown waits on, and that count is
// the glue this library needs. With no stopped state, Submit after Shutdown runs the task.
// A task that calls runtime.Goexit ends its worker without uncounting it, so with a cap of
// one no worker starts again and what is queued never runs.
type GoPool struct {
	p    gopool.Pool
	mu   sync.Mutex
	idle sync.Cond // signalled when n falls to 0
	n    int       // tasks submitted and not yet ended, guarded by mu: what Shutdown waits for
}

var _ Executor = (*GoPool)(nil)

// NewGoPool builds gopool.NewPool("poolbench", cfg.Workers, gopool.NewConfig()).
func NewGoPool(cfg Config) *GoPool {
	g := &GoPool{p: gopool.NewPool("poolbench", int32(cfg.Workers), gopool.NewConfig())}
	g.idle.L = &g.mu
	return g
}

// Submit counts task and calls Pool.Go. The count is given back by a defer, so that a task
// that panics, which the pool recovers, still ends. The count is a mutex and a condition
// rather than a sync.WaitGroup, whose Add must not race with Wait: Submit may run at any
// time, Shutdown included.
func (g *GoPool) Submit(task func()) error {
	g.mu.Lock()
	g.n++
	g.mu.Unlock()
	g.p.Go(func() {
		defer func() {
			g.mu.Lock()
			if g.n--; g.n == 0 {
				g.idle.Broadcast()
			}
			g.mu.Unlock()
		}()
		task()
	})
	return nil
}

// Shutdown waits until no counted task is left, or ctx. It stops nothing.
func (g *GoPool) Shutdown(ctx context.Context) error {
	return waitFor(ctx, func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		for g.n > 0 {
			g.idle.Wait()
		}
	})
}
