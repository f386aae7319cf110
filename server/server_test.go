package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/pools"
	"poolbench/server"
)

// generous is a deadline no healthy server comes near.
const generous = 5 * time.Second

// An httpServer is what Server and NetHTTP have in common.
type httpServer interface {
	Serve(ctx context.Context, ln net.Listener) error
	Shutdown(ctx context.Context) error
	Stats() server.Stats
}

// names lists every server under test: one per executor, and nethttp.
func names() []string { return append(pools.Names(), "nethttp") }

// namesIn lists the servers under test in mode: nethttp has book mode only.
func namesIn(mode server.Mode) []string {
	if mode == server.ModeHandler {
		return pools.Names()
	}
	return names()
}

// running is a server under test, listening on addr.
type running struct {
	name  string
	srv   httpServer
	addr  string
	serve chan error
	once  sync.Once
	err   error
}

// start runs the named server in book mode on a fresh listener on 127.0.0.1:0.
func start(t *testing.T, name string, cfg pools.Config, opts server.Options) *running {
	t.Helper()
	return startIn(t, server.ModeBook, name, cfg, opts)
}

// startIn runs the named server in mode on a fresh listener on 127.0.0.1:0.
func startIn(t *testing.T, mode server.Mode, name string, cfg pools.Config, opts server.Options) *running {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var srv httpServer
	if name == "nethttp" {
		srv = server.NewNetHTTP(opts)
	} else {
		ex, err := pools.New(name, cfg)
		if err != nil {
			t.Fatalf("pools.New(%q) = %v", name, err)
		}
		if mode == server.ModeHandler {
			srv = server.NewHandlerServer(ex, opts)
		} else {
			srv = server.New(ex, opts)
		}
	}
	r := &running{name: name, srv: srv, addr: ln.Addr().String(), serve: make(chan error, 1)}
	go func() { r.serve <- srv.Serve(context.Background(), ln) }()
	return r
}

// shutdown shuts r down once with a generous deadline, checks what Serve returned, and
// returns Shutdown's error.
func (r *running) shutdown(t *testing.T) error {
	t.Helper()
	r.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), generous)
		defer cancel()
		r.err = r.srv.Shutdown(ctx)
		if err := <-r.serve; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve() = %v; want http.ErrServerClosed", err)
		}
	})
	return r.err
}

// forEach runs test on every server in book mode, then shuts it down and checks that every
// accepted connection was accounted for and no goroutine leaked.
func forEach(t *testing.T, cfg pools.Config, opts server.Options, test func(t *testing.T, r *running)) {
	forEachIn(t, server.ModeBook, cfg, opts, test)
}

// forEachIn is forEach on every server in mode.
func forEachIn(t *testing.T, mode server.Mode, cfg pools.Config, opts server.Options, test func(t *testing.T, r *running)) {
	for _, name := range namesIn(mode) {
		t.Run("server="+name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			r := startIn(t, mode, name, cfg, opts)
			test(t, r)
			if err := r.shutdown(t); err != nil {
				t.Errorf("Shutdown() = %v; want nil", err)
			}
			if st := r.srv.Stats(); st.Accepted != st.Served+st.Rejected+st.Failed {
				t.Errorf("Stats() = %+v after a clean drain; want Accepted = Served+Rejected+Failed", st)
			}
		})
	}
}

// roundTrip sends raw on a new connection to addr and reads one response.
func roundTrip(addr, raw string) (*http.Response, []byte, error) {
	return roundTripWithin(addr, raw, generous)
}

