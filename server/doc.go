// Package server is the web server that ends the Rust book's web-server chapter, in Go, on
// any pools.Executor.
//
// Server follows the book's model: an accept loop hands each accepted connection to the
// executor as one task, and the task reads one request, routes it, writes one response with
// "Connection: close" and closes the connection. HandlerServer is the way Go services use a
// pool instead: a net/http.Server reads requests and keeps connections alive, and each
// request's handler runs as one task while net/http's goroutine waits for it. NetHTTP serves
// the same routes on a plain net/http.Server, the reference a Go user would pick instead of
// any pool. All three answer with the same statuses and bodies because all call the one
// definition of the routes.
//
// The routes:
//
//	GET /             hello.html
//	GET /sleep        hello.html after 5 s, as in the book; ?ms=N sleeps N ms (0 to 60000)
//	GET /work         the hex SHA-256 digest after ?n=N rounds of it (0 to 10000000; 100000 if absent)
//	anything else     404 with 404.html
//
// HEAD is answered like GET without the body, another method on a known path gets 405, a
// bad query value 400 naming the parameter, and a malformed request 400.
//
// Server is robust whatever the executor is: the read deadline starts when a worker starts
// reading (time spent queued does not count); request headers are limited in size; when
// Submit fails or panics, the accept loop itself answers 503; a panicking handler answers
// 500 and the worker serves on, because the server recovers in its own task code. With an
// executor built with pools.Config.Reject, both Server and HandlerServer answer a request
// that finds the executor full with 503 and Retry-After: 1 at once.
package server
