package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"poolbench/pools"
)

// DefaultReadTimeout is Options.ReadTimeout when it is 0.
const DefaultReadTimeout = 10 * time.Second

// Bounds the Options do not set.
const (
	// writeTimeout bounds writing one answer, so that a client that does not read cannot
	// hold a worker.
	writeTimeout = 10 * time.Second
	// rejectReadTimeout bounds how long a 503 waits to read the request it refuses.
	rejectReadTimeout = time.Second
)

// Options configure a Server or a NetHTTP. The zero value is ready to use.
type Options struct {
	// ReadTimeout bounds reading one request, counted from when a worker starts reading
	// it: time spent queued in the executor does not count. 0 means DefaultReadTimeout.
	ReadTimeout time.Duration
	// MaxHeaderBytes limits the request line and headers, with net/http's 4096 bytes of
	// slack; a request past it gets 431. 0 means http.DefaultMaxHeaderBytes (1 MB).
	MaxHeaderBytes int
	// Logger gets the server's records: at debug level one per connection, at error level
	// each handler panic with its stack. nil discards them.
	Logger *slog.Logger

	panicPath string // a route that panics, for tests only (export_test.go)
}

func (o Options) withDefaults() Options {
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.MaxHeaderBytes <= 0 {
		o.MaxHeaderBytes = http.DefaultMaxHeaderBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

func (o Options) routes() routes {
	return routes{log: o.Logger, sleep: time.Sleep, maxWork: MaxWork, panicPath: o.panicPath}
}

// Stats are a server's counts: of connections for Server and NetHTTP, which answer one
// request per connection, and of requests for HandlerServer. After a Shutdown that returned
// nil, Accepted == Served + Rejected + Failed; before, the difference is in progress, or,
// after a Shutdown past its deadline, lost.
type Stats struct {
	Accepted int64 `json:"accepted"` // connections taken from the listener
	Served   int64 `json:"served"`   // requests the routes answered, whatever the status (500 included)
	Rejected int64 `json:"rejected"` // connections answered 503 because Submit failed (the executor was full, say) or panicked
	Failed   int64 `json:"failed"`   // connections that got no routed answer: silent, malformed (400, 431), or a failed write
}

// Server is the book's web server on an Executor: each accepted connection is one task.
type Server struct {
	ex   pools.Executor
	opts Options
	rt   routes

	accepted, served, rejected, failed atomic.Int64

	mu        sync.Mutex
	closing   bool                      // guarded by mu
	listeners map[net.Listener]struct{} // guarded by mu: those not yet closed
	loops     *tracker                  // Serve calls running
	conns     *tracker                  // connections accepted and not yet finished
	exOnce    sync.Once                 // the executor is shut down once: a second conc Wait panics
}

// New returns a Server that runs each connection as a task on ex. The Server owns ex from
// then on: its Shutdown shuts ex down.
func New(ex pools.Executor, opts Options) *Server {
	opts = opts.withDefaults()
	return &Server{
		ex:        ex,
		opts:      opts,
		rt:        opts.routes(),
		listeners: map[net.Listener]struct{}{},
		loops:     newTracker(),
		conns:     newTracker(),
	}
}

// Stats returns the connection counts so far.
func (s *Server) Stats() Stats {
	return Stats{Accepted: s.accepted.Load(), Served: s.served.Load(), Rejected: s.rejected.Load(), Failed: s.failed.Load()}
}

// Serve accepts connections on ln and submits each to the executor, until Shutdown is
// called (it returns http.ErrServerClosed), ctx is done (it returns ctx's error), or ln
// fails. Either way it closes ln. It blocks while Submit blocks: with an executor that
// has no queue, a saturated pool stalls the accept loop and clients wait in the listen
// backlog. An executor built with pools.Config.Reject never blocks Submit: when it is
// full, the connection gets 503 with Retry-After at once. Call Shutdown to drain what was
// accepted.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return http.ErrServerClosed
	}
	s.listeners[ln] = struct{}{}
	s.loops.add()
	s.mu.Unlock()
	defer s.loops.done()
	defer s.closeListener(ln)
	stop := context.AfterFunc(ctx, func() { s.closeListener(ln) })
	defer stop()

	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosing() {
				return http.ErrServerClosed
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !isTemporary(err) {
				return fmt.Errorf("server: accept: %w", err)
			}
			// Out of file descriptors or the like: wait for connections to end, as
			// net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.opts.Logger.Warn("accept failed; retrying", "err", err, "in", backoff)
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
			}
			continue
		}
		backoff = 0
		s.accepted.Add(1)
		s.handOff(c)
	}
}

