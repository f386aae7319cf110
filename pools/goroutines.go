package pools

import (
	"context"
	"sync"
)

// Goroutines is the baseline: one new goroutine per task, no limit, no queue, no stopped
// state. A panicking task crashes the process, and Submit after Shutdown starts the task.
// Having no limit, it is never full: New refuses Config.Reject.
type Goroutines struct{ wg sync.WaitGroup }

var _ Executor = (*Goroutines)(nil)

// NewGoroutines returns the baseline executor; it ignores Config.
func NewGoroutines() *Goroutines { return new(Goroutines) }

// Submit starts task on a new goroutine.
func (g *Goroutines) Submit(task func()) error {
	g.wg.Go(task)
	return nil
}

// Shutdown waits for every started task, or ctx.
func (g *Goroutines) Shutdown(ctx context.Context) error { return waitFor(ctx, g.wg.Wait) }