// roundTripWithin is roundTrip giving up after d.
func roundTripWithin(addr, raw string, d time.Duration) (*http.Response, []byte, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(d)); err != nil {
		return nil, nil, err
	}
	if _, err := io.WriteString(c, raw); err != nil {
		return nil, nil, err
	}
	method, _, _ := strings.Cut(raw, " ")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func get(path string) string { return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n" }

// workDigest is /work's answer for n rounds, computed here apart from the server's code.
func workDigest(n int) string {
	h := sha256.Sum256([]byte("poolbench"))
	for range n {
		h = sha256.Sum256(h[:])
	}
	return hex.EncodeToString(h[:]) + "\n"
}

func TestRoutes(t *testing.T) {
	hello, err := os.ReadFile("static/hello.html")
	if err != nil {
		t.Fatal(err)
	}
	notFound, err := os.ReadFile("static/404.html")
	if err != nil {
		t.Fatal(err)
	}
	const html, text = "text/html; charset=utf-8", "text/plain; charset=utf-8"
	cases := []struct {
		name     string
		raw      string
		status   int
		ctype    string // "" for net/http's own answers, whose headers differ
		body     string // exact, or
		contains string // a part of it
	}{
		{name: "hello", raw: get("/"), status: 200, ctype: html, body: string(hello)},
		{name: "http10", raw: "GET / HTTP/1.0\r\n\r\n", status: 200, ctype: html, body: string(hello)},
		{name: "head", raw: "HEAD / HTTP/1.1\r\nHost: test\r\n\r\n", status: 200, ctype: html, body: ""},
		{name: "sleep", raw: get("/sleep?ms=20"), status: 200, ctype: html, body: string(hello)},
		{name: "work", raw: get("/work?n=3"), status: 200, ctype: text, body: workDigest(3)},
		{name: "work0", raw: get("/work?n=0"), status: 200, ctype: text, body: workDigest(0)},
		{name: "work-nan", raw: get("/work?n=abc"), status: 400, ctype: text, contains: `n="abc": want one integer from 0 to 10000000`},
		{name: "work-big", raw: get("/work?n=10000001"), status: 400, ctype: text, contains: `n="10000001"`},
		{name: "sleep-neg", raw: get("/sleep?ms=-5"), status: 400, ctype: text, contains: `ms="-5": want one integer from 0 to 60000`},
		{name: "sleep-twice", raw: get("/sleep?ms=1&ms=2"), status: 400, ctype: text, contains: "ms="},
		{name: "bad-query", raw: get("/sleep?ms=%zz"), status: 400, ctype: text, contains: "malformed query"},
		{name: "not-found", raw: get("/nope"), status: 404, ctype: html, body: string(notFound)},
		{name: "not-found-file", raw: get("/hello.html"), status: 404, ctype: html, body: string(notFound)},
		{name: "post", raw: "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello", status: 405, ctype: text, contains: "GET or HEAD"},
		{name: "delete", raw: "DELETE /sleep HTTP/1.1\r\nHost: test\r\n\r\n", status: 405, ctype: text, contains: "GET or HEAD"},
		{name: "panic", raw: get("/panic"), status: 500, ctype: text, body: "500 Internal Server Error\n"},
		{name: "after-panic", raw: get("/"), status: 200, ctype: html, body: string(hello)},
		{name: "malformed", raw: "garbage\r\n\r\n", status: 400},
		{name: "no-host", raw: "GET / HTTP/1.1\r\n\r\n", status: 400},
		{name: "huge-header", raw: "GET / HTTP/1.1\r\nHost: test\r\nX-Big: " + strings.Repeat("x", 8<<10) + "\r\n\r\n", status: 431},
	}
	// bodies[case][mode/server] are compared across servers at the end: one definition of
	// the routes means the same bytes from each.
	bodies := map[string]map[string]string{}
	opts := server.WithPanicPath(server.Options{MaxHeaderBytes: 1 << 10}, "/panic")
	for _, mode := range server.Modes() {
		t.Run("mode="+string(mode), func(t *testing.T) {
			// One worker, so that the request after the panic needs the worker that ran it.
			forEachIn(t, mode, pools.Config{Workers: 1}, opts, func(t *testing.T, r *running) {
				for _, tc := range cases {
					t.Run(tc.name, func(t *testing.T) {
						resp, body, err := roundTrip(r.addr, tc.raw)
						if err != nil {
							t.Fatalf("round trip: %v", err)
						}
						if resp.StatusCode != tc.status {
							t.Fatalf("status = %d (%q); want %d", resp.StatusCode, body, tc.status)
						}
						// Handler mode keeps the connection of a request it answered, unless
						// HTTP/1.0 asks otherwise; the book's model and nethttp close it.
						wantClose := mode == server.ModeBook || tc.ctype == "" || strings.Contains(tc.raw, "HTTP/1.0")
						if resp.Close != wantClose {
							t.Errorf("Connection: close %v; want %v: %v", resp.Close, wantClose, resp.Header)
						}
						if tc.ctype == "" {
							return
						}
						if bodies[tc.name] == nil {
							bodies[tc.name] = map[string]string{}
						}
						bodies[tc.name][string(mode)+"/"+r.name] = string(body)
						if got := resp.Header.Get("Content-Type"); got != tc.ctype {
							t.Errorf("Content-Type = %q; want %q", got, tc.ctype)
						}
						if _, err := http.ParseTime(resp.Header.Get("Date")); err != nil {
							t.Errorf("Date = %q: %v", resp.Header.Get("Date"), err)
						}
						if tc.status == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != "GET, HEAD" {
							t.Errorf("Allow = %q; want %q", resp.Header.Get("Allow"), "GET, HEAD")
						}
						wantLen := int64(len(body))
						if tc.name == "head" {
							wantLen = int64(len(hello))
						}
						if resp.ContentLength != wantLen {
							t.Errorf("Content-Length = %d; want %d", resp.ContentLength, wantLen)
						}
						switch {
						case tc.contains != "" && !strings.Contains(string(body), tc.contains):
							t.Errorf("body = %q; want it to contain %q", body, tc.contains)
						case tc.contains == "" && string(body) != tc.body:
							t.Errorf("body = %q; want %q", body, tc.body)
						}
					})
				}
			})
		})
	}
	for name, byServer := range bodies {
		want, ok := byServer["book/custom"]
		for srv, got := range byServer {
			if ok && got != want {
				t.Errorf("case %s: %s body %q; book/custom %q", name, srv, got, want)
			}
		}
	}
}

// TestSilentClient checks that a client that connects and sends nothing is cut off at the
// read timeout, and that its worker then serves others.
func TestSilentClient(t *testing.T) {
	forEach(t, pools.Config{Workers: 1}, server.Options{ReadTimeout: 300 * time.Millisecond}, func(t *testing.T, r *running) {
		silent, err := net.Dial("tcp", r.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer silent.Close()
		waitFor(t, "the silent connection to be accepted", func() bool { return r.srv.Stats().Accepted == 1 })

		resp, _, err := roundTrip(r.addr, get("/"))
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET / behind a silent client: %v, %v; want 200", resp, err)
		}
		// The server has cut the silent client off: its read ends with EOF well before
		// the client's own deadline, which is there only to end the test if it has not.
		if err := silent.SetReadDeadline(time.Now().Add(generous)); err != nil {
			t.Fatal(err)
		}
		if n, err := silent.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("silent client Read() = %d, %v; want EOF", n, err)
		}
		// The counts follow the close, which the client may see first.
		waitFor(t, "both connections to be counted", func() bool {
			st := r.srv.Stats()
			return st.Failed == 1 && st.Served == 1
		})
	})
}