// isTemporary reports whether an accept error may pass.
func isTemporary(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// closeListener closes ln once, whoever gets there first: Serve's return, ctx or Shutdown.
func (s *Server) closeListener(ln net.Listener) {
	s.mu.Lock()
	_, open := s.listeners[ln]
	delete(s.listeners, ln)
	s.mu.Unlock()
	if !open {
		return
	}
	if err := ln.Close(); err != nil {
		s.opts.Logger.Warn("closing listener", "addr", ln.Addr().String(), "err", err)
	}
}

// handOff submits c to the executor, and answers 503 when Submit fails or panics.
func (s *Server) handOff(c net.Conn) {
	s.conns.add()
	// claimed makes sure that c is answered once, by the task or by the rejection, even if
	// an executor ran a task for which Submit failed.
	var claimed atomic.Bool
	err := submit(s.ex, func() {
		if claimed.CompareAndSwap(false, true) {
			defer s.conns.done()
			s.serveConn(c)
		}
	})
	if err == nil || !claimed.CompareAndSwap(false, true) {
		return
	}
	s.rejected.Add(1)
	s.opts.Logger.Debug("submit failed; answering 503", "remote", c.RemoteAddr().String(), "err", err)
	// The rejection reads the request before answering, which can take up to
	// rejectReadTimeout, so it runs apart from the accept loop. It ends by itself within
	// rejectReadTimeout+writeTimeout; Shutdown waits for it through conns.
	go func() {
		defer s.conns.done()
		s.reject(c, rejection(err))
	}()
}

// rejection is the answer to a request that Submit failed on: 503, with Retry-After when
// the executor was only full, for then a later try may well succeed.
func rejection(err error) reply {
	if errors.Is(err, pools.ErrFull) {
		rep := textReply(http.StatusServiceUnavailable, "503 Service Unavailable: the server is at capacity; retry later")
		rep.retryAfter = "1"
		return rep
	}
	return textReply(http.StatusServiceUnavailable, "503 Service Unavailable: the executor refused the connection")
}

// submit calls ex.Submit, turning a panic (pond v1 after a stop, conc after Wait) into an
// error so that the caller lives on.
func submit(ex pools.Executor, task func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("server: Submit panicked: %v", v)
		}
	}()
	if err := ex.Submit(task); err != nil {
		return fmt.Errorf("server: Submit: %w", err)
	}
	return nil
}

// serveConn is one task: it reads one request from c, answers it and closes c.
func (s *Server) serveConn(c net.Conn) {
	start := time.Now()
	ex := exchange{out: broken}
	defer func() {
		if v := recover(); v != nil {
			s.opts.Logger.Error("connection task panicked", "panic", v)
		}
		s.finish(c, ex, start)
	}()
	// The deadline starts now, when a worker starts reading: time queued does not count.
	if err := c.SetReadDeadline(start.Add(s.opts.ReadTimeout)); err != nil {
		s.opts.Logger.Debug("setting read deadline", "err", err)
		return
	}
	ex = serveOne(c, &deadlineWriter{c: c}, s.rt, s.opts.MaxHeaderBytes)
}

// finish closes c and counts how it ended.
func (s *Server) finish(c net.Conn, ex exchange, start time.Time) {
	if err := c.Close(); err != nil {
		s.opts.Logger.Debug("closing connection", "err", err)
	}
	if ex.out == answered {
		s.served.Add(1)
	} else {
		s.failed.Add(1)
	}
	s.opts.Logger.Debug("connection done", "remote", c.RemoteAddr().String(), "outcome", ex.out.String(),
		"method", ex.method, "path", ex.path, "status", ex.status, "took", time.Since(start))
}

// reject answers c with rep and closes it.
func (s *Server) reject(c net.Conn, rep reply) {
	defer func() {
		if err := c.Close(); err != nil {
			s.opts.Logger.Debug("closing rejected connection", "err", err)
		}
	}()
	// Read the request first: closing with it unread would make the kernel reset the
	// connection, and the client could lose the 503. The read is bounded in time
	// (rejectReadTimeout) and bytes (readRequest's limits). Whatever it gives, the answer
	// is the same.
	var req *http.Request
	err := c.SetReadDeadline(time.Now().Add(min(s.opts.ReadTimeout, rejectReadTimeout)))
	if err == nil {
		req, err = readRequest(c, s.opts.MaxHeaderBytes)
	}
	if err == nil {
		_, err = io.Copy(io.Discard, req.Body)
	}
	if err != nil {
		s.opts.Logger.Debug("reading a rejected request", "err", err)
	}
	if err := writeReply(&deadlineWriter{c: c}, req, rep); err != nil {
		s.opts.Logger.Debug("writing 503", "err", err)
	}
}

// deadlineWriter sets c's write deadline at its first Write, so that the time a handler
// takes does not count against writing its answer.
type deadlineWriter struct {
	c     net.Conn
	armed bool
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	if !w.armed {
		w.armed = true
		if err := w.c.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
			return 0, err
		}
	}
	return w.c.Write(p)
}

// Shutdown stops the server: it closes every listener, so new connections are refused,
// waits for the accept loops to return (one may be blocked in Submit until a worker is
// free), shuts the executor down, and waits until every accepted connection has been
// answered. It returns nil after a clean drain, or an error wrapping ctx's when ctx ends
// first. If ctx ends while an accept loop is still blocked in Submit, the executor is not
// shut down yet; calling Shutdown again finishes the job, as it waits again.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	lns := make([]net.Listener, 0, len(s.listeners))
	for ln := range s.listeners {
		lns = append(lns, ln)
	}
	s.mu.Unlock()
	for _, ln := range lns {
		s.closeListener(ln)
	}
	s.loops.close()

	// The executor is shut down only once the accept loops are done, so that no Submit
	// runs during its Shutdown: in some libraries that is a race (errgroup's Go against
	// Wait, conc's Go against a closed channel). A Submit blocked on a saturated executor
	// returns as soon as a worker is free, so this wait is as long as the longest task.
	select {
	case <-s.loops.idle():
	case <-ctx.Done():
		return fmt.Errorf("server: shutdown: an accept loop is still in Submit; the executor is not shut down yet: %w", ctx.Err())
	}
	var errs []error
	s.exOnce.Do(func() {
		if err := s.ex.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("server: shutting the executor down: %w", err))
		}
	})
	s.conns.close()
	select {
	case <-s.conns.idle():
	case <-ctx.Done():
		errs = append(errs, fmt.Errorf("server: shutdown: %d connections unanswered: %w", s.conns.count(), ctx.Err()))
	}
	return errors.Join(errs...)
}
