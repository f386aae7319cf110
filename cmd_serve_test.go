package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"poolbench/server"
)

func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"--pool=nope"}, `-pool: unknown "nope"`},
		{[]string{"--workers=0"}, "-workers = 0"},
		{[]string{"--queue=-1"}, "-queue = -1"},
		{[]string{"--read-timeout=soon"}, `invalid value "soon" for flag -read-timeout`},
		{[]string{"--read-timeout=0s"}, "-read-timeout = 0s"},
		{[]string{"--shutdown-timeout=-1s"}, "-shutdown-timeout = -1s"},
		{[]string{"--log-level=loud"}, `-log-level: "loud"`},
		{[]string{"--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--mode=pipelined"}, `-mode: server: unknown mode "pipelined" (known: book, handler)`},
		{[]string{"--mode=handler", "--pool=nethttp"}, "-mode: server: nethttp has no executor to run handlers on"},
		{[]string{"--reject", "--pool=workerpool"}, "-reject: pools: executor cannot reject: workerpool: its queue is unbounded and Do never blocks"},
		{[]string{"--reject", "--pool=conc"}, "-reject: pools: executor cannot reject: conc: Pool.Go blocks until a worker is free"},
		{[]string{"--reject", "--pool=goroutines"}, "-reject: pools: executor cannot reject: goroutines: it starts a goroutine per task without limit"},
		{[]string{"--reject", "--pool=pondv2"}, "pondv2: with Queue 0 its queue is unbounded and never full"},
		{[]string{"--reject", "--pool=nethttp"}, "nethttp: net/http has no executor to be full"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"serve"}, tc.args...), &stdout, &stderr)
			if code := exitCode(err, &stderr); code != 2 {
				t.Errorf("exit code = %d; want 2 (err %v)", code, err)
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr = %q; want it to contain %q", stderr.String(), tc.want)
			}
		})
	}
}

// logLines collects what poolbench serve logs and hands each line to whoever waits for it.
type logLines struct {
	mu    sync.Mutex
	lines []string
	more  chan struct{} // closed and replaced at each new line
}

func newLogLines() *logLines { return &logLines{more: make(chan struct{})} }

// collect reads r line by line until EOF.
func (l *logLines) collect(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		close(l.more)
		l.more = make(chan struct{})
		l.mu.Unlock()
	}
}

// wait returns the first line that contains want, failing the test after a generous while.
func (l *logLines) wait(t *testing.T, want string) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		l.mu.Lock()
		for _, line := range l.lines {
			if strings.Contains(line, want) {
				l.mu.Unlock()
				return line
			}
		}
		more := l.more
		l.mu.Unlock()
		select {
		case <-more:
		case <-timeout:
			t.Fatalf("no log line contains %q; got:\n%s", want, strings.Join(l.lines, "\n"))
		}
	}
}

var addrRE = regexp.MustCompile(`msg=listening addr=(127\.0\.0\.1:\d+) `)

// counts parses the counts of a msg=stopped line.
func counts(t *testing.T, line string) map[string]int {
	t.Helper()
	m := map[string]int{}
	for _, key := range []string{"accepted", "served", "rejected", "failed"} {
		re := regexp.MustCompile(` ` + key + `=(\d+)`)
		sub := re.FindStringSubmatch(line)
		if sub == nil {
			t.Fatalf("stopped line %q has no %s", line, key)
		}
		n, err := strconv.Atoi(sub[1])
		if err != nil {
			t.Fatalf("stopped line %q: %s: %v", line, key, err)
		}
		m[key] = n
	}
	return m
}

// load sends requests for path to addr from clients goroutines, one after another, until
// stop is closed, and returns how many got 200. It closes warm at the 10th 200. Each
// goroutine keeps its connection alive between requests if keepAlive is set.
func load(addr, path string, clients int, keepAlive bool, stop <-chan struct{}, warm chan<- struct{}) int64 {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: !keepAlive}}
	var wg sync.WaitGroup
	var n atomic.Int64
	for range clients {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + addr + path)
				if err != nil {
					continue // refused or reset after the listener closed: not accepted
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode == http.StatusOK && len(body) > 0 {
					if n.Add(1) == 10 {
						close(warm)
					}
				}
			}
		})
	}
	wg.Wait()
	client.CloseIdleConnections()
	return n.Load()
}