// TestShutdownDrains checks, in both modes, that requests in flight when Shutdown starts,
// running or waiting for a worker, all get complete answers, and that new connections are
// refused.
func TestShutdownDrains(t *testing.T) {
	const workers, clients = 2, 3
	hello, err := os.ReadFile("static/hello.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range server.Modes() {
		t.Run("mode="+string(mode), func(t *testing.T) {
			forEachIn(t, mode, pools.Config{Workers: workers}, server.Options{}, func(t *testing.T, r *running) {
				type result struct {
					status int
					body   []byte
					err    error
				}
				results := make(chan result, clients)
				for range clients {
					go func() {
						resp, body, err := roundTrip(r.addr, get("/sleep?ms=300"))
						if err != nil {
							results <- result{err: err}
							return
						}
						results <- result{resp.StatusCode, body, nil}
					}()
				}
				// With no queue, the accept loop (book) or the last client's handler (handler)
				// blocks in Submit.
				waitFor(t, "every client to be accepted", func() bool { return r.srv.Stats().Accepted == clients })
				shut := make(chan error, 1)
				go func() { shut <- r.shutdown(t) }()
				waitFor(t, "new connections to be refused", func() bool {
					c, err := net.Dial("tcp", r.addr)
					if err == nil {
						c.Close()
					}
					return errors.Is(err, syscall.ECONNREFUSED)
				})
				for range clients {
					res := <-results
					if res.err != nil || res.status != http.StatusOK || !bytes.Equal(res.body, hello) {
						t.Errorf("request in flight at Shutdown: status %d, body %q, err %v; want 200 and hello.html", res.status, res.body, res.err)
					}
				}
				if err := <-shut; err != nil {
					t.Errorf("Shutdown() = %v; want nil", err)
				}
				if _, err := net.Dial("tcp", r.addr); !errors.Is(err, syscall.ECONNREFUSED) {
					t.Errorf("Dial after Shutdown = %v; want connection refused", err)
				}
				if st := r.srv.Stats(); st.Served != clients {
					t.Errorf("Stats() = %+v; want Served %d", st, clients)
				}
			})
		})
	}
}

// refusing is an executor whose Submit always fails.
type refusing struct{}

