// Package pools holds the executors that poolbench compares: a hand-written pool and one
// faithful adapter per library, all behind the Executor interface.
//
// An adapter maps Submit and Shutdown onto its library's own calls and adds only what the
// contract needs and the library lacks, such as a deadline around a wait that has none. It
// never adds safety the library lacks (no recover around tasks, no closed flag), so that the
// studies see each library as its users do. docs/design.md says how the rest of poolbench
// uses this package.
package pools

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// An Executor runs submitted tasks on a bounded set of goroutines.
type Executor interface {
	// Submit hands task to the executor. It may block while the executor is saturated.
	Submit(task func()) error
	// Shutdown stops intake and waits until every accepted task has finished or ctx is done.
	Shutdown(ctx context.Context) error
}

// Config sizes an executor. Every executor in a comparison gets the same Config.
type Config struct {
	Workers int // goroutines that run tasks; must be >= 1
	Queue   int // capacity of the waiting line where the library has one; 0 = the library's default
	// Reject makes Submit never block: a full executor returns at once an error for which
	// errors.Is(err, ErrFull) holds, wrapping the library's own error where it has one.
	// Each executor sheds through its library's own non-blocking mode, named in Info.Reject;
	// New refuses Reject, with ErrCannotReject, for a library that has none.
	Reject bool
}

// ErrClosed is returned by the custom pool's Submit after Shutdown has started.
var ErrClosed = errors.New("pools: executor is shut down")

// ErrFull is returned, possibly wrapped, by Submit on a full executor built with
// Config.Reject.
var ErrFull = errors.New("pools: executor is full")

// ErrCannotReject is returned, wrapped with the reason, by New when Config.Reject asks for
// what the executor's library cannot do.
var ErrCannotReject = errors.New("pools: executor cannot reject")

// Info describes an executor: the library behind it, the native calls its adapter uses and
// where the adapter's code is.
type Info struct {
	Name     string `json:"name"`
	Module   string `json:"module"`   // module path of the library; "poolbench" for custom, "go" for goroutines
	Version  string `json:"version"`  // module version from the build info
	Submit   string `json:"submit"`   // the native call behind Submit
	Shutdown string `json:"shutdown"` // the native calls behind Shutdown
	Queue    string `json:"queue"`    // what Config.Queue means for this executor
	Source   string `json:"source"`   // the adapter's file in this package, such as "ants.go"
	Type     string `json:"type"`     // the adapter's type in that file, such as "Ants"
	// Reject is the library's own non-blocking call or option behind Submit with
	// Config.Reject; "" when the library has none, and then CannotReject says why.
	Reject       string `json:"reject,omitempty"`
	CannotReject string `json:"cannot_reject,omitempty"`
	// Deadline says who keeps Shutdown's deadline: DeadlineLibrary when the library's own
	// call takes ctx or a duration, DeadlineAdapter when the library's wait has none and the
	// adapter bounds it with waitFor or waitDone. A deadline kept by the adapter says
	// nothing of the library, whose own wait would go on.
	Deadline string `json:"deadline"`
}

// The values of Info.Deadline.
const (
	DeadlineLibrary = "library"
	DeadlineAdapter = "adapter"
)

// An adapter is one row of the executor table: what it is, and how to build it.
type adapter struct {
	info Info
	typ  Executor // a nil pointer of the adapter's type, which names it in Info.Type
	new  func(Config) (Executor, error)
}