// TestServeDrainsOnCancel runs poolbench serve through run() in each mode, loads it, ends
// its ctx as SIGTERM would, and checks that it exits 0 with every accepted request served.
func TestServeDrainsOnCancel(t *testing.T) {
	for _, mode := range server.Modes() {
		for _, pool := range server.Names() {
			if server.CheckMode(pool, mode) != nil {
				continue
			}
			t.Run("mode="+string(mode)+"/pool="+pool, func(t *testing.T) { testServeDrainsOnCancel(t, mode, pool) })
		}
	}
}

func testServeDrainsOnCancel(t *testing.T, mode server.Mode, pool string) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	pr, pw := io.Pipe()
	logs := newLogLines()
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		logs.collect(pr)
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr=127.0.0.1:0", "--pool=" + pool, "--mode=" + string(mode), "--workers=2", "--log-level=debug"}, io.Discard, pw)
	}()
	addr := addrRE.FindStringSubmatch(logs.wait(t, "msg=listening"))[1]
	stopLoad, warm := make(chan struct{}), make(chan struct{})
	loaded := make(chan int64, 1)
	go func() {
		loaded <- load(addr, "/sleep?ms=50", 6, mode == server.ModeHandler, stopLoad, warm)
	}()
	<-warm // load is flowing
	if pool == "custom" {
		logs.wait(t, `msg="worker 0 got a job; executing"`) // the book's messages at debug level
	}
	cancel()
	err := <-done
	close(stopLoad)
	got := <-loaded
	pw.Close()
	<-collected
	if err != nil {
		t.Fatalf("run() = %v; want nil after a clean drain", err)
	}
	c := counts(t, logs.wait(t, "msg=stopped"))
	// Every request the server accepted was answered: the clients saw as many 200s
	// as it served (the rest were refused or reset before being accepted).
	if c["served"] != int(got) || c["accepted"] != c["served"]+c["rejected"]+c["failed"] || c["rejected"] != 0 {
		t.Errorf("stopped with %v; clients got %d 200s", c, got)
	}
}

// TestServeSignals starts the real binary and signals it: one SIGTERM drains and exits 0,
// a drain past --shutdown-timeout exits 1, and a second signal exits at once.
func TestServeSignals(t *testing.T) {
	bin := buildPoolbench(t)
	for _, tc := range []struct {
		name    string
		sleepMS int
		args    []string
		signals int
		want    func(t *testing.T, err error, status int, logs *logLines)
	}{
		{"drain", 500, nil, 1, func(t *testing.T, err error, status int, logs *logLines) {
			if err != nil || status != http.StatusOK {
				t.Errorf("request in flight: %d, %v; want 200", status, err)
			}
			if c := counts(t, logs.wait(t, "msg=stopped")); c["accepted"] != 1 || c["served"] != 1 {
				t.Errorf("stopped with %v; want 1 accepted and served", c)
			}
		}},
		{"deadline", 3000, []string{"--shutdown-timeout=200ms"}, 1, func(t *testing.T, _ error, _ int, logs *logLines) {
			if line := logs.wait(t, "msg=stopped"); !strings.Contains(line, "served=0") || !strings.Contains(line, "drained=false") {
				t.Errorf("stopped line %q; want served=0 drained=false", line)
			}
		}},
		{"second-signal", 20000, nil, 2, func(t *testing.T, err error, _ int, _ *logLines) {
			if err == nil {
				t.Errorf("the request in flight got an answer; want the connection cut when the server died")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"serve", "--addr=127.0.0.1:0", "--pool=custom", "--log-level=debug"}, tc.args...)...)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			logs := newLogLines()
			collected := make(chan struct{})
			go func() {
				defer close(collected)
				logs.collect(stderr)
			}()
			addr := addrRE.FindStringSubmatch(logs.wait(t, "msg=listening"))[1]
			type result struct {
				status int
				err    error
			}
			res := make(chan result, 1)
			go func() {
				resp, err := http.Get(fmt.Sprintf("http://%s/sleep?ms=%d", addr, tc.sleepMS))
				if err != nil {
					res <- result{0, err}
					return
				}
				defer resp.Body.Close()
				_, err = io.ReadAll(resp.Body)
				res <- result{resp.StatusCode, err}
			}()
			logs.wait(t, "got a job; executing") // the request is in a worker's hands
			for i := range tc.signals {
				if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					logs.wait(t, "msg=stopping")
				}
			}
			<-collected
			waitErr := cmd.Wait()
			r := <-res
			tc.want(t, r.err, r.status, logs)
			var exit *exec.ExitError
			switch {
			case tc.signals == 2:
				if !errors.As(waitErr, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
					t.Errorf("after a second SIGTERM: %v; want death by SIGTERM", waitErr)
				}
			case tc.name == "deadline":
				if !errors.As(waitErr, &exit) || exit.ExitCode() != 1 {
					t.Errorf("past the shutdown deadline: %v; want exit status 1", waitErr)
				}
			default:
				if waitErr != nil {
					t.Errorf("after a clean drain: %v; want exit status 0", waitErr)
				}
			}
		})
	}
}

