package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"poolbench/compare"
	"poolbench/pools"
	"poolbench/server"
)

// servePools returns every name --pool takes.
func servePools() []string { return append(pools.Names(), compare.NetHTTP) }

// A webServer is server.Server or server.NetHTTP.
type webServer interface {
	Serve(ctx context.Context, ln net.Listener) error
	Shutdown(ctx context.Context) error
	Stats() server.Stats
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	pool := fs.String("pool", "custom", "executor to serve on: "+strings.Join(servePools(), ", "))
	workers := fs.Int("workers", 4, "workers of the executor, as in the book")
	queue := fs.Int("queue", 0, "queue capacity where the executor has one (0: the library's default)")
	addr := fs.String("addr", "127.0.0.1:7878", "address to listen on; port 0 lets the system pick one")
	readTimeout := fs.Duration("read-timeout", server.DefaultReadTimeout, "time to read one request, counted from when a worker starts reading")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "time to drain after SIGINT/SIGTERM before exiting 1")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error; debug logs each connection and the custom pool's worker messages")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: poolbench serve [flags]

Serves GET / (hello.html), GET /sleep[?ms=N] (%v by default) and GET /work[?n=N] (N rounds
of SHA-256) on the chosen executor, one task per connection, as in the Rust book's web
server. Logs go to stderr: "msg=listening addr=..." once listening; on SIGINT/SIGTERM it
drains and logs "msg=stopped" with the connection counts, exiting 0 after a clean drain
and 1 past --shutdown-timeout. A second signal exits at once.
`, server.DefaultSleep)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !slices.Contains(servePools(), *pool) {
		return usagef("-pool: unknown %q (known: %s)", *pool, strings.Join(servePools(), ", "))
	}
	if *workers < 1 {
		return usagef("-workers = %d; want >= 1", *workers)
	}
	if *queue < 0 {
		return usagef("-queue = %d; want >= 0", *queue)
	}
	if *readTimeout <= 0 {
		return usagef("-read-timeout = %v; want > 0", *readTimeout)
	}
	if *shutdownTimeout <= 0 {
		return usagef("-shutdown-timeout = %v; want > 0", *shutdownTimeout)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usagef("-log-level: %q: want debug, info, warn or error", *logLevel)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	opts := server.Options{ReadTimeout: *readTimeout, Logger: log}

	srv, nworkers, err := newWebServer(*pool, pools.Config{Workers: *workers, Queue: *queue}, opts)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		// Nothing was served: the executor is shut down at once, without a deadline to
		// honour, and only the listen error matters.
		if serr := srv.Shutdown(context.Background()); serr != nil {
			log.Warn("shutting down the unused executor", "err", serr)
		}
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("listening", "addr", ln.Addr().String(), "pool", *pool, "workers", nworkers)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("stopping", "timeout", *shutdownTimeout)
	case serveErr = <-served:
		log.Error("serving failed; stopping", "err", serveErr)
	}
	// ctx may be done: the drain gets a deadline of its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), *shutdownTimeout)
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
	log.Info("stopped", "accepted", st.Accepted, "served", st.Served, "rejected", st.Rejected, "failed", st.Failed,
		"drained", shutErr == nil)
	if shutErr != nil {
		return fmt.Errorf("serve: %w", shutErr)
	}
	if serveErr != nil {
		return fmt.Errorf("serve: %w", serveErr)
	}
	return nil
}

// newWebServer builds the server named by --pool and returns the workers it runs on (0
// for nethttp, which runs one goroutine per connection). The custom pool gets the server's
// logger, so that at debug level it logs the book's worker messages.
func newWebServer(name string, cfg pools.Config, opts server.Options) (webServer, int, error) {
	if name == compare.NetHTTP {
		return server.NewNetHTTP(opts), 0, nil
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
	return server.New(ex, opts), cfg.Workers, nil
}