// adapters lists every executor in report order. It is the one place an executor is
// registered: New builds from it, and the ergonomics study measures the glue in each
// row's Source.
func adapters() []adapter {
	return []adapter{
		{Info{Name: "custom", Deadline: DeadlineLibrary, Module: "poolbench", Submit: "Custom.Submit", Shutdown: "Custom.Shutdown", Source: "custom.go",
			Queue:  fmt.Sprintf("bounded, Submit blocks when full; 0 means %d", DefaultQueue),
			Reject: "Custom.Submit, which returns ErrFull on a full queue"},
			(*Custom)(nil), func(c Config) (Executor, error) { return NewCustom(c) }},
		{Info{Name: "ants", Deadline: DeadlineLibrary, Module: "github.com/panjf2000/ants/v2", Submit: "Pool.Submit", Shutdown: "Pool.ReleaseContext(ctx)", Source: "ants.go",
			Queue:  "none: Submit blocks until a worker is free; Queue is ignored",
			Reject: "ants.WithNonblocking(true)"},
			(*Ants)(nil), func(c Config) (Executor, error) { return NewAnts(c) }},
		{Info{Name: "pond", Deadline: DeadlineLibrary, Module: "github.com/alitto/pond", Submit: "WorkerPool.Submit", Source: "pond.go",
			Shutdown: "WorkerPool.StopAndWaitFor(time until deadline), else StopAndWait",
			Queue:    "bounded buffered channel, Submit blocks when full; 0 means unbuffered",
			Reject:   "WorkerPool.TrySubmit"},
			(*Pond)(nil), func(c Config) (Executor, error) { return NewPond(c), nil }},
		{Info{Name: "pondv2", Deadline: DeadlineAdapter, Module: "github.com/alitto/pond/v2", Submit: "Pool.Go", Shutdown: "Pool.Stop().Done()", Source: "pondv2.go",
			Queue:  "bounded with WithQueueSize, Submit blocks when full; 0 means unbounded",
			Reject: "pond.WithNonBlocking(true), with Queue > 0"},
			(*PondV2)(nil), func(c Config) (Executor, error) { return NewPondV2(c) }},
		{Info{Name: "workerpool", Deadline: DeadlineAdapter, Module: "github.com/gammazero/workerpool", Submit: "WorkerPool.Do", Shutdown: "WorkerPool.StopWait", Source: "workerpool.go",
			Queue:        "unbounded, Submit never blocks; Queue is ignored",
			CannotReject: "its queue is unbounded and Do never blocks"},
			(*WorkerPool)(nil), func(c Config) (Executor, error) { return NewWorkerPool(c), nil }},
		{Info{Name: "errgroup", Deadline: DeadlineAdapter, Module: "golang.org/x/sync", Submit: "Group.Go", Shutdown: "Group.Wait", Source: "errgroup.go",
			Queue:  "none: Go blocks until a slot is free; Queue is ignored",
			Reject: "Group.TryGo"},
			(*ErrGroup)(nil), func(c Config) (Executor, error) { return NewErrGroup(c), nil }},
		{Info{Name: "conc", Deadline: DeadlineAdapter, Module: "github.com/sourcegraph/conc", Submit: "Pool.Go", Shutdown: "Pool.Wait", Source: "conc.go",
			Queue:        "none: Go blocks until a worker is free; Queue is ignored",
			CannotReject: "Pool.Go blocks until a worker is free, and the pool has no call that does not"},
			(*Conc)(nil), func(c Config) (Executor, error) { return NewConc(c), nil }},
		{Info{Name: "goroutines", Deadline: DeadlineAdapter, Module: "go", Submit: "go task()", Shutdown: "sync.WaitGroup.Wait", Source: "goroutines.go",
			Queue:        "none: one goroutine per task, no limit; Queue is ignored",
			CannotReject: "it starts a goroutine per task without limit, so it is never full"},
			(*Goroutines)(nil), func(Config) (Executor, error) { return NewGoroutines(), nil }},
		{Info{Name: "tunny", Deadline: DeadlineAdapter, Module: "github.com/Jeffail/tunny", Submit: "Pool.Process (synchronous: returns when the task has run)", Shutdown: "Pool.Close", Source: "tunny.go",
			Queue:        "none: Process blocks until a worker is free, then until the task has run; Queue is ignored",
			CannotReject: "Process waits for a worker and for the task; ProcessTimed and ProcessCtx give up only after waiting"},
			(*Tunny)(nil), func(c Config) (Executor, error) { return NewTunny(c), nil }},
		{Info{Name: "gopool", Deadline: DeadlineAdapter, Module: "github.com/bytedance/gopkg", Submit: "Pool.Go", Source: "gopool.go",
			Shutdown:     "none: the adapter waits until its own count of tasks is 0",
			Queue:        "unbounded task list, Go never blocks; Queue is ignored",
			CannotReject: "its task list is unbounded and Go never blocks, so it is never full"},
			(*GoPool)(nil), func(c Config) (Executor, error) { return NewGoPool(c), nil }},
		{Info{Name: "semaphore", Deadline: DeadlineLibrary, Module: "golang.org/x/sync", Submit: "Weighted.Acquire(1), go task(), Weighted.Release(1)", Source: "semaphore.go",
			Shutdown: "Weighted.Acquire(ctx, Workers), Weighted.Release(Workers)",
			Queue:    "none: Acquire blocks until a unit is free; Queue is ignored",
			Reject:   "Weighted.TryAcquire(1)"},
			(*Semaphore)(nil), func(c Config) (Executor, error) { return NewSemaphore(c), nil }},
		{Info{Name: "book", Deadline: DeadlineAdapter, Module: "poolbench", Submit: "Book.Execute (the book's execute)", Shutdown: "Book.Drop (the book's Drop)", Source: "book.go",
			Queue:        "unbounded, as the book's mpsc::channel; Submit never blocks; Queue is ignored",
			CannotReject: "its queue is unbounded, as the book's mpsc::channel, and execute never blocks"},
			(*Book)(nil), func(c Config) (Executor, error) { return NewBook(c.Workers, nil), nil }},
	}
}

