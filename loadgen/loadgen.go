// Package loadgen is poolbench's HTTP load generator: closed-loop or open-loop load on one
// path of a server on the loopback interface, one new connection per request, latencies
// recorded exactly in an HDR histogram.
//
// The server the study measures closes every connection after one response, as the Rust
// book's server does, so the generator dials afresh for each request. It speaks HTTP/1.1
// with net/http's own request writer and response parser over a plain net.Conn rather than
// through http.Client: a Transport with keep-alives off still starts two goroutines and a
// connection pool per request, and with one core for the generator that overhead would
// lower the ceiling we can measure. Reading the raw connection also tells a refused dial
// from a connection that was accepted and then reset, which the shutdown measurement needs.
//
// In closed loop, Clients goroutines each send a request, wait for the answer and send the
// next. In open loop, requests are due at fixed intervals of 1/Rate whatever the server
// does, and each latency runs from the time its request was due, not from when it was sent:
// a stalled server or generator shows as latency instead of silently lowering the load
// (no coordinated omission). An open-loop run whose generator could not send at the target
// rate says so in AchievedRate, and such a run must not be read as a latency.
package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Config says what load to put on which server.
type Config struct {
	Target      string        // host:port of the server; the host must be a loopback IP
	Path        string        // request target with its query, such as "/" or "/sleep?ms=100"
	Clients     int           // closed loop: concurrent clients; ignored when Rate > 0
	Rate        float64       // open loop: requests per second; 0 means closed loop
	Duration    time.Duration // how long to send for
	Timeout     time.Duration // per request, from dial to the end of the response; 0 means 5s
	MaxInFlight int           // open loop: most requests outstanding at once; 0 means 4096, Linux's default cap on a listen backlog
	MaxRequests int           // most requests sent in all; 0 means 10 million
}

