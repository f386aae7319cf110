package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// Handler returns the routes as an http.Handler, for a net/http.Server of one's own. It
// sends the same statuses, headers and bodies as Server, Connection: close included.
func Handler(opts Options) http.Handler {
	rt := opts.withDefaults().routes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		if err := writeResponse(w, r, rt.serve(r)); err != nil {
			rt.log.Debug("writing response", "err", err)
		}
	})
}

// writeResponse writes rep to w as the answer to r, without a body when r is a HEAD.
func writeResponse(w http.ResponseWriter, r *http.Request, rep reply) error {
	h := w.Header()
	for k, v := range rep.header() {
		h[k] = v
	}
	w.WriteHeader(rep.status)
	if r.Method == http.MethodHead {
		return nil
	}
	_, err := w.Write(rep.body)
	return err
}

// NetHTTP serves the routes on a plain net/http.Server: one goroutine per connection and
// no pool, the reference a Go user would pick instead of any executor. Keep-alives are
// off, so that, like Server, it answers one request per connection. Requests net/http
// refuses itself (malformed, headers too large) get net/http's own answers.
type NetHTTP struct {
	srv   *http.Server
	conns *tracker
	open  sync.Map // net.Conn -> *atomic.Bool, set once the routes answered on it

	accepted, served, failed atomic.Int64
}

// connKey is the context key of a connection's answered flag.
type connKey struct{}

// NewNetHTTP returns a NetHTTP with opts' ReadTimeout, MaxHeaderBytes and Logger.
func NewNetHTTP(opts Options) *NetHTTP {
	opts = opts.withDefaults()
	n := &NetHTTP{conns: newTracker()}
	h := Handler(opts)
	n.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r)
			if answered, ok := r.Context().Value(connKey{}).(*atomic.Bool); ok {
				answered.Store(true)
			}
		}),
		ReadTimeout:    opts.ReadTimeout,
		MaxHeaderBytes: opts.MaxHeaderBytes,
		ErrorLog:       slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			n.accepted.Add(1)
			n.conns.add()
			answered := new(atomic.Bool)
			n.open.Store(c, answered)
			return context.WithValue(ctx, connKey{}, answered)
		},
		// Counting here rather than in the handler counts connections that never reached
		// it; net/http runs this hook after it stops tracking the connection, so Shutdown
		// waits on conns as well.
		ConnState: func(c net.Conn, state http.ConnState) {
			if state != http.StateClosed && state != http.StateHijacked {
				return
			}
			v, ok := n.open.LoadAndDelete(c)
			if !ok {
				return
			}
			if v.(*atomic.Bool).Load() {
				n.served.Add(1)
			} else {
				n.failed.Add(1)
			}
			n.conns.done()
		},
	}
	n.srv.SetKeepAlivesEnabled(false)
	return n
}

// Stats returns the connection counts so far; net/http never answers 503, so Rejected is 0.
func (n *NetHTTP) Stats() Stats {
	return Stats{Accepted: n.accepted.Load(), Served: n.served.Load(), Failed: n.failed.Load()}
}

// Serve serves connections from ln until Shutdown (it returns http.ErrServerClosed), ctx
// is done (it returns ctx's error), or ln fails. It closes ln.
func (n *NetHTTP) Serve(ctx context.Context, ln net.Listener) error {
	return serveHTTP(ctx, n.srv, ln)
}

// serveHTTP runs srv.Serve on ln until ctx is done, when it closes ln and returns ctx's
// error, or until srv.Serve returns.
func serveHTTP(ctx context.Context, srv *http.Server, ln net.Listener) error {
	// ctx and Shutdown may both close ln: once is enough, and Shutdown must not report the
	// second close as a failure.
	ln = &onceCloseListener{Listener: ln}
	stop := context.AfterFunc(ctx, func() {
		if err := ln.Close(); err != nil {
			srv.ErrorLog.Printf("closing listener: %v", err)
		}
	})
	defer stop()
	err := srv.Serve(ln)
	if ctx.Err() != nil && !errors.Is(err, http.ErrServerClosed) {
		return ctx.Err()
	}
	return err
}

// onceCloseListener closes its listener once and gives every caller that one result.
type onceCloseListener struct {
	net.Listener
	once sync.Once
	err  error
}

func (l *onceCloseListener) Close() error {
	l.once.Do(func() { l.err = l.Listener.Close() })
	return l.err
}

// Shutdown calls http.Server.Shutdown, which closes the listeners and waits for the
// connections in flight, then waits until each is counted. It returns nil after a clean
// drain, or an error wrapping ctx's when ctx ends first.
func (n *NetHTTP) Shutdown(ctx context.Context) error {
	if err := n.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("server: nethttp shutdown: %w", err)
	}
	n.conns.close()
	select {
	case <-n.conns.idle():
		return nil
	case <-ctx.Done():
		return fmt.Errorf("server: nethttp shutdown: %d connections uncounted: %w", n.conns.count(), ctx.Err())
	}
}