func (refusing) Submit(func()) error                { return errors.New("test: refusing work") }
func (refusing) Shutdown(ctx context.Context) error { return nil }

// panicking is an executor whose Submit panics, as pond v1's does after a stop.
type panicking struct{}

func (panicking) Submit(func()) error                { panic("test: Submit panics") }
func (panicking) Shutdown(ctx context.Context) error { return nil }

// TestRejected checks that the accept loop answers 503 itself when Submit fails or panics,
// and serves on.
func TestRejected(t *testing.T) {
	shutFirst := func(name string) func() (pools.Executor, error) {
		return func() (pools.Executor, error) {
			ex, err := pools.New(name, pools.Config{Workers: 1})
			if err != nil {
				return nil, err
			}
			return ex, ex.Shutdown(context.Background())
		}
	}
	for _, tc := range []struct {
		name string
		ex   func() (pools.Executor, error)
	}{
		{"refusing", func() (pools.Executor, error) { return refusing{}, nil }},
		{"panicking", func() (pools.Executor, error) { return panicking{}, nil }},
		// Real executors shut down before the server starts: their Submit returns an error
		// (custom, ants, pondv2, workerpool) or panics (pond). conc is left out: the
		// server's own Shutdown would call its Wait a second time, which panics; errgroup
		// and goroutines run tasks after their Shutdown, so they never refuse.
		{"custom-after-shutdown", shutFirst("custom")},
		{"ants-after-shutdown", shutFirst("ants")},
		{"pond-after-shutdown", shutFirst("pond")},
		{"pondv2-after-shutdown", shutFirst("pondv2")},
		{"workerpool-after-shutdown", shutFirst("workerpool")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ex, err := tc.ex()
			if err != nil {
				t.Fatal(err)
			}
			srv := server.New(ex, server.Options{})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			serve := make(chan error, 1)
			go func() { serve <- srv.Serve(context.Background(), ln) }()
			for i := range 3 {
				resp, body, err := roundTrip(ln.Addr().String(), get("/"))
				if err != nil {
					t.Fatalf("request %d: %v; want a 503", i, err)
				}
				if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "503 Service Unavailable") {
					t.Errorf("request %d: %d %q; want 503", i, resp.StatusCode, body)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), generous)
			defer cancel()
			// The executor was shut down before: a second shutdown may report that (ants).
			if err := srv.Shutdown(ctx); err != nil && ctx.Err() != nil {
				t.Errorf("Shutdown() = %v", err)
			}
			if err := <-serve; !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve() = %v; want http.ErrServerClosed", err)
			}
			if st := srv.Stats(); st != (server.Stats{Accepted: 3, Rejected: 3}) {
				t.Errorf("Stats() = %+v; want 3 accepted, 3 rejected", st)
			}
		})
	}
}

// TestServeAfterShutdown checks that Serve on a server already shut down returns at once.
func TestServeAfterShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, name := range []string{"custom", "nethttp"} {
		t.Run("server="+name, func(t *testing.T) {
			r := start(t, name, pools.Config{Workers: 1}, server.Options{})
			if err := r.shutdown(t); err != nil {
				t.Fatalf("Shutdown() = %v", err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			if err := r.srv.Serve(context.Background(), ln); !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve() after Shutdown = %v; want http.ErrServerClosed", err)
			}
		})
	}
}

// TestServeContext checks that Serve stops accepting when its ctx ends, and that Shutdown
// then still drains.
func TestServeContext(t *testing.T) {
	for _, name := range []string{"custom", "nethttp"} {
		t.Run("server="+name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var srv httpServer = server.NewNetHTTP(server.Options{})
			if name == "custom" {
				ex, err := pools.New(name, pools.Config{Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				srv = server.New(ex, server.Options{})
			}
			ctx, cancel := context.WithCancel(context.Background())
			serve := make(chan error, 1)
			go func() { serve <- srv.Serve(ctx, ln) }()
			if resp, _, err := roundTrip(ln.Addr().String(), get("/")); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / = %v, %v", resp, err)
			}
			cancel()
			if err := <-serve; !errors.Is(err, context.Canceled) {
				t.Errorf("Serve() after cancel = %v; want context.Canceled", err)
			}
			if _, err := net.Dial("tcp", ln.Addr().String()); !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("Dial after cancel = %v; want connection refused", err)
			}
			sctx, scancel := context.WithTimeout(context.Background(), generous)
			defer scancel()
			if err := srv.Shutdown(sctx); err != nil {
				t.Errorf("Shutdown() = %v", err)
			}
		})
	}
}