// Names returns every executor's name, in report order.
func Names() []string {
	var names []string
	for _, a := range adapters() {
		names = append(names, a.info.Name)
	}
	return names
}

// Describe returns what poolbench knows of the named executor, with the library's version
// read from the running binary's build info.
func Describe(name string) (Info, error) {
	a, err := lookup(name)
	if err != nil {
		return Info{}, err
	}
	in := a.info
	in.Version = moduleVersion(in.Module)
	in.Type = reflect.TypeOf(a.typ).Elem().Name()
	return in, nil
}

func lookup(name string) (adapter, error) {
	for _, a := range adapters() {
		if a.info.Name == name {
			return a, nil
		}
	}
	return adapter{}, fmt.Errorf("pools: unknown executor %q (known: %s)", name, strings.Join(Names(), ", "))
}

// moduleVersion returns the version of module path in the running binary.
func moduleVersion(path string) string {
	if path == "go" {
		return runtime.Version()
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if bi.Main.Path == path {
		return bi.Main.Version
	}
	for _, m := range bi.Deps {
		if m.Path == path {
			if m.Replace != nil {
				return m.Replace.Version
			}
			return m.Version
		}
	}
	return "unknown"
}

// New builds the named executor with cfg. It rejects an unknown name, Workers < 1, a
// negative Queue, and Reject for an executor that cannot reject (ErrCannotReject, with the
// reason).
func New(name string, cfg Config) (Executor, error) {
	a, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if err := cfg.check(name); err != nil {
		return nil, err
	}
	if cfg.Reject && a.info.CannotReject != "" {
		return nil, fmt.Errorf("%w: %s: %s", ErrCannotReject, name, a.info.CannotReject)
	}
	return a.new(cfg)
}

// check rejects a Config that no executor can honour, naming the executor.
func (c Config) check(name string) error {
	if c.Workers < 1 {
		return fmt.Errorf("pools: %s: Workers = %d; want >= 1", name, c.Workers)
	}
	if c.Queue < 0 {
		return fmt.Errorf("pools: %s: Queue = %d; want >= 0", name, c.Queue)
	}
	return nil
}

// waitFor runs wait in a goroutine and returns nil when it returns, or ctx's error if ctx is
// done first. This is the deadline the contract needs around a library wait that has none;
// when ctx wins, the goroutine lives on until wait returns.
//
// A panic in wait reaches the caller of waitFor, on the caller's goroutine, as it would
// reach a user who called the library's wait there (conc's Wait re-panics a task's panic).
// A panic after ctx won has nobody to reach: it ends the process from the goroutine, as an
// unrecovered panic does.
func waitFor(ctx context.Context, wait func()) error {
	done := make(chan struct{})
	var mu sync.Mutex
	var v any       // the panic, for a caller still waiting
	waiting := true // guarded by mu: false once the caller has given up
	go func() {
		defer close(done)
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				w := waiting
				if w {
					v = r
				}
				mu.Unlock()
				if !w {
					panic(r)
				}
			}
		}()
		wait()
	}()
	err := waitDone(ctx, done)
	mu.Lock()
	got := v
	if err != nil && got == nil {
		waiting = false
	}
	mu.Unlock()
	if got != nil {
		panic(got)
	}
	return err
}

// waitDone returns nil once done is closed, or ctx's error if ctx is done first.
func waitDone(ctx context.Context, done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		select {
		case <-done: // both ready: the work finished, so say so
			return nil
		default:
			return ctx.Err()
		}
	}
}
