package pools

import (
	"context"
	"time"

	"github.com/alitto/pond"
)

// Pond runs tasks on a pond (v1) WorkerPool of up to Workers goroutines, with a buffered
// channel of Queue tasks in front (unbuffered when 0).
//
// Submit blocks while the channel is full. With Config.Reject, Submit calls TrySubmit and
// returns ErrFull when it reports false: no worker could be started and the channel had no
// room. With Queue 0 that means no worker was waiting in its receive at that instant, which
// a worker just done with a task may not be yet. TrySubmit also reports false after a stop,
// with nothing to tell the two apart, so Submit returns ErrFull then too. A panicking task
// is recovered by the worker and passed to the default panic handler, which prints it with
// its stack to stdout. Submit after a stop, without Reject, panics with
// pond.ErrSubmitOnStoppedPool: the library's Submit returns no error, so this adapter's
// Submit never returns one either. StopAndWaitFor, at its deadline, cancels the pool's
// context so workers drop what is still queued.
type Pond struct {
	p      *pond.WorkerPool
	reject bool
}

var _ Executor = (*Pond)(nil)

// NewPond builds pond.New(cfg.Workers, cfg.Queue) with the library's defaults.
func NewPond(cfg Config) *Pond {
	return &Pond{p: pond.New(cfg.Workers, cfg.Queue), reject: cfg.Reject}
}

// Submit calls WorkerPool.Submit, or with Config.Reject WorkerPool.TrySubmit.
func (p *Pond) Submit(task func()) error {
	if p.reject {
		if !p.p.TrySubmit(task) {
			return ErrFull
		}
		return nil
	}
	p.p.Submit(task)
	return nil
}

// Shutdown calls StopAndWaitFor with the time left until ctx's deadline, which reports no
// timeout, so a deadline that has passed when it returns becomes ctx's error. Without a
// deadline, it waits on StopAndWait or ctx.
func (p *Pond) Shutdown(ctx context.Context) error {
	dl, ok := ctx.Deadline()
	if !ok {
		return waitFor(ctx, p.p.StopAndWait)
	}
	p.p.StopAndWaitFor(time.Until(dl))
	if !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return ctx.Err()
}
