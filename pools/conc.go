package pools

import (
	"context"

	"github.com/sourcegraph/conc/pool"
)

// Conc runs tasks on a sourcegraph/conc pool.Pool limited to Workers goroutines.
//
// It has no queue: Go blocks until a worker is free (Queue is ignored). A panicking task is
// caught and re-panicked by Wait, which here crashes the process. Go after Wait sends on
// the closed task channel and panics; so does a second Wait. It cannot reject, since Go has
// no form that does not wait: New refuses Config.Reject, which NewConc ignores.
type Conc struct{ p *pool.Pool }

var _ Executor = (*Conc)(nil)

// NewConc builds pool.New().WithMaxGoroutines(cfg.Workers).
func NewConc(cfg Config) *Conc {
	return &Conc{p: pool.New().WithMaxGoroutines(cfg.Workers)}
}

// Submit calls Pool.Go.
func (c *Conc) Submit(task func()) error {
	c.p.Go(task)
	return nil
}

// Shutdown runs Pool.Wait and waits for it or ctx.
func (c *Conc) Shutdown(ctx context.Context) error { return waitFor(ctx, c.p.Wait) }
