package pools

import (
	"context"
	"errors"
	"fmt"

	"github.com/alitto/pond/v2"
)

// PondV2 runs tasks on a pond/v2 Pool of up to Workers goroutines.
//
// With Queue > 0 the queue holds that many tasks and Go blocks while it is full; with 0 it
// is unbounded. With Config.Reject the pool is built with pond.WithNonBlocking(true), and
// Go returns pond.ErrQueueFull, wrapped with ErrFull, when Queue tasks are waiting: they
// wait only while all Workers are running. An unbounded queue is never full, so New refuses
// Reject with Queue 0. The pool recovers a panicking task and counts it as failed, reporting
// it nowhere else when submitted with Go. Go after Stop returns pond.ErrPoolStopped. Stop
// drains the queue; it runs its wait as a task on pond's package-level default pool.
type PondV2 struct{ p pond.Pool }

var _ Executor = (*PondV2)(nil)

// NewPondV2 builds pond.NewPool(cfg.Workers) with pond.WithNonBlocking(cfg.Reject), and
// pond.WithQueueSize(cfg.Queue) when cfg.Queue > 0. It returns ErrCannotReject for Reject
// with Queue 0.
func NewPondV2(cfg Config) (*PondV2, error) {
	if cfg.Reject && cfg.Queue == 0 {
		return nil, fmt.Errorf("%w: pondv2: with Queue 0 its queue is unbounded and never full; set Queue > 0", ErrCannotReject)
	}
	opts := []pond.Option{pond.WithNonBlocking(cfg.Reject)}
	if cfg.Queue > 0 {
		opts = append(opts, pond.WithQueueSize(cfg.Queue))
	}
	return &PondV2{p: pond.NewPool(cfg.Workers, opts...)}, nil
}

// Submit calls Pool.Go, marking pond.ErrQueueFull as ErrFull.
func (p *PondV2) Submit(task func()) error {
	err := p.p.Go(task)
	if errors.Is(err, pond.ErrQueueFull) {
		return fmt.Errorf("%w: %w", ErrFull, err)
	}
	return err
}

// Shutdown calls Pool.Stop and waits on its Done channel or ctx.
func (p *PondV2) Shutdown(ctx context.Context) error { return waitDone(ctx, p.p.Stop().Done()) }
