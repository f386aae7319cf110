// Package web is the HTTP study: the book's web server (`poolbench serve`) on every executor
// and on plain net/http, each in its own process on 127.0.0.1, under load from `poolbench
// loadgen` in another, with GOMAXPROCS split so that neither starves the other.
//
// It measures peak closed-loop throughput with what limited it, latency at fixed open-loop
// rates (a run that could not hold its rate is invalid, never a latency), /sleep with more
// clients than workers, and SIGTERM under load. The servers report their address and final
// counts through package server's lifecycle records, read with server.ParseRecord.
package web
