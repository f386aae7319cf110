package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"poolbench/pools"
	"poolbench/server"
)

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	pool := fs.String("pool", "custom", "executor to serve on: "+strings.Join(server.Names(), ", "))
	workers := fs.Int("workers", 4, "workers of the executor, as in the book")
	queue := fs.Int("queue", 0, "queue capacity where the executor has one (0: the library's default)")
	mode := fs.String("mode", string(server.ModeBook), "book: each connection is one task, as in the book; handler: net/http keeps connections alive and each request's handler is one task")
	reject := fs.Bool("reject", false, "shed load: when the executor is full, answer 503 with Retry-After at once (custom, ants, pond, pondv2 with --queue > 0, errgroup)")
	addr := fs.String("addr", "127.0.0.1:7878", "address to listen on; port 0 lets the system pick one")
	readTimeout := fs.Duration("read-timeout", server.DefaultReadTimeout, "time to read one request, counted from when a worker starts reading")
	shutdownTimeout := fs.Duration("shutdown-timeout", 10*time.Second, "time to drain after SIGINT/SIGTERM before exiting 1")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error; debug logs each connection and the custom pool's worker messages")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: poolbench serve [flags]

Serves GET / (hello.html), GET /sleep[?ms=N] (%v by default) and GET /work[?n=N] (N rounds
of SHA-256) on the chosen executor, one task per connection, as in the Rust book's web
server. With --mode=handler, a net/http.Server reads requests and keeps connections alive,
and each request's handler runs as one task, as Go services use a pool. With --reject,
Submit never waits: a full executor means 503 Service Unavailable with Retry-After: 1 at
once; an executor whose library cannot shed load is a usage error. Logs go to stderr:
"msg=listening addr=..." once listening; on SIGINT/SIGTERM it drains and logs "msg=stopped"
with the counts (of connections in book mode, of requests in handler mode), exiting 0 after
a clean drain and 1 past --shutdown-timeout. A second signal exits at once.
`, server.DefaultSleep)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if !slices.Contains(server.Names(), *pool) {
		return usagef("-pool: unknown %q (known: %s)", *pool, strings.Join(server.Names(), ", "))
	}
	if err := server.CheckMode(*pool, server.Mode(*mode)); err != nil {
		return usagef("-mode: %w", err)
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
	err := server.Run(ctx, server.RunConfig{
		Pool:            *pool,
		Mode:            server.Mode(*mode),
		Exec:            pools.Config{Workers: *workers, Queue: *queue, Reject: *reject},
		Addr:            *addr,
		ShutdownTimeout: *shutdownTimeout,
		Options:         server.Options{ReadTimeout: *readTimeout, Logger: log},
	})
	if errors.Is(err, pools.ErrCannotReject) {
		return usageError{fmt.Errorf("-reject: %w", err)}
	}
	return err
}