// waitFor polls cond until it holds, failing the test after a generous while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(generous)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShutdownDeadline checks that Shutdown ends at its deadline with ctx's error while a
// request outlasts it, whether the next connection waits in the executor's queue or in a
// blocked Submit, that the request in a worker's hands still gets its answer, and that a
// second Shutdown finishes the drain or names what was lost. What becomes of the waiting
// request depends on the executor, and is logged.
func TestShutdownDeadline(t *testing.T) {
	for _, name := range names() {
		t.Run("server="+name, func(t *testing.T) {
			if name == "tunny" {
				t.Skip("tunny's Submit is synchronous: the accept loop runs each connection's task to its end " +
					"before it accepts the next, so no accepted request is left to outlast Shutdown")
			}
			// pond v1's StopAndWaitFor leaves a goroutine behind when its deadline passes:
			// it sends on an unbuffered channel nobody reads any more (pond.go:345).
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent(),
				goleak.IgnoreTopFunction("github.com/alitto/pond.(*WorkerPool).StopAndWaitFor.func1"))
			// One worker and a queue of one where the executor has a queue: the next
			// request waits in the queue there, and in a blocked Submit elsewhere.
			r := start(t, name, pools.Config{Workers: 1, Queue: 1}, server.Options{})
			type result struct {
				status int
				err    error
			}
			slow, next := make(chan result, 1), make(chan result, 1)
			// Answers come within a second; a dropped connection would get none.
			send := func(path string, to chan<- result) {
				resp, _, err := roundTripWithin(r.addr, get(path), 2*time.Second)
				if err != nil {
					to <- result{err: err}
					return
				}
				to <- result{status: resp.StatusCode}
			}
			go send("/sleep?ms=500", slow)
			waitFor(t, "the slow request to be accepted", func() bool { return r.srv.Stats().Accepted == 1 })
			go send("/", next)
			waitFor(t, "the next request to be accepted", func() bool { return r.srv.Stats().Accepted == 2 })

			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			if err := r.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Shutdown() with a request outlasting it = %v; want context.DeadlineExceeded", err)
			}
			if res := <-slow; res.err != nil || res.status != http.StatusOK {
				t.Errorf("slow request: %d, %v; want 200", res.status, res.err)
			}
			// A task the executor dropped leaves its connection unanswered: the client's
			// deadline is what ends the wait then.
			res := <-next
			ctx2, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel2()
			err := r.srv.Shutdown(ctx2)
			t.Logf("the request waiting at the deadline: status %d, err %v; second Shutdown: %v; %+v", res.status, res.err, err, r.srv.Stats())
			if answered := res.err == nil; answered != (err == nil) {
				t.Errorf("waiting request answered: %v, but second Shutdown() = %v", answered, err)
			}
			if err := <-r.serve; !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve() = %v; want http.ErrServerClosed", err)
			}
		})
	}
}

// TestRejectWhenFull checks, in both modes on each executor that can shed load, that once
// its worker and queue hold slow requests the next request gets 503 with Retry-After at
// once, that the slow ones are still served, and that the server answers 200 again once
// they are done.
func TestRejectWhenFull(t *testing.T) {
	for _, mode := range server.Modes() {
		t.Run("mode="+string(mode), func(t *testing.T) { testRejectWhenFull(t, mode) })
	}
}

