// Package pools holds the executors that poolbench compares: a hand-written pool and one
// faithful adapter per library, all behind the Executor interface.
//
// An adapter maps Submit and Shutdown onto its library's own calls and adds only what the
// contract needs and the library lacks, such as a deadline around a wait that has none. It
// never adds safety the library lacks (no recover around tasks, no closed flag), so that the
// studies see each library as its users do.
package pools

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
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
}

// ErrClosed is returned by the custom pool's Submit after Shutdown has started.
var ErrClosed = errors.New("pools: executor is shut down")

// Info describes an executor: the library behind it and the native calls its adapter uses.
type Info struct {
	Name     string `json:"name"`
	Module   string `json:"module"`   // module path of the library; "poolbench" for custom, "go" for goroutines
	Version  string `json:"version"`  // module version from the build info
	Submit   string `json:"submit"`   // the native call behind Submit
	Shutdown string `json:"shutdown"` // the native calls behind Shutdown
	Queue    string `json:"queue"`    // what Config.Queue means for this executor
}

// infos lists every executor in report order.
var infos = []Info{
	{Name: "custom", Module: "poolbench", Submit: "Custom.Submit", Shutdown: "Custom.Shutdown",
		Queue: fmt.Sprintf("bounded, Submit blocks when full; 0 means %d", DefaultQueue)},
	{Name: "ants", Module: "github.com/panjf2000/ants/v2", Submit: "Pool.Submit", Shutdown: "Pool.ReleaseContext(ctx)",
		Queue: "none: Submit blocks until a worker is free; Queue is ignored"},
	{Name: "pond", Module: "github.com/alitto/pond", Submit: "WorkerPool.Submit",
		Shutdown: "WorkerPool.StopAndWaitFor(time until deadline), else StopAndWait",
		Queue:    "bounded buffered channel, Submit blocks when full; 0 means unbuffered"},
	{Name: "pondv2", Module: "github.com/alitto/pond/v2", Submit: "Pool.Go", Shutdown: "Pool.Stop().Done()",
		Queue: "bounded with WithQueueSize, Submit blocks when full; 0 means unbounded"},
	{Name: "workerpool", Module: "github.com/gammazero/workerpool", Submit: "WorkerPool.Do", Shutdown: "WorkerPool.StopWait",
		Queue: "unbounded, Submit never blocks; Queue is ignored"},
	{Name: "errgroup", Module: "golang.org/x/sync", Submit: "Group.Go", Shutdown: "Group.Wait",
		Queue: "none: Go blocks until a slot is free; Queue is ignored"},
	{Name: "conc", Module: "github.com/sourcegraph/conc", Submit: "Pool.Go", Shutdown: "Pool.Wait",
		Queue: "none: Go blocks until a worker is free; Queue is ignored"},
	{Name: "goroutines", Module: "go", Submit: "go task()", Shutdown: "sync.WaitGroup.Wait",
		Queue: "none: one goroutine per task, no limit; Queue is ignored"},
}

// Names returns every executor's name, in report order.
func Names() []string {
	names := make([]string, len(infos))
	for i, in := range infos {
		names[i] = in.Name
	}
	return names
}

// Describe returns what poolbench knows of the named executor, with the library's version
// read from the running binary's build info.
func Describe(name string) (Info, error) {
	for _, in := range infos {
		if in.Name == name {
			in.Version = moduleVersion(in.Module)
			return in, nil
		}
	}
	return Info{}, unknown(name)
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

// New builds the named executor with cfg. It rejects an unknown name, Workers < 1 and a
// negative Queue.
func New(name string, cfg Config) (Executor, error) {
	if err := cfg.check(name); err != nil {
		return nil, err
	}
	switch name {
	case "custom":
		return NewCustom(cfg)
	case "ants":
		return NewAnts(cfg)
	case "pond":
		return NewPond(cfg), nil
	case "pondv2":
		return NewPondV2(cfg), nil
	case "workerpool":
		return NewWorkerPool(cfg), nil
	case "errgroup":
		return NewErrGroup(cfg), nil
	case "conc":
		return NewConc(cfg), nil
	case "goroutines":
		return NewGoroutines(), nil
	}
	return nil, unknown(name)
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

func unknown(name string) error {
	return fmt.Errorf("pools: unknown executor %q (known: %s)", name, strings.Join(Names(), ", "))
}

// waitFor runs wait in a goroutine and returns nil when it returns, or ctx's error if ctx is
// done first. This is the deadline the contract needs around a library wait that has none;
// when ctx wins, the goroutine lives on until wait returns.
func waitFor(ctx context.Context, wait func()) error {
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait()
	}()
	return waitDone(ctx, done)
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
