package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"time"

	"poolbench/loadgen"
)

// runLoadgen is the hidden child the HTTP study starts beside each server, so that load and
// server run in separate processes with their own GOMAXPROCS. It prints a loadgen.Result as
// JSON on stdout.
func runLoadgen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var cfg loadgen.Config
	fs.StringVar(&cfg.Target, "target", "", "host:port of the server; a loopback IP only")
	fs.StringVar(&cfg.Path, "path", "/", "request path and query")
	fs.IntVar(&cfg.Clients, "clients", 16, "closed loop: concurrent clients")
	fs.Float64Var(&cfg.Rate, "rate", 0, "open loop: requests per second (0: closed loop)")
	fs.DurationVar(&cfg.Duration, "duration", 2*time.Second, "how long to send for")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "per request, from dial to the end of the response")
	fs.IntVar(&cfg.MaxInFlight, "max-in-flight", 4096, "open loop: most requests outstanding at once")
	fs.IntVar(&cfg.MaxRequests, "max-requests", 10_000_000, "most requests sent in all")
	then := fs.String("then", "", "open loop: steps after the first, as RATE:DURATION,... (such as 450:2s)")
	fs.DurationVar(&cfg.Window, "window", 0, "open loop: report the requests due in each window of this width (0: none)")
	fs.BoolVar(&cfg.KeepAlive, "keep-alive", false, "reuse each connection for the next request (HTTP/1.1 keep-alive)")
	fs.IntVar(&cfg.SlowClients, "slow", 0, "slow clients beside the load, each writing its request one byte at a time")
	fs.DurationVar(&cfg.SlowInterval, "slow-interval", 100*time.Millisecond, "time between two bytes of a slow client")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: poolbench loadgen -target 127.0.0.1:PORT [flags]\n\nPuts closed-loop (-clients) or open-loop (-rate) HTTP load on one path, a new\nconnection per request unless -keep-alive, and prints the result as JSON.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if cfg.Target == "" {
		return usagef("loadgen: -target is required")
	}
	if *then != "" {
		steps, err := loadgen.ParseSteps(*then)
		if err != nil {
			return usagef("-then: %w", err)
		}
		cfg.Then = steps
	}
	res, err := loadgen.Run(ctx, cfg)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}