// Result is what one run measured. Every request sent ends in exactly one of OK, Status503,
// StatusOther, Refused, Reset, Timeout or Other.
type Result struct {
	Mode        string        `json:"mode"` // "closed" or "open"
	Path        string        `json:"path"`
	Clients     int           `json:"clients,omitempty"`
	Rate        float64       `json:"rate,omitempty"` // the target rate, open loop
	Duration    time.Duration `json:"duration_ns"`
	Elapsed     time.Duration `json:"elapsed_ns"` // from the first send to the last answer
	Sent        int64         `json:"sent"`
	OK          int64         `json:"ok"`           // 200 with a complete body
	Status503   int64         `json:"status_503"`   // the server refused the work
	StatusOther int64         `json:"status_other"` // any other status
	Refused     int64         `json:"refused"`      // the dial was refused: nobody listening
	Reset       int64         `json:"reset"`        // connected, then reset or closed before a complete response
	Timeout     int64         `json:"timeout"`      // no complete response within Timeout
	Other       int64         `json:"other"`        // any other error
	// Throughput is OK responses per second of Elapsed.
	Throughput float64 `json:"throughput"`
	// AchievedRate is, in open loop, requests sent per second from the start to the last
	// send (at least Duration); below Rate when the generator fell behind its schedule
	// (out of CPU, or MaxInFlight reached).
	AchievedRate float64 `json:"achieved_rate,omitempty"`
	// PeakInFlight is, in open loop, the most requests outstanding at once. When it
	// reached MaxInFlight, the server was too slow for the rate and the cap, not the
	// generator's CPU, held sending back.
	PeakInFlight int     `json:"peak_in_flight,omitempty"`
	MaxInFlight  int     `json:"max_in_flight,omitempty"`
	Latency      Latency `json:"latency"` // of OK responses
	// CPU is the generator's user+system time; CPUUtil divides it by Elapsed×GOMAXPROCS,
	// so near 1 means the generator itself was the limit.
	CPU        time.Duration `json:"cpu_ns"`
	CPUUtil    float64       `json:"cpu_util"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	FirstError string        `json:"first_error,omitempty"` // the first error counted in Other, for diagnosis
}

// Errors is every request that ended without a 200.
func (r Result) Errors() int64 {
	return r.Status503 + r.StatusOther + r.Refused + r.Reset + r.Timeout + r.Other
}

// Latency summarises a latency distribution in microseconds.
type Latency struct {
	N    int64   `json:"n"`
	Min  int64   `json:"min_us"`
	Mean float64 `json:"mean_us"`
	P50  int64   `json:"p50_us"`
	P90  int64   `json:"p90_us"`
	P99  int64   `json:"p99_us"`
	P999 int64   `json:"p999_us"`
	Max  int64   `json:"max_us"`
}

// Histogram bounds: 1 µs to 10 minutes at 3 significant digits, so every percentile is
// within 0.1% of the recorded value.
const (
	histMin    = 1
	histMax    = int64(10 * time.Minute / time.Microsecond)
	histDigits = 3
)

// newHistogram returns an empty latency histogram in microseconds.
func newHistogram() *hdrhistogram.Histogram { return hdrhistogram.New(histMin, histMax, histDigits) }

// summarize reads the percentiles out of h.
func summarize(h *hdrhistogram.Histogram) Latency {
	if h.TotalCount() == 0 {
		return Latency{}
	}
	return Latency{
		N:    h.TotalCount(),
		Min:  h.Min(),
		Mean: h.Mean(),
		P50:  h.ValueAtQuantile(50),
		P90:  h.ValueAtQuantile(90),
		P99:  h.ValueAtQuantile(99),
		P999: h.ValueAtQuantile(99.9),
		Max:  h.Max(),
	}
}

// record adds d to h, clamped to the histogram's range so that no sample is dropped.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	us := min(max(d.Microseconds(), histMin), histMax)
	// RecordValue fails only outside the histogram's range, which the clamp rules out.
	if err := h.RecordValue(us); err != nil {
		panic(fmt.Sprintf("loadgen: recording %d µs: %v", us, err))
	}
}

// outcome is how one request ended.
type outcome int

const (
	ok outcome = iota
	status503
	statusOther
	refused
	reset
	timedOut
	other
)

// counts accumulates outcomes from concurrent requests.
type counts struct {
	byOutcome [other + 1]atomic.Int64
	firstErr  atomic.Pointer[string]
}

func (c *counts) add(o outcome, err error) {
	c.byOutcome[o].Add(1)
	if err != nil && o == other {
		s := err.Error()
		c.firstErr.CompareAndSwap(nil, &s)
	}
}

// fill copies the counts into r. Every request sent ends in one outcome, so their sum is
// what was sent.
func (c *counts) fill(r *Result) {
	r.OK = c.byOutcome[ok].Load()
	r.Status503 = c.byOutcome[status503].Load()
	r.StatusOther = c.byOutcome[statusOther].Load()
	r.Refused = c.byOutcome[refused].Load()
	r.Reset = c.byOutcome[reset].Load()
	r.Timeout = c.byOutcome[timedOut].Load()
	r.Other = c.byOutcome[other].Load()
	r.Sent = r.OK + r.Errors()
	if p := c.firstErr.Load(); p != nil {
		r.FirstError = *p
	}
}

// Run puts the load cfg describes on the server and reports what it measured. It returns
// early, with what was measured so far, when ctx ends.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.check(); err != nil {
		return Result{}, err
	}
	c := client{
		request: []byte("GET " + cfg.Path + " HTTP/1.1\r\nHost: " + cfg.Target +
			"\r\nUser-Agent: poolbench-loadgen\r\nConnection: close\r\n\r\n"),
		target:  cfg.Target,
		timeout: cfg.Timeout,
	}
	res := Result{Path: cfg.Path, Duration: cfg.Duration, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	cpu0, err := cpuTime()
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	if cfg.Rate > 0 {
		res.Mode, res.Rate = "open", cfg.Rate
		openLoop(ctx, cfg, &c, start, &res)
	} else {
		res.Mode, res.Clients = "closed", cfg.Clients
		closedLoop(ctx, cfg, &c, start, &res)
	}
	res.Elapsed = time.Since(start)
	cpu1, err := cpuTime()
	if err != nil {
		return Result{}, err
	}
	res.CPU = cpu1 - cpu0
	res.CPUUtil = res.CPU.Seconds() / (res.Elapsed.Seconds() * float64(res.GOMAXPROCS))
	res.Throughput = float64(res.OK) / res.Elapsed.Seconds()
	return res, ctx.Err()
}

// maxRate is the highest open-loop rate: one request a microsecond, far beyond what one
// machine's loopback carries with a connection per request.
const maxRate = 1_000_000

// check validates cfg and fills in its defaults.
func (cfg *Config) check() error {
	host, _, err := net.SplitHostPort(cfg.Target)
	if err != nil {
		return fmt.Errorf("loadgen: target %q: %w", cfg.Target, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("loadgen: target %q: want a loopback IP such as 127.0.0.1", cfg.Target)
	}
	// The path goes into the request line as it is: no spaces or control characters.
	if len(cfg.Path) == 0 || cfg.Path[0] != '/' || strings.ContainsFunc(cfg.Path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("loadgen: path %q: want one starting with /, without spaces or control characters", cfg.Path)
	}
	switch {
	case cfg.Duration <= 0:
		return fmt.Errorf("loadgen: duration %v: want > 0", cfg.Duration)
	case cfg.Rate < 0 || cfg.Rate > maxRate:
		return fmt.Errorf("loadgen: rate %v: want 0 to %d", cfg.Rate, maxRate)
	case cfg.Rate == 0 && cfg.Clients < 1:
		return fmt.Errorf("loadgen: clients %d: want >= 1 in closed loop", cfg.Clients)
	case cfg.Timeout < 0 || cfg.MaxInFlight < 0 || cfg.MaxRequests < 0:
		return errors.New("loadgen: timeout, max in-flight and max requests must be >= 0")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.MaxInFlight == 0 {
		cfg.MaxInFlight = 4096
	}
	if cfg.MaxRequests == 0 {
		cfg.MaxRequests = 10_000_000
	}
	return nil
}

// closedLoop runs cfg.Clients clients that each send until the duration or the request
// budget is spent.
func closedLoop(ctx context.Context, cfg Config, c *client, start time.Time, res *Result) {
	var (
		n      counts
		sent   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		merged = newHistogram()
	)
	end := start.Add(cfg.Duration)
	for range cfg.Clients {
		wg.Go(func() {
			h := newHistogram()
			br := bufio.NewReaderSize(nil, 4096)
			for ctx.Err() == nil && time.Now().Before(end) && sent.Add(1) <= int64(cfg.MaxRequests) {
				t0 := time.Now()
				o, err := c.do(ctx, br)
				if o == ok {
					record(h, time.Since(t0))
				}
				n.add(o, err)
			}
			mu.Lock()
			merged.Merge(h)
			mu.Unlock()
		})
	}
	wg.Wait()
	n.fill(res)
	res.Latency = summarize(merged)
}

// openLoop sends requests due every 1/cfg.Rate from start until the duration is over, each
// in its own goroutine, with at most cfg.MaxInFlight outstanding.
func openLoop(ctx context.Context, cfg Config, c *client, start time.Time, res *Result) {
	var (
		n     counts
		wg    sync.WaitGroup
		mu    sync.Mutex
		h     = newHistogram()
		slots = make(chan struct{}, cfg.MaxInFlight)
		bufs  = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}
	)
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	total := min(int64(cfg.Duration/interval), int64(cfg.MaxRequests))
	// A generator running late may send late, but only so late: past stop, what is still
	// unsent counts against the achieved rate.
	stop := start.Add(cfg.Duration + max(cfg.Duration/10, 100*time.Millisecond))
	timer := time.NewTimer(0)
	defer timer.Stop()
	var (
		sent     int64
		lastSent time.Time
		peak     int
	)
send:
	for sent < total {
		due := start.Add(time.Duration(sent) * interval)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				break send
			}
		}
		select {
		case slots <- struct{}{}:
		default:
			// Every slot is taken: wait for one, but not past stop.
			timer.Reset(time.Until(stop))
			select {
			case slots <- struct{}{}:
				// Since Go 1.23 a stopped or reset timer delivers no stale tick: no drain.
				timer.Stop()
			case <-timer.C:
				break send
			case <-ctx.Done():
				break send
			}
		}
		if lastSent = time.Now(); lastSent.After(stop) {
			<-slots
			break
		}
		peak = max(peak, len(slots))
		sent++
		wg.Go(func() {
			defer func() { <-slots }()
			br := bufs.Get().(*bufio.Reader)
			o, err := c.do(ctx, br)
			bufs.Put(br)
			if o == ok {
				// From when the request was due, not when it went out.
				d := time.Since(due)
				mu.Lock()
				record(h, d)
				mu.Unlock()
			}
			n.add(o, err)
		})
	}
	wg.Wait()
	n.fill(res)
	// Sent over the time they took to send: Duration when on schedule (the last one is due
	// one interval before the end), longer when the generator fell behind.
	res.AchievedRate = float64(sent) / max(cfg.Duration, lastSent.Sub(start)+interval).Seconds()
	res.PeakInFlight, res.MaxInFlight = peak, cfg.MaxInFlight
	res.Latency = summarize(h)
}

// client sends one request on a new connection.
type client struct {
	request []byte
	target  string
	timeout time.Duration
}

// do sends one request on a new connection and reads the whole response, reusing br.
func (c *client) do(ctx context.Context, br *bufio.Reader) (outcome, error) {
	deadline := time.Now().Add(c.timeout)
	// No TCP keep-alive: the connection lives for one request, and setting it up costs
	// setsockopt calls on the generator's one core.
	d := net.Dialer{Deadline: deadline, KeepAlive: -1}
	conn, err := d.DialContext(ctx, "tcp", c.target)
	if err != nil {
		return classify(err, false), err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return other, err
	}
	if _, err := conn.Write(c.request); err != nil {
		return classify(err, true), err
	}
	br.Reset(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return classify(err, true), err
	}
	// With a Content-Length, a body cut short is io.ErrUnexpectedEOF: not a complete response.
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return classify(err, true), err
	}
	// Wait for the server's FIN so that the server, which closes first, holds the
	// TIME_WAIT state and not us: thousands of client-side TIME_WAITs a second would use up
	// the ephemeral ports. The response is complete either way, so an error here does not
	// change the outcome.
	if _, err := io.Copy(io.Discard, br); err != nil && !isConnError(err) {
		return other, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return ok, nil
	case http.StatusServiceUnavailable:
		return status503, nil
	default:
		return statusOther, nil
	}
}

// classify says how a request that failed with err ended; connected says whether the dial
// had succeeded.
func classify(err error, connected bool) outcome {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return refused
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return timedOut
	case connected && isConnError(err):
		return reset
	default:
		return other
	}
}

// isConnError reports whether err is the peer resetting or closing the connection.
func isConnError(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// cpuTime returns this process's user+system CPU time so far.
func cpuTime() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("loadgen: getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