func testRejectWhenFull(t *testing.T, mode server.Mode) {
	const (
		slow = time.Second            // how long each request holds its worker
		step = 200 * time.Millisecond // how long to wait for a refusal before the next request
	)
	cfg := pools.Config{Workers: 1, Queue: 1, Reject: true}
	for _, name := range []string{"custom", "ants", "pond", "pondv2", "errgroup"} {
		t.Run("server="+name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			r := startIn(t, mode, name, cfg, server.Options{})
			type result struct {
				resp *http.Response
				body []byte
				took time.Duration
				err  error
			}
			results := make(chan result, 4)
			// Slow requests, one every step, until one is refused: it takes the worker's
			// and the queue's, or fewer if the worker had yet to take a task from the
			// queue. Each is answered after slow, well after the last step, or refused.
			var got []result
			sent := 0
			for ; sent < cap(results) && !slices.ContainsFunc(got, func(r result) bool { return r.err == nil && r.resp.StatusCode == 503 }); sent++ {
				go func() {
					begin := time.Now()
					resp, body, err := roundTrip(r.addr, get(fmt.Sprintf("/sleep?ms=%d", slow.Milliseconds())))
					results <- result{resp, body, time.Since(begin), err}
				}()
				select {
				case res := <-results:
					got = append(got, res)
				case <-time.After(step):
				}
			}
			for len(got) < sent {
				got = append(got, <-results)
			}
			refused, served := 0, 0
			for _, res := range got {
				switch {
				case res.err != nil:
					t.Errorf("slow request: %v; want an answer", res.err)
				case res.resp.StatusCode == http.StatusOK:
					served++
				case res.resp.StatusCode == http.StatusServiceUnavailable:
					refused++
					// The book's model closes every connection; handler mode keeps it.
					if ra := res.resp.Header.Get("Retry-After"); ra != "1" || !strings.Contains(string(res.body), "at capacity") || res.resp.Close != (mode == server.ModeBook) {
						t.Errorf("503: Retry-After %q, body %q, close %v; want Retry-After 1, a body that says why, close only in book mode", ra, res.body, res.resp.Close)
					}
					if res.took > time.Second {
						t.Errorf("the 503 took %v; want it at once", res.took)
					}
				default:
					t.Errorf("slow request: %d; want 200 or 503", res.resp.StatusCode)
				}
			}
			if refused == 0 || served == 0 {
				t.Errorf("of %d slow requests %d were served and %d refused; want some of each", sent, served, refused)
			}
			// The slow requests are done; a worker may take a moment to count as free
			// (ants: see pools.Ants), so this may be refused too.
			waitFor(t, "GET / to be served again", func() bool {
				resp, _, err := roundTrip(r.addr, get("/"))
				return err == nil && resp.StatusCode == http.StatusOK
			})
			if err := r.shutdown(t); err != nil {
				t.Errorf("Shutdown() = %v; want nil", err)
			}
			if st := r.srv.Stats(); st.Rejected < int64(refused) || st.Accepted != st.Served+st.Rejected+st.Failed {
				t.Errorf("Stats() = %+v; want at least %d rejected, and Accepted = Served+Rejected+Failed", st, refused)
			}
		})
	}
}

// TestHandlerKeepAlive checks that in handler mode every executor serves several requests
// over one kept-alive connection, and counts each.
func TestHandlerKeepAlive(t *testing.T) {
	forEachIn(t, server.ModeHandler, pools.Config{Workers: 2}, server.Options{}, func(t *testing.T, r *running) {
		c, err := net.DialTimeout("tcp", r.addr, generous)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.SetDeadline(time.Now().Add(generous)); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(c)
		for i, tc := range []struct{ path, body string }{
			{"/work?n=3", workDigest(3)},
			{"/work?n=5", workDigest(5)},
			{"/work?n=0", workDigest(0)},
		} {
			if _, err := io.WriteString(c, get(tc.path)); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
			if err != nil {
				t.Fatalf("response %d on the kept-alive connection: %v", i, err)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != http.StatusOK || string(body) != tc.body || resp.Close {
				t.Fatalf("response %d: %d %q close=%v, %v; want 200 %q on a connection kept alive", i, resp.StatusCode, body, resp.Close, err, tc.body)
			}
		}
		if st := r.srv.Stats(); st != (server.Stats{Accepted: 3, Served: 3}) {
			t.Errorf("Stats() = %+v; want 3 requests accepted and served", st)
		}
	})
}

// TestHandlerClientGone checks that in handler mode a request whose client leaves while it
// waits in the queue is dropped when a worker reaches it: it is counted as failed, and the
// worker goes on to the next.
func TestHandlerClientGone(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r := startIn(t, server.ModeHandler, "custom", pools.Config{Workers: 1}, server.Options{})
	slow := make(chan error, 1)
	go func() {
		resp, _, err := roundTrip(r.addr, get("/sleep?ms=500"))
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		slow <- err
	}()
	waitFor(t, "the slow request to be accepted", func() bool { return r.srv.Stats().Accepted == 1 })
	c, err := net.Dial("tcp", r.addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, get("/")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the queued request to be accepted", func() bool { return r.srv.Stats().Accepted == 2 })
	c.Close()
	if err := <-slow; err != nil {
		t.Errorf("slow request: %v; want 200", err)
	}
	if err := r.shutdown(t); err != nil {
		t.Errorf("Shutdown() = %v; want nil", err)
	}
	if st := r.srv.Stats(); st != (server.Stats{Accepted: 2, Served: 1, Failed: 1}) {
		t.Errorf("Stats() = %+v; want the slow request served and the abandoned one failed", st)
	}
}