// TestServeReject runs poolbench serve --reject through run() on each executor that can
// shed load, with one worker and a queue of one: more slow requests at once than that
// holds get 503 with Retry-After at once, the others 200, and the server serves again
// once they are done; the stopped record counts the refusals.
func TestServeReject(t *testing.T) {
	for _, pool := range []string{"custom", "ants", "pond", "pondv2", "errgroup"} {
		t.Run("pool="+pool, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			pr, pw := io.Pipe()
			logs := newLogLines()
			collected := make(chan struct{})
			go func() {
				defer close(collected)
				logs.collect(pr)
			}()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve", "--addr=127.0.0.1:0", "--pool=" + pool, "--reject", "--workers=1", "--queue=1"}, io.Discard, pw)
			}()
			addr := addrRE.FindStringSubmatch(logs.wait(t, "msg=listening"))[1]
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			defer client.CloseIdleConnections()
			const clients = 4 // more than a worker and a queue of one hold
			type result struct {
				status     int
				retryAfter string
				took       time.Duration
				err        error
			}
			results := make(chan result, clients)
			for range clients {
				go func() {
					begin := time.Now()
					resp, err := client.Get("http://" + addr + "/sleep?ms=1000")
					if err != nil {
						results <- result{err: err}
						return
					}
					defer resp.Body.Close()
					_, err = io.ReadAll(resp.Body)
					results <- result{resp.StatusCode, resp.Header.Get("Retry-After"), time.Since(begin), err}
				}()
			}
			refused := 0
			for range clients {
				res := <-results
				switch {
				case res.err != nil:
					t.Errorf("request: %v; want 200 or 503", res.err)
				case res.status == http.StatusServiceUnavailable:
					refused++
					if res.retryAfter != "1" || res.took > time.Second {
						t.Errorf("503 after %v with Retry-After %q; want it at once, with Retry-After 1", res.took, res.retryAfter)
					}
				case res.status != http.StatusOK:
					t.Errorf("request: %d; want 200 or 503", res.status)
				}
			}
			if refused == 0 || refused == clients {
				t.Errorf("%d of %d requests refused; want some, not all", refused, clients)
			}
			deadline := time.Now().Add(30 * time.Second)
			for {
				resp, err := client.Get("http://" + addr + "/")
				if err == nil {
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						break
					}
				}
				if time.Now().After(deadline) {
					t.Fatalf("GET / after the load: %v, %v; want 200", resp, err)
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			err := <-done
			pw.Close()
			<-collected
			if err != nil {
				t.Fatalf("run() = %v; want nil after a clean drain", err)
			}
			c := counts(t, logs.wait(t, "msg=stopped"))
			if c["rejected"] < refused || c["accepted"] != c["served"]+c["rejected"]+c["failed"] {
				t.Errorf("stopped with %v; want at least %d rejected, and accepted = served+rejected+failed", c, refused)
			}
		})
	}
}
