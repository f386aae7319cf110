package pools

import (
	"context"

	"golang.org/x/sync/semaphore"
)

// Semaphore runs each task on a new goroutine, with a semaphore.Weighted of Workers units
// bounding how many run at once: the worker pool of the package's own example.
//
// It has no queue and no workers: Submit blocks in Acquire until a unit is free, then starts
// a goroutine that runs the task and releases the unit (Queue is ignored). A panicking task
// is not recovered: it crashes the process. Shutdown acquires every unit, a wait that honours
// ctx, and gives them back. Acquire is first come first served, so Submits that start while
// Shutdown waits block behind it until it returns. There is no stopped state: Submit after
// Shutdown runs the task.
type Semaphore struct {
	s      *semaphore.Weighted
	n      int64 // the semaphore's size: Config.Workers
	reject bool  // TryAcquire instead of Acquire
}

var _ Executor = (*Semaphore)(nil)

// NewSemaphore builds semaphore.NewWeighted(cfg.Workers).
func NewSemaphore(cfg Config) *Semaphore {
	return &Semaphore{s: semaphore.NewWeighted(int64(cfg.Workers)), n: int64(cfg.Workers), reject: cfg.Reject}
}

// Submit calls Weighted.Acquire for one unit, which blocks until one is free, and starts
// the task on a goroutine that releases the unit when the task returns. With Reject it calls
// Weighted.TryAcquire instead and returns ErrFull when no unit is free, or when others wait
// for one (TryAcquire does not jump the line).
func (s *Semaphore) Submit(task func()) error {
	if s.reject {
		if !s.s.TryAcquire(1) {
			return ErrFull
		}
	} else if err := s.s.Acquire(context.Background(), 1); err != nil {
		return err
	}
	go func() {
		defer s.s.Release(1)
		task()
	}()
	return nil
}

// Shutdown calls Weighted.Acquire(ctx, Workers), which returns once no task holds a unit or
// with ctx's error, and then releases the units.
func (s *Semaphore) Shutdown(ctx context.Context) error {
	if err := s.s.Acquire(ctx, s.n); err != nil {
		return err
	}
	s.s.Release(s.n)
	return nil
}
