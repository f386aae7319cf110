package server

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"
)

// Bounds on the query values, so that no request pins a worker for long.
const (
	DefaultSleep = 5 * time.Second // /sleep without ?ms, as in the book
	MaxSleepMS   = 60_000          // the largest ?ms /sleep accepts
	DefaultWork  = 100_000         // /work without ?n
	MaxWork      = 10_000_000      // the largest ?n /work accepts: about a second of hashing
)

var (
	//go:embed static/hello.html
	helloHTML []byte
	//go:embed static/404.html
	notFoundHTML []byte
)

const (
	contentHTML = "text/html; charset=utf-8"
	contentText = "text/plain; charset=utf-8"
	allowed     = "GET, HEAD"
)

// A reply is one answer of the routes, written by Server with http.Response.Write and by
// NetHTTP and HandlerServer with an http.ResponseWriter, so that all send the same status,
// headers and body.
type reply struct {
	status      int
	contentType string
	body        []byte
	allow       string // the Allow header of a 405
	retryAfter  string // the Retry-After header of a 503 for a full executor
}

func textReply(status int, format string, args ...any) reply {
	return reply{status: status, contentType: contentText, body: fmt.Appendf(nil, format+"\n", args...)}
}

// header returns the reply's headers. Date is set here rather than left to net/http so that
// every server sends it. Whether the connection closes after it is each server's to say.
func (r reply) header() http.Header {
	h := http.Header{
		"Content-Type":   {r.contentType},
		"Content-Length": {strconv.Itoa(len(r.body))},
		"Date":           {time.Now().UTC().Format(http.TimeFormat)},
	}
	if r.allow != "" {
		h.Set("Allow", r.allow)
	}
	if r.retryAfter != "" {
		h.Set("Retry-After", r.retryAfter)
	}
	return h
}

// routes is the one definition of what the server answers.
type routes struct {
	log       *slog.Logger
	sleep     func(time.Duration) // time.Sleep; the fuzz test sleeps not at all
	maxWork   int64               // MaxWork; the fuzz test keeps /work short
	panicPath string              // a path whose handler panics, set only by tests
}

// serve answers req. A panicking handler becomes a 500: the recover is here, in the
// server's own code, so that the answer does not depend on what the executor does with
// panics.
func (rt routes) serve(req *http.Request) (rep reply) {
	defer func() {
		if v := recover(); v != nil {
			rt.log.Error("handler panicked", "method", req.Method, "path", req.URL.Path, "panic", v, "stack", string(debug.Stack()))
			rep = textReply(http.StatusInternalServerError, "500 Internal Server Error")
		}
	}()
	var handle func(url.Values) reply
	switch req.URL.Path {
	case "/":
		handle = func(url.Values) reply { return reply{status: http.StatusOK, contentType: contentHTML, body: helloHTML} }
	case "/sleep":
		handle = rt.sleepHandler
	case "/work":
		handle = rt.workHandler
	case rt.panicPath:
		if rt.panicPath == "" {
			return notFound()
		}
		handle = func(url.Values) reply { panic("server: test handler panics") }
	default:
		return notFound()
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		rep = textReply(http.StatusMethodNotAllowed, "405 Method Not Allowed: %s takes GET or HEAD", req.URL.Path)
		rep.allow = allowed
		return rep
	}
	q, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return textReply(http.StatusBadRequest, "400 Bad Request: malformed query string")
	}
	return handle(q)
}

func notFound() reply {
	return reply{status: http.StatusNotFound, contentType: contentHTML, body: notFoundHTML}
}

// sleepHandler is the book's slow request: it holds its worker for ?ms milliseconds.
func (rt routes) sleepHandler(q url.Values) reply {
	ms, rep, ok := intParam(q, "ms", DefaultSleep.Milliseconds(), MaxSleepMS, "milliseconds")
	if !ok {
		return rep
	}
	rt.sleep(time.Duration(ms) * time.Millisecond)
	return reply{status: http.StatusOK, contentType: contentHTML, body: helloHTML}
}

// workHandler does ?n rounds of SHA-256 over the previous digest, starting from the hash
// of "poolbench": real CPU work whose result the client can check.
func (rt routes) workHandler(q url.Values) reply {
	n, rep, ok := intParam(q, "n", min(DefaultWork, rt.maxWork), rt.maxWork, "rounds")
	if !ok {
		return rep
	}
	return textReply(http.StatusOK, "%s", hex.EncodeToString(Work(int(n))))
}

// Work returns the SHA-256 digest after n rounds, the result /work?n=N sends in hex.
func Work(n int) []byte {
	h := sha256.Sum256([]byte("poolbench"))
	for range n {
		h = sha256.Sum256(h[:])
	}
	return h[:]
}

// intParam reads query parameter name as an integer from 0 to max, def when absent. When
// the value is bad it returns false and the 400 that names the parameter and its bounds.
func intParam(q url.Values, name string, def, max int64, unit string) (int64, reply, bool) {
	vs, ok := q[name]
	if !ok {
		return def, reply{}, true
	}
	v, err := strconv.ParseInt(vs[0], 10, 64)
	if len(vs) != 1 || err != nil || v < 0 || v > max {
		return 0, textReply(http.StatusBadRequest, "400 Bad Request: bad query value %s=%q: want one integer from 0 to %d (%s)",
			name, vs[0], max, unit), false
	}
	return v, reply{}, true
}
