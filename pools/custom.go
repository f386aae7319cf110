package pools

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// DefaultQueue is the custom pool's queue capacity when Config.Queue is 0.
const DefaultQueue = 1024

// Custom is the hand-written pool: the thread pool that ends the Rust book's web-server
// chapter, ported to Go and improved as the chapter's closing list asks.
//
// As in the book, numbered workers take jobs from one shared queue, and shutting down
// closes the queue and joins every worker, so whatever was queued still runs. Beyond the
// book: the queue is bounded (Submit blocks while it is full, or with Config.Reject returns
// ErrFull), Submit after Shutdown returns ErrClosed instead of panicking, a panicking task
// is recovered and reported while its worker lives on, and Shutdown honours its context.
type Custom struct {
	tasks   chan func()
	quit    chan struct{} // closed when Shutdown starts: wakes Submits blocked on a full queue
	done    chan struct{} // closed when the last worker has returned
	mu      sync.RWMutex  // Submit holds it to read, so Shutdown's close of tasks never meets a send
	closed  bool          // guarded by mu
	stop    sync.Once
	reject  bool         // Submit returns ErrFull rather than wait for room
	running atomic.Int32 // workers not yet returned
	log     *slog.Logger
	debug   bool // log the book's worker messages
	onPanic func(worker int, v any, stack []byte)
}

var _ Executor = (*Custom)(nil)

// A CustomOption configures a Custom pool.
type CustomOption func(*Custom)

// WithLogger sends the pool's messages to l instead of slog.Default(). At debug level these
// are the book's worker messages ("worker 0 got a job; executing").
func WithLogger(l *slog.Logger) CustomOption {
	return func(p *Custom) { p.log = l }
}

// WithPanicHandler calls h, on the worker's goroutine, with every value a task panics with.
// Without it, a panic is logged at error level with its stack.
func WithPanicHandler(h func(worker int, v any, stack []byte)) CustomOption {
	return func(p *Custom) { p.onPanic = h }
}

// NewCustom starts cfg.Workers workers, numbered from 0, behind a queue of cfg.Queue tasks
// (DefaultQueue when 0); with cfg.Reject, Submit on a full queue returns ErrFull rather
// than wait. It returns an error for Workers < 1 or a negative Queue.
func NewCustom(cfg Config, opts ...CustomOption) (*Custom, error) {
	if err := cfg.check("custom"); err != nil {
		return nil, err
	}
	if cfg.Queue == 0 {
		cfg.Queue = DefaultQueue
	}
	p := &Custom{
		tasks:  make(chan func(), cfg.Queue),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
		reject: cfg.Reject,
		log:    slog.Default(),
	}
	for _, o := range opts {
		o(p)
	}
	p.debug = p.log.Enabled(context.Background(), slog.LevelDebug)
	if p.onPanic == nil {
		p.onPanic = func(worker int, v any, stack []byte) {
			p.log.Error("task panicked", "worker", worker, "panic", v, "stack", string(stack))
		}
	}
	p.running.Store(int32(cfg.Workers))
	for id := range cfg.Workers {
		go p.work(id)
	}
	return p, nil
}

// work is worker id's loop. It is the one place a worker ends: when tasks is closed and empty.
// A task that calls runtime.Goexit ends the goroutine instead, running only deferred calls:
// then a new goroutine takes over as worker id, so that the queue is still drained and the
// worker is still counted out once (pond #135 is the same bug in another pool).
func (p *Custom) work(id int) {
	closed := false
	defer func() {
		if !closed {
			go p.work(id)
		}
	}()
	for !p.drain(id) {
	}
	closed = true
	if p.debug {
		p.log.Debug(fmt.Sprintf("shutting down worker %d", id))
	}
	if p.running.Add(-1) == 0 {
		close(p.done)
	}
}

// drain runs tasks until tasks is closed and empty, and then returns true. A task that
// panics ends it early, reported, with false, and work calls it again: the recover is set
// up once per drain rather than once per task (BenchmarkThroughput/work=noop).
func (p *Custom) drain(id int) (closed bool) {
	defer func() {
		if v := recover(); v != nil {
			p.onPanic(id, v, debug.Stack())
		}
	}()
	for task := range p.tasks {
		if p.debug {
			p.log.Debug(fmt.Sprintf("worker %d got a job; executing", id))
		}
		task()
	}
	return true
}

// Submit queues task for a worker. It blocks while the queue is full, until a worker takes
// a task or Shutdown starts; built with Config.Reject, it returns ErrFull at once instead.
// The queue is full when it holds Queue tasks that no worker has taken yet. Submit returns
// ErrClosed once Shutdown has started; a task for which Submit returned nil will run, even
// if Shutdown starts right after.
func (p *Custom) Submit(task func()) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return ErrClosed
	}
	// A send that need not wait costs what the chan floor does; a select that can also
	// take quit costs more, so it is kept for a full queue (BenchmarkThroughput/work=noop).
	select {
	case p.tasks <- task:
		return nil
	default:
	}
	if p.reject {
		return ErrFull
	}
	select {
	case p.tasks <- task:
		return nil
	case <-p.quit:
		return ErrClosed
	}
}

// Shutdown stops intake, then waits until the workers have run every queued task and
// returned, or until ctx is done, in which case it returns ctx's error and the workers go
// on draining in the background. Calling it again is safe: it waits the same way.
func (p *Custom) Shutdown(ctx context.Context) error {
	p.stop.Do(func() {
		close(p.quit)
		// Waiting for the lock waits only for Submits in flight, which quit releases;
		// it runs apart so that ctx bounds Shutdown even then.
		go func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.closed = true
			close(p.tasks)
		}()
	})
	return waitDone(ctx, p.done)
}
