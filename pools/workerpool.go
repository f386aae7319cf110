package pools

import (
	"context"

	"github.com/gammazero/workerpool"
)

// WorkerPool runs tasks on a gammazero/workerpool of up to Workers goroutines.
//
// Its waiting queue is unbounded, so Do never blocks (Queue is ignored). A panicking task
// is not recovered: it crashes the process. Do after a stop returns workerpool.ErrStopped.
// StopWait drains the queue and has no deadline of its own. It cannot reject, since its
// queue has no bound: New refuses Config.Reject, which NewWorkerPool ignores.
type WorkerPool struct{ p *workerpool.WorkerPool }

var _ Executor = (*WorkerPool)(nil)

// NewWorkerPool builds workerpool.New(cfg.Workers).
func NewWorkerPool(cfg Config) *WorkerPool {
	return &WorkerPool{p: workerpool.New(cfg.Workers)}
}

// Submit calls WorkerPool.Do.
func (w *WorkerPool) Submit(task func()) error { return w.p.Do(task) }

// Shutdown runs StopWait and waits for it or ctx.
func (w *WorkerPool) Shutdown(ctx context.Context) error { return waitFor(ctx, w.p.StopWait) }
