package pools

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
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
// book: the queue is bounded (Submit blocks while it is full, or returns ErrFull with
// Config.Reject; SubmitContext gives up when ctx is done), Submit after Shutdown returns
// ErrClosed, a panicking task is recovered and reported while its worker lives on,
// Shutdown honours its context, Stats counts tasks, and a Group keeps a set of tasks'
// first error (Map collects their results).
//
// The queue is a ring under one mutex, which also guards whether the pool is closed, the
// parked workers and the counts: a hand-off costs one lock per Submit and one per few tasks
// a worker takes, and no Submit can slip a task in after Shutdown has closed the queue.
type Custom struct {
	mu      sync.Mutex
	ring    []func()       // the queue: n tasks from head, wrapping; guarded by mu
	head, n int            // guarded by mu
	closed  bool           // guarded by mu: Shutdown has started
	idle    []*worker      // parked workers, the last parked last; guarded by mu
	waking  int            // workers woken that have not yet taken mu again; guarded by mu
	procs   int            // GOMAXPROCS when the pool was made: the most workers woken at once
	blocked int            // Submits waiting for room; guarded by mu
	room    chan struct{}  // a token tells a blocked Submit that a task was taken
	quit    chan struct{}  // closed when Shutdown starts: wakes Submits blocked on a full queue
	done    chan struct{}  // closed when the last worker has returned
	exit    sync.WaitGroup // one count per worker that has not returned
	size    int            // Config.Workers
	stats   Stats          // Running, Completed, Rejected and Panicked; guarded by mu
	stop    sync.Once
	reject  bool // Submit returns ErrFull rather than wait for room
	log     *slog.Logger
	debug   bool // log the book's worker messages
	onPanic func(worker int, v any, stack []byte)
}

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
// (DefaultQueue when 0). It returns an error for Workers < 1 or a negative Queue.
func NewCustom(cfg Config, opts ...CustomOption) (*Custom, error) {
	if err := cfg.check("custom"); err != nil {
		return nil, err
	}
	if cfg.Queue == 0 {
		cfg.Queue = DefaultQueue
	}
	p := &Custom{
		ring:   make([]func(), cfg.Queue),
		idle:   make([]*worker, 0, cfg.Workers),
		room:   make(chan struct{}, 1),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
		size:   cfg.Workers,
		procs:  runtime.GOMAXPROCS(0),
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
	p.exit.Add(cfg.Workers)
	for id := range cfg.Workers {
		go p.work(&worker{id: id, wake: make(chan struct{}, 1)})
	}
	return p, nil
}

// MustCustom is NewCustom that panics on an error, for a Config written in the source.
func MustCustom(cfg Config, opts ...CustomOption) *Custom {
	p, err := NewCustom(cfg, opts...)
	if err != nil {
		panic(err)
	}
	return p
}

// A worker is one of the pool's numbered workers and the tasks it has taken from the queue.
// It outlives its goroutine when a task calls runtime.Goexit.
type worker struct {
	id    int
	batch []func() // taken tasks; batch[next:] have not run yet
	next  int
	buf   [maxBatch]func()
	wake  chan struct{} // wakes the worker when parked
}

// maxBatch is the most tasks a worker takes at once: per lock, 8 cost about 30% less each
// than 1 on BenchmarkThroughput/work=noop, and more gain little; a task that runs long holds
// up at most 7 behind it, and only while more tasks are queued than there are workers.
const maxBatch = 8

// work is worker w's loop, which ends when the pool is closed and its queue empty. A task
// that calls runtime.Goexit ends the goroutine sooner, running only deferred calls: then a
// new goroutine takes over as w, with w's batch (pond #135 was this bug in pond v2).
func (p *Custom) work(w *worker) {
	closed := false
	defer func() {
		if !closed {
			go p.work(w)
		}
	}()
	for !p.drain(w) {
	}
	closed = true
	if p.debug {
		p.log.Debug(fmt.Sprintf("shutting down worker %d", w.id))
	}
	p.exit.Done()
}

// drain runs tasks until the pool is closed and its queue empty, and returns true; false
// after a task panicked, and work calls it again: so recover is set up once, not per task.
func (p *Custom) drain(w *worker) (closed bool) {
	defer func() {
		if v := recover(); v != nil {
			p.mu.Lock()
			p.stats.Panicked++
			p.mu.Unlock()
			p.onPanic(w.id, v, debug.Stack())
		}
	}()
	for {
		for w.next < len(w.batch) {
			task := w.batch[w.next]
			w.batch[w.next] = nil // so that the task can be collected once it has run
			w.next++
			if p.debug {
				p.log.Debug(fmt.Sprintf("worker %d got a job; executing", w.id))
			}
			task()
		}
		if !p.take(w) {
			return true
		}
	}
}

// take moves the next tasks from the queue to w's batch, parking until there is one; false
// once the pool is closed and its queue empty. It counts w's last batch as completed.
func (p *Custom) take(w *worker) bool {
	p.mu.Lock()
	p.stats.Running -= len(w.batch)
	p.stats.Completed += uint64(len(w.batch))
	w.batch = nil
	for p.n == 0 {
		if p.closed {
			p.mu.Unlock()
			return false
		}
		p.idle = append(p.idle, w)
		p.mu.Unlock()
		<-w.wake
		p.mu.Lock()
		p.waking--
	}
	// A fair share of the queue, so that near its end every worker still gets some.
	k := min(p.n, maxBatch, (p.n+p.size-1)/p.size)
	w.batch, w.next = w.buf[:k], 0
	c := copy(w.batch, p.ring[p.head:min(p.head+k, len(p.ring))])
	clear(p.ring[p.head : p.head+c])
	if c < k {
		copy(w.batch[c:], p.ring[:k-c])
		clear(p.ring[:k-c])
	}
	p.head = (p.head + k) % len(p.ring) // once per batch
	p.n -= k
	p.stats.Running += k
	p.signalRoom()
	next := p.wakeOne()
	p.mu.Unlock()
	next.wakeUp()
	return true
}

// wakeOne, with mu held, picks a parked worker for the caller to wake once mu is free, if
// tasks are queued and fewer than GOMAXPROCS workers are on their way (more could not run
// sooner). Each woken worker passes the wake on while tasks remain: the pool brings in the
// workers the tasks need and no more, where waking one per task would cost a goroutine
// switch per task (with 10,000 workers on 2 cores, noop took 500 ns a task so, 60 this way).
func (p *Custom) wakeOne() *worker {
	if p.n == 0 || p.waking >= p.procs || len(p.idle) == 0 {
		return nil
	}
	w := p.idle[len(p.idle)-1]
	p.idle = p.idle[:len(p.idle)-1]
	p.waking++
	return w
}

// wakeUp wakes w, parked, if not nil: it never blocks, a parked worker holding no token.
func (w *worker) wakeUp() {
	if w != nil {
		w.wake <- struct{}{}
	}
}

// signalRoom, with mu held, leaves a blocked Submit a token if there is room: one at a
// time, and the Submit that takes it calls signalRoom again.
func (p *Custom) signalRoom() {
	if p.blocked > 0 && p.n < len(p.ring) {
		select {
		case p.room <- struct{}{}:
		default: // a token is already waiting
		}
	}
}

// Submit queues task for a worker. While the queue is full (Queue tasks no worker has taken)
// it blocks until a worker takes one or Shutdown starts; with Config.Reject it returns
// ErrFull at once instead. Once Shutdown has started it returns ErrClosed; a task for which
// it returned nil will run, even if Shutdown starts right after.
func (p *Custom) Submit(task func()) error {
	return p.SubmitContext(context.Background(), task)
}

// SubmitContext is Submit that waits for room only until ctx is done, and then returns
// ctx's error with task not queued; it does so at once if ctx is done when it is called.
func (p *Custom) SubmitContext(ctx context.Context, task func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	for p.n == len(p.ring) && !p.closed {
		if p.reject {
			p.stats.Rejected++
			p.mu.Unlock()
			return ErrFull
		}
		p.blocked++
		p.mu.Unlock()
		select {
		case <-p.room:
		case <-p.quit:
		case <-ctx.Done(): // nil, which never fires, for context.Background()
			p.mu.Lock()
			p.blocked--
			p.mu.Unlock()
			return ctx.Err()
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
	p.signalRoom()
	next := p.wakeOne()
	p.mu.Unlock()
	next.wakeUp()
	return nil
}

// Stats counts a Custom pool's tasks. Tasks a worker has taken count as running until it
// has run its whole batch (more than 1 only while more are queued than there are workers).
type Stats struct {
	Queued    int    // tasks in the queue, which no worker has taken yet
	Running   int    // tasks workers have taken and not finished
	Completed uint64 // tasks that have finished, by returning, panicking or runtime.Goexit
	Rejected  uint64 // Submits that returned ErrFull
	Panicked  uint64 // tasks that panicked
}

// Stats returns the pool's counts as they are now. Once Shutdown has returned nil they
// are final: Queued and Running are 0 and Completed counts every task Submit accepted.
func (p *Custom) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Queued = p.n
	return s
}

// Shutdown stops intake and waits until the workers have run every queued task and
// returned, or until ctx is done: then it returns ctx's error, and the workers go on
// draining. Calling it again is safe: it waits the same way.
func (p *Custom) Shutdown(ctx context.Context) error {
	p.stop.Do(func() {
		p.mu.Lock()
		p.closed = true
		idle := p.idle
		p.idle = nil
		p.waking += len(idle)
		p.mu.Unlock()
		for _, w := range idle {
			w.wakeUp()
		}
		close(p.quit)
		go func() { p.exit.Wait(); close(p.done) }()
	})
	return waitDone(ctx, p.done)
}

// ErrPanicked is matched by the error a Group keeps for a task that panicked.
var ErrPanicked = errors.New("pools: task panicked")

// A Group is a set of tasks on a Custom pool that can be waited for together, with the
// first error among them. Custom.Group makes one.
type Group struct {
	p    *Custom
	wg   sync.WaitGroup
	once sync.Once
	err  error // the first error, set once
}

// Group returns an empty group of tasks on p.
func (p *Custom) Group() *Group { return &Group{p: p} }

// Go submits task to the group's pool, as Submit does. An error from Submit is kept as
// task's own error would be, and task does not run. A task that panics fails the group with
// an error that matches ErrPanicked; the pool recovers and reports it as any panic.
func (g *Group) Go(task func() error) {
	g.wg.Add(1)
	err := g.p.Submit(func() {
		defer g.wg.Done()
		defer func() {
			if v := recover(); v != nil {
				g.fail(fmt.Errorf("%w: %v", ErrPanicked, v))
				panic(v) // for the pool to count and report, as from any task
			}
		}()
		if err := task(); err != nil {
			g.fail(err)
		}
	})
	if err != nil {
		g.fail(err)
		g.wg.Done()
	}
}

func (g *Group) fail(err error) { g.once.Do(func() { g.err = err }) }

// Wait blocks until every task of the group has finished, and returns the first error one
// of them returned, or nil.
func (g *Group) Wait() error {
	g.wg.Wait()
	return g.err
}

// Map runs f on each of in as tasks of one group on p, and returns their results in the
// order of in, or the first error once every call has returned.
func Map[T, R any](p *Custom, in []T, f func(T) (R, error)) ([]R, error) {
	out := make([]R, len(in))
	g := p.Group()
	for i, v := range in {
		g.Go(func() (err error) {
			out[i], err = f(v)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}
