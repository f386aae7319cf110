package pools

import (
	"context"
	"time"

	"github.com/alitto/pond"
)

// Pond runs tasks on a pond (v1) WorkerPool of up to Workers goroutines, with a buffered
// channel of Queue tasks in front (unbuffered when 0).
//
// Submit blocks while the channel is full. A panicking task is recovered by the worker and
// passed to the default panic handler, which prints it with its stack to stdout. Submit
// after a stop panics with pond.ErrSubmitOnStoppedPool: the library's Submit returns no
// error, so this adapter's Submit never returns one either. StopAndWaitFor, at its
// deadline, cancels the pool's context so workers drop what is still queued.
type Pond struct{ p *pond.WorkerPool }

var _ Executor = (*Pond)(nil)

// NewPond builds pond.New(cfg.Workers, cfg.Queue) with the library's defaults.
func NewPond(cfg Config) *Pond {
	return &Pond{p: pond.New(cfg.Workers, cfg.Queue)}
}

// Submit calls WorkerPool.Submit.
func (p *Pond) Submit(task func()) error {
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
