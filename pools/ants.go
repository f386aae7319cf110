package pools

import (
	"context"
	"fmt"

	"github.com/panjf2000/ants/v2"
)

// Ants runs tasks on an ants.Pool of Workers goroutines.
//
// ants has no queue: Submit blocks until a worker is free (Queue is ignored). A panicking
// task is recovered by the worker, which logs it with its stack through the pool's logger
// (stderr by default) and exits; the pool starts another. Submit after ReleaseContext returns
// ants.ErrPoolClosed. A second ReleaseContext returns ants.ErrPoolClosed at once.
type Ants struct{ p *ants.Pool }

var _ Executor = (*Ants)(nil)

// NewAnts builds an ants.Pool of cfg.Workers goroutines with the library's defaults.
func NewAnts(cfg Config) (*Ants, error) {
	p, err := ants.NewPool(cfg.Workers)
	if err != nil {
		return nil, fmt.Errorf("pools: ants: %w", err)
	}
	return &Ants{p: p}, nil
}

// Submit calls Pool.Submit.
func (a *Ants) Submit(task func()) error { return a.p.Submit(task) }

// Shutdown calls Pool.ReleaseContext(ctx).
func (a *Ants) Shutdown(ctx context.Context) error { return a.p.ReleaseContext(ctx) }
