package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"poolbench/pools"
)

// NetHTTPName is the name Run takes for the plain net/http.Server beside the executors: the
// reference a Go user would pick instead of any pool.
const NetHTTPName = "nethttp"

// Names returns every name Run can serve on: the executors of package pools, then NetHTTPName.
func Names() []string { return append(pools.Names(), NetHTTPName) }

// A Mode is how a server hands requests to its executor.
type Mode string

const (
	ModeBook    Mode = "book"    // Server: the accept loop submits each connection as one task
	ModeHandler Mode = "handler" // HandlerServer: net/http reads requests; each handler is one task
)

// Modes returns every Mode, the default first.
func Modes() []Mode { return []Mode{ModeBook, ModeHandler} }

// CheckMode returns an error if mode is unknown or does not fit the server named pool:
// NetHTTP has no executor to run handlers on, so it serves in ModeBook only.
func CheckMode(pool string, mode Mode) error {
	if !slices.Contains(Modes(), mode) {
		return fmt.Errorf("server: unknown mode %q (known: %s, %s)", mode, ModeBook, ModeHandler)
	}
	if pool == NetHTTPName && mode != ModeBook {
		return fmt.Errorf("server: %s has no executor to run handlers on; it serves in mode %s only", pool, ModeBook)
	}
	return nil
}

// RunConfig is one run of the server, as `poolbench serve` takes it.
type RunConfig struct {
	Pool            string       // an executor from pools.Names, or NetHTTPName
	Mode            Mode         // how requests reach the executor; "" means ModeBook
	Exec            pools.Config // the executor's size and whether it sheds load; NetHTTP takes no Reject
	Addr            string       // where to listen; port 0 lets the system pick one
	ShutdownTimeout time.Duration
	Options         Options // the logger in Options also gets the lifecycle records
}

// The records Run logs for whoever watches the process: one when it listens and one when it
// has stopped. ParseRecord reads them back; the HTTP study reads no other line.
const (
	msgListening = "listening"
	msgStopped   = "stopped"
)

// Stopped is what Run's "stopped" record says: the final counts, and whether the drain
// finished within the shutdown timeout.
type Stopped struct {
	Stats
	Drained bool
}

// A Record is one lifecycle record of Run, read back from its log line.
type Record struct {
	Addr    string   // set by the "listening" record
	Stopped *Stopped // set by the "stopped" record
}

// Run builds the server named by cfg.Pool, listens on cfg.Addr and serves until ctx ends or
// serving fails; then it drains for at most cfg.ShutdownTimeout. It returns nil after a
// clean drain, and an error when the drain missed its deadline or serving failed. With
// cfg.Exec.Reject, a server that cannot shed load is refused at once with an error
// matching pools.ErrCannotReject. The custom pool gets the logger, so that at debug level
// it logs the book's worker messages.
func Run(ctx context.Context, cfg RunConfig) error {
	log := cfg.Options.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Mode == "" {
		cfg.Mode = ModeBook
	}
	if err := CheckMode(cfg.Pool, cfg.Mode); err != nil {
		return err
	}
	srv, workers, err := newServer(cfg.Pool, cfg.Mode, cfg.Exec, cfg.Options)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		// Nothing was served: the executor is shut down at once, without a deadline to
		// honour, and only the listen error matters.
		if serr := srv.Shutdown(context.Background()); serr != nil {
			log.Warn("shutting down the unused executor", "err", serr)
		}
		return fmt.Errorf("server: %w", err)
	}
	log.Info(msgListening, "addr", ln.Addr().String(), "pool", cfg.Pool, "mode", cfg.Mode, "workers", workers,
		"reject", cfg.Exec.Reject)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("stopping", "timeout", cfg.ShutdownTimeout)
	case serveErr = <-served:
		log.Error("serving failed; stopping", "err", serveErr)
	}
	// ctx may be done: the drain gets a deadline of its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	shutErr := srv.Shutdown(sctx)
	// Past the deadline Serve may still be blocked in a Submit; the drain failed anyway,
	// so it is not waited for.
	if serveErr == nil && shutErr == nil {
		// Serve ends with ctx's error or, once Shutdown has started, ErrServerClosed.
		if err := <-served; !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, context.Canceled) {
			serveErr = err
		}
	}
	st := srv.Stats()
	log.Info(msgStopped, "accepted", st.Accepted, "served", st.Served, "rejected", st.Rejected, "failed", st.Failed,
		"drained", shutErr == nil)
	if shutErr != nil {
		return fmt.Errorf("server: %w", shutErr)
	}
	if serveErr != nil {
		return fmt.Errorf("server: %w", serveErr)
	}
	return nil
}

// A web is Server, HandlerServer or NetHTTP.
type web interface {
	Serve(ctx context.Context, ln net.Listener) error
	Shutdown(ctx context.Context) error
	Stats() Stats
}

// newServer builds the server named name in mode and returns the workers it runs on (0 for
// NetHTTP, which runs one goroutine per connection).
func newServer(name string, mode Mode, cfg pools.Config, opts Options) (web, int, error) {
	if name == NetHTTPName {
		if cfg.Reject {
			return nil, 0, fmt.Errorf("server: %w: %s: net/http has no executor to be full, and never answers 503", pools.ErrCannotReject, name)
		}
		return NewNetHTTP(opts), 0, nil
	}
	var ex pools.Executor
	var err error
	if name == "custom" {
		ex, err = pools.NewCustom(cfg, pools.WithLogger(opts.Logger))
	} else {
		ex, err = pools.New(name, cfg)
	}
	if err != nil {
		return nil, 0, err
	}
	if mode == ModeHandler {
		return NewHandlerServer(ex, opts), cfg.Workers, nil
	}
	return New(ex, opts), cfg.Workers, nil
}

// ParseRecord reads one line of Run's log, written by slog's text handler. It reports
// false for any line that is not a lifecycle record, and an error for a "stopped" record
// whose counts do not read.
func ParseRecord(line string) (Record, bool, error) {
	kv := parseText(line)
	switch kv["msg"] {
	case msgListening:
		return Record{Addr: kv["addr"]}, kv["addr"] != "", nil
	case msgStopped:
		var s Stopped
		for key, n := range map[string]*int64{"accepted": &s.Accepted, "served": &s.Served, "rejected": &s.Rejected, "failed": &s.Failed} {
			v, err := strconv.ParseInt(kv[key], 10, 64)
			if err != nil {
				return Record{}, false, fmt.Errorf("server: stopped record's %s: %w", key, err)
			}
			*n = v
		}
		s.Drained = kv["drained"] == "true"
		return Record{Stopped: &s}, true, nil
	}
	return Record{}, false, nil
}

// parseText reads one line of slog's text handler into its keys and values. Quoted values
// are unquoted; a line that is not a record gives what could be read.
func parseText(line string) map[string]string {
	rec := map[string]string{}
	for line = strings.TrimSpace(line); line != ""; line = strings.TrimLeft(line, " ") {
		key, rest, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(key, " \"") {
			break
		}
		var val string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				break
			}
			if val, err = strconv.Unquote(q); err != nil {
				break
			}
			rest = rest[len(q):]
		} else {
			val, rest, _ = strings.Cut(rest, " ")
		}
		rec[key] = val
		line = rest
	}
	return rec
}
