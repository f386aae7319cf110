package pools

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// ErrGroup runs tasks through an errgroup.Group limited to Workers goroutines.
//
// It has no queue and no workers: Go blocks until one of Workers slots is free, then starts
// a new goroutine for the task (Queue is ignored). With Config.Reject, Submit calls TryGo
// and returns ErrFull when it reports false: all Workers slots are held, each until its
// task has returned. A panicking task is not recovered: it crashes the process
// (errgroup.go:81 explains why). There is no stopped state: Go after Wait starts the task.
type ErrGroup struct {
	g      *errgroup.Group
	reject bool
}

var _ Executor = (*ErrGroup)(nil)

// NewErrGroup builds an errgroup.Group with SetLimit(cfg.Workers).
func NewErrGroup(cfg Config) *ErrGroup {
	g := new(errgroup.Group)
	g.SetLimit(cfg.Workers)
	return &ErrGroup{g: g, reject: cfg.Reject}
}

// Submit calls Group.Go, or with Config.Reject Group.TryGo, with task wrapped to return nil.
func (e *ErrGroup) Submit(task func()) error {
	f := func() error {
		task()
		return nil
	}
	if !e.reject {
		e.g.Go(f)
		return nil
	}
	if !e.g.TryGo(f) {
		return ErrFull
	}
	return nil
}

// Shutdown runs Group.Wait and waits for it or ctx.
func (e *ErrGroup) Shutdown(ctx context.Context) error {
	var err error
	if werr := waitFor(ctx, func() { err = e.g.Wait() }); werr != nil {
		return werr
	}
	return err
}
