package pools

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
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
//
// The queue is a ring under one mutex, which also guards whether the pool is closed and
// which workers are parked: one lock per Submit and per task taken is the whole cost of a
// hand-off, and no Submit can slip a task in after Shutdown has closed the queue.
type Custom struct {
	mu      sync.Mutex
	ring    []func()      // the queue: n tasks from head, wrapping; guarded by mu
	head, n int           // guarded by mu
	closed  bool          // guarded by mu: Shutdown has started
	idle    int           // workers parked on wake that no token has been sent to; guarded by mu
	blocked int           // Submits waiting for room; guarded by mu
	wake    chan struct{} // a token wakes one parked worker; room for one per worker
	room    chan struct{} // a token tells a blocked Submit that a task was taken
	quit    chan struct{} // closed when Shutdown starts: wakes Submits blocked on a full queue
	done    chan struct{} // closed when the last worker has returned
	workers int           // workers not yet returned; guarded by mu
	stop    sync.Once
	reject  bool // Submit returns ErrFull rather than wait for room
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
		ring:    make([]func(), cfg.Queue),
		wake:    make(chan struct{}, cfg.Workers),
		room:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
		workers: cfg.Workers,
		reject:  cfg.Reject,
		log:     slog.Default(),
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
	for id := range cfg.Workers {
		go p.work(id)
	}
	return p, nil
}

// work is worker id's loop. It is the one place a worker ends: when the pool is closed and
// its queue empty. A task that calls runtime.Goexit ends the goroutine instead, running only
// deferred calls: then a new goroutine takes over as worker id, so that the queue is still
// drained and the worker is still counted out once (pond #135 is the same bug in another
// pool).
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
	p.mu.Lock()
	p.workers--
	last := p.workers == 0
	p.mu.Unlock()
	if last {
		close(p.done)
	}
}

// drain runs tasks until the pool is closed and its queue empty, and then returns true. A
// task that panics ends it early, reported, with false, and work calls it again: the recover
// is set up once per drain rather than once per task (BenchmarkThroughput/work=noop).
func (p *Custom) drain(id int) (closed bool) {
	defer func() {
		if v := recover(); v != nil {
			p.onPanic(id, v, debug.Stack())
		}
	}()
	for {
		task := p.take()
		if task == nil {
			return true
		}
		if p.debug {
			p.log.Debug(fmt.Sprintf("worker %d got a job; executing", id))
		}
		task()
	}
}

// take returns the next task, parking until there is one; nil once the pool is closed and
// its queue empty.
func (p *Custom) take() func() {
	p.mu.Lock()
	for p.n == 0 {
		if p.closed {
			p.mu.Unlock()
			return nil
		}
		p.idle++
		p.mu.Unlock()
		<-p.wake
		p.mu.Lock()
	}
	task := p.ring[p.head]
	p.ring[p.head] = nil // so that the task can be collected once it has run
	p.head++
	if p.head == len(p.ring) {
		p.head = 0
	}
	p.n--
	if p.blocked > 0 {
		select {
		case p.room <- struct{}{}:
		default: // a token is already waiting for a blocked Submit
		}
	}
	p.mu.Unlock()
	return task
}

// Submit queues task for a worker. It blocks while the queue is full, until a worker takes
// a task or Shutdown starts; built with Config.Reject, it returns ErrFull at once instead.
// The queue is full when it holds Queue tasks that no worker has taken yet. Submit returns
// ErrClosed once Shutdown has started; a task for which Submit returned nil will run, even
// if Shutdown starts right after.
func (p *Custom) Submit(task func()) error {
	p.mu.Lock()
	for p.n == len(p.ring) && !p.closed {
		if p.reject {
			p.mu.Unlock()
			return ErrFull
		}
		p.blocked++
		p.mu.Unlock()
		select {
		case <-p.room:
		case <-p.quit:
		}
		p.mu.Lock()
		p.blocked--
	}
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	i := p.head + p.n
	if i >= len(p.ring) {
		i -= len(p.ring)
	}
	p.ring[i] = task
	p.n++
	wake := p.idle > 0
	if wake {
		p.idle--
	}
	pass := p.blocked > 0 && p.n < len(p.ring) // another blocked Submit has room too
	p.mu.Unlock()
	if wake {
		p.wake <- struct{}{} // never blocks: there is room for a token per worker
	}
	if pass {
		select {
		case p.room <- struct{}{}:
		default:
		}
	}
	return nil
}

// Shutdown stops intake, then waits until the workers have run every queued task and
// returned, or until ctx is done, in which case it returns ctx's error and the workers go
// on draining in the background. Calling it again is safe: it waits the same way.
func (p *Custom) Shutdown(ctx context.Context) error {
	p.stop.Do(func() {
		p.mu.Lock()
		p.closed = true
		idle := p.idle
		p.idle = 0
		p.mu.Unlock()
		for range idle {
			p.wake <- struct{}{}
		}
		close(p.quit)
	})
	return waitDone(ctx, p.done)
}
