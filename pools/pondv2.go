package pools

import (
	"context"

	"github.com/alitto/pond/v2"
)

// PondV2 runs tasks on a pond/v2 Pool of up to Workers goroutines.
//
// With Queue > 0 the queue holds that many tasks and Go blocks while it is full; with 0 it
// is unbounded. The pool recovers a panicking task and counts it as failed, reporting it
// nowhere else when submitted with Go. Go after Stop returns pond.ErrPoolStopped. Stop
// drains the queue; it runs its wait as a task on pond's package-level default pool.
type PondV2 struct{ p pond.Pool }

var _ Executor = (*PondV2)(nil)

// NewPondV2 builds pond.NewPool(cfg.Workers), with pond.WithQueueSize(cfg.Queue) when
// cfg.Queue > 0.
func NewPondV2(cfg Config) *PondV2 {
	var opts []pond.Option
	if cfg.Queue > 0 {
		opts = append(opts, pond.WithQueueSize(cfg.Queue))
	}
	return &PondV2{p: pond.NewPool(cfg.Workers, opts...)}
}

// Submit calls Pool.Go.
func (p *PondV2) Submit(task func()) error { return p.p.Go(task) }

// Shutdown calls Pool.Stop and waits on its Done channel or ctx.
func (p *PondV2) Shutdown(ctx context.Context) error { return waitDone(ctx, p.p.Stop().Done()) }
