package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"

	"poolbench/pools"
)

// HandlerServer serves the routes the way Go services use a pool: a net/http.Server reads
// and parses requests and keeps connections alive, and each request's handler runs as one
// task on the executor while net/http's goroutine for the connection waits for it. A slow
// client therefore holds a goroutine of net/http, not a worker. When Submit fails the
// request gets 503, with Retry-After when the executor was full (pools.Config.Reject).
//
// Its Stats count requests, not connections: Accepted are the requests net/http handed
// over, Served those the routes answered, Rejected those answered 503, and Failed those
// whose client left before a worker took them. Requests net/http refuses itself
// (malformed, headers too large) never reach the executor and are not counted.
type HandlerServer struct {
	ex  pools.Executor
	srv *http.Server
	rt  routes

	accepted, served, rejected, failed atomic.Int64

	exOnce sync.Once // the executor is shut down once: a second conc Wait panics
}

// NewHandlerServer returns a HandlerServer that runs each request's handler as a task on
// ex, with opts' ReadTimeout (for each request, and for the wait between kept-alive ones),
// MaxHeaderBytes and Logger. It owns ex from then on: its Shutdown shuts ex down.
func NewHandlerServer(ex pools.Executor, opts Options) *HandlerServer {
	opts = opts.withDefaults()
	h := &HandlerServer{ex: ex, rt: opts.routes()}
	h.srv = &http.Server{
		Handler:        http.HandlerFunc(h.handle),
		ReadTimeout:    opts.ReadTimeout,
		MaxHeaderBytes: opts.MaxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
	}
	return h
}

// Stats returns the request counts so far.
func (h *HandlerServer) Stats() Stats {
	return Stats{Accepted: h.accepted.Load(), Served: h.served.Load(), Rejected: h.rejected.Load(), Failed: h.failed.Load()}
}

// handle submits the request's answer to the executor and waits until it is written.
func (h *HandlerServer) handle(w http.ResponseWriter, r *http.Request) {
	h.accepted.Add(1)
	// claimed makes sure that w is written once, by the task, the rejection or nobody when
	// the client has left, and never by a task that runs after handle has returned.
	var claimed atomic.Bool
	done := make(chan struct{})
	err := submit(h.ex, func() {
		if !claimed.CompareAndSwap(false, true) {
			return
		}
		defer close(done)
		if err := writeResponse(w, r, h.rt.serve(r)); err != nil {
			h.rt.log.Debug("writing response", "err", err)
		}
		h.served.Add(1)
	})
	if err != nil && claimed.CompareAndSwap(false, true) {
		h.rejected.Add(1)
		h.rt.log.Debug("submit failed; answering 503", "remote", r.RemoteAddr, "err", err)
		if err := writeResponse(w, r, rejection(err)); err != nil {
			h.rt.log.Debug("writing 503", "err", err)
		}
		return
	}
	select {
	case <-done:
	case <-r.Context().Done(): // the client has gone
		if claimed.CompareAndSwap(false, true) {
			h.failed.Add(1) // before a worker took it: the task will do nothing
			return
		}
		<-done
	}
}

// Serve serves connections from ln until Shutdown (it returns http.ErrServerClosed), ctx
// is done (it returns ctx's error), or ln fails. It closes ln.
func (h *HandlerServer) Serve(ctx context.Context, ln net.Listener) error {
	return serveHTTP(ctx, h.srv, ln)
}

// Shutdown calls http.Server.Shutdown, which closes the listeners and waits until every
// request in flight is answered, and then shuts the executor down: no Submit runs during
// the executor's Shutdown. It returns nil after a clean drain, or an error wrapping ctx's
// when ctx ends first; then the executor is not shut down yet if requests were still in
// flight, and calling Shutdown again finishes the job.
func (h *HandlerServer) Shutdown(ctx context.Context) error {
	if err := h.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("server: shutdown: requests in flight; the executor is not shut down yet: %w", err)
	}
	var err error
	h.exOnce.Do(func() {
		if serr := h.ex.Shutdown(ctx); serr != nil {
			err = fmt.Errorf("server: shutting the executor down: %w", serr)
		}
	})
	return err
}
