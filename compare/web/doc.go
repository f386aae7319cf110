// Package web holds the two HTTP studies: the book's web server (`poolbench serve`) on
// every executor and on plain net/http, each in its own process on 127.0.0.1, under load
// from `poolbench loadgen` in another, with GOMAXPROCS split so that neither starves the
// other.
//
// The HTTP study (Run) measures peak closed-loop throughput with what limited it, latency
// at fixed open-loop rates (a run that could not hold its rate is invalid, never a
// latency), /sleep with more clients than workers, and SIGTERM under load.
//
// The overload study (RunOverload) makes the server the limit: a CPU-bound route
// calibrated to about 1 ms a request, each server's capacity in closed loop, then open
// loop at multiples of it, blocking and rejecting, in book and handler mode; the recovery
// after a burst; and slow clients beside normal load.
//
// The servers report their address and final counts through package server's lifecycle
// records, read with server.ParseRecord.
package web
