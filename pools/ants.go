package pools

import (
	"context"
	"errors"
	"fmt"

	"github.com/panjf2000/ants/v2"
)

// Ants runs tasks on an ants.Pool of Workers goroutines.
//
// ants has no queue: Submit blocks until a worker is free (Queue is ignored). With
// Config.Reject the pool is built with ants.WithNonblocking(true), and Submit returns
// ants.ErrPoolOverload, wrapped with ErrFull, whenever all Workers goroutines are taken: a
// worker is taken from when it gets a task until it has put itself back in the pool's
// idle list, a moment after the task returns. A panicking task is recovered by the worker,
// which logs it with its stack through the pool's logger (stderr by default) and exits; the
// pool starts another. Submit after ReleaseContext returns ants.ErrPoolClosed. A second
// ReleaseContext returns ants.ErrPoolClosed at once.
type Ants struct{ p *ants.Pool }

var _ Executor = (*Ants)(nil)

// NewAnts builds an ants.Pool of cfg.Workers goroutines with the library's defaults, and
// ants.WithNonblocking(cfg.Reject).
func NewAnts(cfg Config) (*Ants, error) {
	p, err := ants.NewPool(cfg.Workers, ants.WithNonblocking(cfg.Reject))
	if err != nil {
		return nil, fmt.Errorf("pools: ants: %w", err)
	}
	return &Ants{p: p}, nil
}

// Submit calls Pool.Submit, marking ants.ErrPoolOverload as ErrFull.
func (a *Ants) Submit(task func()) error {
	err := a.p.Submit(task)
	if errors.Is(err, ants.ErrPoolOverload) {
		return fmt.Errorf("%w: %w", ErrFull, err)
	}
	return err
}

// Shutdown calls Pool.ReleaseContext(ctx).
func (a *Ants) Shutdown(ctx context.Context) error { return a.p.ReleaseContext(ctx) }
