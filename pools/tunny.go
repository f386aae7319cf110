package pools

import (
	"context"

	"github.com/Jeffail/tunny"
)

// Tunny runs tasks on a Jeffail/tunny Pool of Workers goroutines, built with NewCallback.
//
// Process is synchronous: Submit hands the task to a free worker and returns only when the
// task has run, so a caller waits for its own task and the executor holds no queue (Queue is
// ignored). When every worker is busy, Submit blocks until one is free and then for the
// task. A panicking task is not recovered: it crashes the process. Close stops and joins
// every worker, each after the task it is running, and has no deadline of its own. Process
// after Close panics with tunny.ErrPoolNotRunning. A Process blocked waiting for a worker
// when Close starts is, at random, served by a stopping worker or left to panic the same
// way. A second Close panics on closing a closed channel, here on the goroutine Shutdown
// waits on, which crashes the process. A task that calls runtime.Goexit makes its own
// Process panic with tunny.ErrWorkerClosed and leaves the pool a worker short.
type Tunny struct{ p *tunny.Pool }

var _ Executor = (*Tunny)(nil)

// NewTunny builds tunny.NewCallback(cfg.Workers).
func NewTunny(cfg Config) *Tunny {
	return &Tunny{p: tunny.NewCallback(cfg.Workers)}
}

// Submit calls Pool.Process, which returns when the task has run. Process reports a payload
// that is not a func() by returning tunny.ErrJobNotFunc, which Submit returns.
func (t *Tunny) Submit(task func()) error {
	if err, ok := t.p.Process(task).(error); ok {
		return err
	}
	return nil
}

// Shutdown runs Pool.Close and waits for it or ctx.
func (t *Tunny) Shutdown(ctx context.Context) error { return waitFor(ctx, t.p.Close) }
