// Package loadgen is poolbench's HTTP load generator: closed-loop or open-loop load on one
// path of a server on the loopback interface, latencies recorded exactly in an HDR
// histogram.
//
// The book's server closes every connection after one response, so by default the
// generator dials afresh for each request; with KeepAlive it reuses each connection, as
// the clients of a net/http.Server do. It speaks HTTP/1.1 with net/http's own request
// writer and response parser over a plain net.Conn rather than through http.Client: a
// Transport still starts two goroutines per connection, and with one core for the
// generator that overhead would lower the ceiling we can measure. Reading the raw
// connection also tells a refused dial from a connection that was accepted and then reset,
// which the shutdown measurement needs.
//
// In closed loop, Clients goroutines each send a request, wait for the answer and send the
// next. In open loop, requests are due at fixed intervals of 1/Rate whatever the server
// does, and each latency runs from the time its request was due, not from when it was sent:
// a stalled server or generator shows as latency instead of silently lowering the load
// (no coordinated omission). An open-loop run whose generator could not send at the target
// rate says so in AchievedRate, and such a run must not be read as a latency. An open-loop
// run may change its rate in steps (a burst, then what follows it), and may report its
// requests in windows of due time, to show how latency moves after a burst.
//
// Slow clients, when asked for, write their requests one byte at a time beside the load,
// as a slow or hostile network does, and hold whatever the server gives them meanwhile.
package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Config says what load to put on which server.
type Config struct {
	Target   string        // host:port of the server; the host must be a loopback IP
	Path     string        // request target with its query, such as "/" or "/sleep?ms=100"
	Clients  int           // closed loop: concurrent clients; ignored when Rate > 0
	Rate     float64       // open loop: requests per second; 0 means closed loop
	Duration time.Duration // how long to send for (open loop: at Rate, before any step of Then)
	// Then are open-loop steps that follow the first one (Rate for Duration), each at its
	// own rate: a burst and the load after it, say. Result.Steps reports each step apart.
	Then []Step
	// Window, in open loop, splits the run by due time into windows of this width and
	// reports each in Result.Windows; 0 means none. At most maxWindows windows.
	Window time.Duration
	// KeepAlive reuses a connection for the next request after a complete response, as
	// HTTP/1.1 clients do, unless the server said Connection: close. Without it every
	// request has a connection of its own and says Connection: close.
	KeepAlive bool
	// SlowClients connections write their requests one byte every SlowInterval (0 means
	// 100ms) beside the load: they connect, then the load starts one SlowInterval later,
	// and they hang up when the load is over. Result.Slow says how they fared.
	SlowClients  int
	SlowInterval time.Duration
	Timeout      time.Duration // per request, from dial to the end of the response; 0 means 5s
	MaxInFlight  int           // open loop: most requests outstanding at once; 0 means 4096, Linux's default cap on a listen backlog
	MaxRequests  int           // most requests sent in all; 0 means 10 million
}

// A Step is part of an open-loop run: requests due every 1/Rate for Duration.
type Step struct {
	Rate     float64       `json:"rate"`
	Duration time.Duration `json:"duration_ns"`
}

// String formats s as RATE:DURATION, such as 450:2s, the form ParseSteps reads.
func (s Step) String() string {
	return strconv.FormatFloat(s.Rate, 'f', -1, 64) + ":" + s.Duration.String()
}

// ParseSteps reads steps written as Step.String writes them, separated by commas.
func ParseSteps(text string) ([]Step, error) {
	var steps []Step
	for item := range strings.SplitSeq(text, ",") {
		r, d, found := strings.Cut(strings.TrimSpace(item), ":")
		rate, err := strconv.ParseFloat(r, 64)
		if !found || err != nil {
			return nil, fmt.Errorf("loadgen: step %q: want RATE:DURATION, such as 450:2s", item)
		}
		dur, err := time.ParseDuration(d)
		if err != nil {
			return nil, fmt.Errorf("loadgen: step %q: %w", item, err)
		}
		steps = append(steps, Step{Rate: rate, Duration: dur})
	}
	return steps, nil
}

// Counts says how requests ended. Every request sent ends in exactly one of OK, Status503,
// StatusOther, Refused, Reset, Timeout or Other.
type Counts struct {
	Sent        int64 `json:"sent"`
	OK          int64 `json:"ok"`           // 200 with a complete body
	Status503   int64 `json:"status_503"`   // the server refused the work
	StatusOther int64 `json:"status_other"` // any other status
	Refused     int64 `json:"refused"`      // the dial was refused: nobody listening
	Reset       int64 `json:"reset"`        // connected, then reset or closed before a complete response
	Timeout     int64 `json:"timeout"`      // no complete response within Timeout
	Other       int64 `json:"other"`        // any other error
}

// Errors is every request that ended without a 200.
func (c Counts) Errors() int64 {
	return c.Status503 + c.StatusOther + c.Refused + c.Reset + c.Timeout + c.Other
}

// Result is what one run measured.
type Result struct {
	Mode     string        `json:"mode"` // "closed" or "open"
	Path     string        `json:"path"`
	Clients  int           `json:"clients,omitempty"`
	Rate     float64       `json:"rate,omitempty"` // the first step's target rate, open loop
	Duration time.Duration `json:"duration_ns"`    // the first step's
	Elapsed  time.Duration `json:"elapsed_ns"`     // from the first send to the last answer
	Counts
	// Conns counts the connections dialed: one per request without KeepAlive.
	Conns int64 `json:"conns"`
	// Throughput is OK responses per second of Elapsed.
	Throughput float64 `json:"throughput"`
	// AchievedRate is, in open loop, requests sent per second from the start to the last
	// send (at least the steps' durations); below TargetRate, the schedule's requests over
	// its duration, when the generator fell behind (out of CPU, MaxInFlight reached, or
	// MaxRequests spent). With one step, TargetRate is Rate to within one request.
	AchievedRate float64 `json:"achieved_rate,omitempty"`
	TargetRate   float64 `json:"target_rate,omitempty"`
	// PeakInFlight is, in open loop, the most requests outstanding at once. When it
	// reached MaxInFlight, the server was too slow for the rate and the cap, not the
	// generator's CPU, held sending back.
	PeakInFlight int     `json:"peak_in_flight,omitempty"`
	MaxInFlight  int     `json:"max_in_flight,omitempty"`
	Latency      Latency `json:"latency"` // of OK responses
	// Steps are, in open loop with Then, each step's requests (by due time) apart.
	Steps []StepResult `json:"steps,omitempty"`
	// Windows are, in open loop with Window, the requests due in each window.
	Windows []Window    `json:"windows,omitempty"`
	Slow    *SlowResult `json:"slow,omitempty"` // with SlowClients
	// CPU is the generator's user+system time; CPUUtil divides it by Elapsed×GOMAXPROCS,
	// so near 1 means the generator itself was the limit.
	CPU        time.Duration `json:"cpu_ns"`
	CPUUtil    float64       `json:"cpu_util"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	FirstError string        `json:"first_error,omitempty"` // the first error counted in Other, for diagnosis
}

// StepResult is one step of an open-loop run: its requests by how they ended, and the
// latency of those that got a 200.
type StepResult struct {
	Step
	Counts
	// Elapsed runs from the step's start to the last answer to one of its requests (or
	// the last give-up): OK/Elapsed is the step's throughput, as Result.Throughput is the run's.
	Elapsed time.Duration `json:"elapsed_ns"`
	Latency Latency       `json:"latency"`
}

// Window is the requests of an open-loop run that were due within one window.
type Window struct {
	Start time.Duration `json:"start_ns"` // from the run's start to the window's
	Counts
	Latency Latency `json:"latency"` // of the OK ones, exact
}

// SlowResult is how the slow clients fared.
type SlowResult struct {
	Clients  int           `json:"clients"`
	Interval time.Duration `json:"interval_ns"` // between two bytes
	// Counts are the requests they finished writing, by how they ended.
	Counts
	// Unfinished are requests still being written, or waiting for their answer, when the
	// load ended and the slow clients hung up.
	Unfinished int64 `json:"unfinished"`
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

// microseconds is d in whole microseconds, clamped to the histogram's range so that no
// sample is dropped.
func microseconds(d time.Duration) int64 { return min(max(d.Microseconds(), histMin), histMax) }

// record adds d to h.
func record(h *hdrhistogram.Histogram, d time.Duration) {
	us := microseconds(d)
	// RecordValue fails only outside the histogram's range, which the clamp rules out.
	if err := h.RecordValue(us); err != nil {
		panic(fmt.Sprintf("loadgen: recording %d µs: %v", us, err))
	}
}

// exact summarises a few latencies in µs exactly, by nearest rank, as a window's are: a
// window holds too few requests to be worth a histogram. It sorts us.
func exact(us []int64) Latency {
	if len(us) == 0 {
		return Latency{}
	}
	slices.Sort(us)
	var sum int64
	for _, v := range us {
		sum += v
	}
	// rank returns the value at quantile q: the smallest with at least q of them at or below it.
	rank := func(q float64) int64 {
		i := int(math.Ceil(float64(len(us))*q)) - 1
		return us[min(max(i, 0), len(us)-1)]
	}
	return Latency{N: int64(len(us)), Min: us[0], Mean: float64(sum) / float64(len(us)),
		P50: rank(0.5), P90: rank(0.9), P99: rank(0.99), P999: rank(0.999), Max: us[len(us)-1]}
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

// add counts one request that ended in o.
func (c *Counts) add(o outcome) {
	c.Sent++
	switch o {
	case ok:
		c.OK++
	case status503:
		c.Status503++
	case statusOther:
		c.StatusOther++
	case refused:
		c.Refused++
	case reset:
		c.Reset++
	case timedOut:
		c.Timeout++
	default:
		c.Other++
	}
}

// merge adds d's counts to c's.
func (c *Counts) merge(d Counts) {
	c.Sent += d.Sent
	c.OK += d.OK
	c.Status503 += d.Status503
	c.StatusOther += d.StatusOther
	c.Refused += d.Refused
	c.Reset += d.Reset
	c.Timeout += d.Timeout
	c.Other += d.Other
}

// tally counts how requests ended and records the latency of the OK ones. It is not safe
// for concurrent use.
type tally struct {
	Counts
	hist     *hdrhistogram.Histogram
	firstErr string // the first error counted in Other
}

func newTally() *tally { return &tally{hist: newHistogram()} }

// add counts one request that ended in o after d, with err.
func (t *tally) add(o outcome, d time.Duration, err error) {
	t.Counts.add(o)
	if o == ok {
		record(t.hist, d)
	}
	if o == other && err != nil && t.firstErr == "" {
		t.firstErr = err.Error()
	}
}

// merge adds u to t.
func (t *tally) merge(u *tally) {
	t.Counts.merge(u.Counts)
	t.hist.Merge(u.hist)
	if t.firstErr == "" {
		t.firstErr = u.firstErr
	}
}

// window is a Window being recorded.
type window struct {
	Counts
	us []int64 // latencies of the OK requests
}

// Run puts the load cfg describes on the server and reports what it measured. It returns
// early, with what was measured so far, when ctx ends.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if err := cfg.check(); err != nil {
		return Result{}, err
	}
	c := newClient(cfg)
	defer c.closeIdle()
	res := Result{Path: cfg.Path, Duration: cfg.Duration, GOMAXPROCS: runtime.GOMAXPROCS(0)}
	if cfg.SlowClients > 0 {
		res.Slow = &SlowResult{Clients: cfg.SlowClients, Interval: cfg.SlowInterval}
		hangUp := c.startSlow(ctx, cfg, res.Slow)
		// The slow clients hang up when the load is over, answered or not.
		defer hangUp()
	}
	cpu0, err := cpuTime()
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	if cfg.Rate > 0 {
		res.Mode, res.Rate = "open", cfg.Rate
		openLoop(ctx, cfg, c, start, &res)
	} else {
		res.Mode, res.Clients = "closed", cfg.Clients
		closedLoop(ctx, cfg, c, start, &res)
	}
	res.Elapsed = time.Since(start)
	cpu1, err := cpuTime()
	if err != nil {
		return Result{}, err
	}
	res.Conns = c.dials.Load()
	res.CPU = cpu1 - cpu0
	res.CPUUtil = res.CPU.Seconds() / (res.Elapsed.Seconds() * float64(res.GOMAXPROCS))
	res.Throughput = float64(res.OK) / res.Elapsed.Seconds()
	return res, ctx.Err()
}

// startSlow starts cfg.SlowClients slow clients that count into s, and returns once each
// has had one interval to connect and write its first byte. hangUp makes them hang up and
// waits until they have: s is complete after it.
func (c *client) startSlow(ctx context.Context, cfg Config, s *SlowResult) (hangUp func()) {
	ctx, cancel := context.WithCancel(ctx)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for range cfg.SlowClients {
		wg.Go(func() {
			var mine SlowResult
			c.slow(ctx, cfg.SlowInterval, &mine)
			mu.Lock()
			defer mu.Unlock()
			s.Counts.merge(mine.Counts)
			s.Unfinished += mine.Unfinished
		})
	}
	t := time.NewTimer(cfg.SlowInterval)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return func() {
		cancel()
		wg.Wait()
	}
}

// Bounds on a Config, so that every run stays small enough to hold in memory and finish.
const (
	// maxRate is the highest open-loop rate: one request a microsecond, far beyond what
	// one machine's loopback carries.
	maxRate = 1_000_000
	// maxWindows and maxSteps bound what a run reports.
	maxWindows = 10_000
	maxSteps   = 100
	// maxSlow is the most slow clients: each holds a connection, and a file descriptor.
	maxSlow = 10_000
)

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
	case cfg.Rate == 0 && (len(cfg.Then) > 0 || cfg.Window > 0):
		return errors.New("loadgen: steps and windows want open loop (a rate)")
	case len(cfg.Then) >= maxSteps:
		return fmt.Errorf("loadgen: %d steps: want fewer than %d", len(cfg.Then)+1, maxSteps)
	case cfg.Timeout < 0 || cfg.MaxInFlight < 0 || cfg.MaxRequests < 0 || cfg.Window < 0 || cfg.SlowInterval < 0:
		return errors.New("loadgen: timeout, max in-flight, max requests, window and slow interval must be >= 0")
	case cfg.SlowClients < 0 || cfg.SlowClients > maxSlow:
		return fmt.Errorf("loadgen: slow clients %d: want 0 to %d", cfg.SlowClients, maxSlow)
	}
	for _, s := range cfg.Then {
		if s.Rate <= 0 || s.Rate > maxRate || s.Duration <= 0 {
			return fmt.Errorf("loadgen: step %v for %v: want a rate from 0 to %d and a duration > 0", s.Rate, s.Duration, maxRate)
		}
	}
	if cfg.Window > 0 && cfg.length()/cfg.Window >= maxWindows {
		return fmt.Errorf("loadgen: window %v over %v: want fewer than %d windows", cfg.Window, cfg.length(), maxWindows)
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
	if cfg.SlowInterval == 0 {
		cfg.SlowInterval = 100 * time.Millisecond
	}
	return nil
}

// steps returns every step of an open-loop run, the first one included.
func (cfg *Config) steps() []Step { return append([]Step{{cfg.Rate, cfg.Duration}}, cfg.Then...) }

// length is how long an open-loop run sends for: its steps' durations.
func (cfg *Config) length() time.Duration {
	var d time.Duration
	for _, s := range cfg.steps() {
		d += s.Duration
	}
	return d
}

// closedLoop runs cfg.Clients clients that each send until the duration or the request
// budget is spent.
func closedLoop(ctx context.Context, cfg Config, c *client, start time.Time, res *Result) {
	var (
		sent   atomic.Int64
		wg     sync.WaitGroup
		mu     sync.Mutex
		merged = newTally()
	)
	end := start.Add(cfg.Duration)
	for range cfg.Clients {
		wg.Go(func() {
			t := newTally()
			for ctx.Err() == nil && time.Now().Before(end) && sent.Add(1) <= int64(cfg.MaxRequests) {
				t0 := time.Now()
				o, err := c.do(ctx)
				t.add(o, time.Since(t0), err)
			}
			mu.Lock()
			merged.merge(t)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.Counts, res.FirstError = merged.Counts, merged.firstErr
	res.Latency = summarize(merged.hist)
}

// openLoop sends requests due every 1/rate of each step in turn, from start until the
// last step is over, each in its own goroutine, with at most cfg.MaxInFlight outstanding.
func openLoop(ctx context.Context, cfg Config, c *client, start time.Time, res *Result) {
	steps := cfg.steps()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex // guards total, perStep and windows
		total   = newTally()
		perStep = make([]*tally, len(steps))
		ends    = make([]time.Time, len(steps)) // each step's last answer
		windows []window
		slots   = make(chan struct{}, cfg.MaxInFlight)
	)
	for k := range perStep {
		perStep[k] = newTally()
	}
	length := cfg.length()
	if cfg.Window > 0 {
		windows = make([]window, (length+cfg.Window-1)/cfg.Window)
	}
	// A generator running late may send late, but only so late: past stop, what is still
	// unsent counts against the achieved rate.
	stop := start.Add(length + max(length/10, 100*time.Millisecond))
	timer := time.NewTimer(0)
	defer timer.Stop()
	var (
		sent, scheduled int64
		lastSent        time.Time
		lastInterval    time.Duration
		peak            int
	)
	// send sends one request due at offset into the run, in step k; false means stop.
	send := func(offset time.Duration, k int) bool {
		due := start.Add(offset)
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return false
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
				return false
			case <-ctx.Done():
				return false
			}
		}
		if lastSent = time.Now(); lastSent.After(stop) {
			<-slots
			return false
		}
		peak = max(peak, len(slots))
		sent++
		wg.Go(func() {
			defer func() { <-slots }()
			o, err := c.do(ctx)
			// From when the request was due, not when it went out.
			now := time.Now()
			d := now.Sub(due)
			mu.Lock()
			defer mu.Unlock()
			total.add(o, d, err)
			perStep[k].add(o, d, err)
			if now.After(ends[k]) {
				ends[k] = now
			}
			if windows != nil {
				w := &windows[min(int(offset/cfg.Window), len(windows)-1)]
				w.add(o)
				if o == ok {
					w.us = append(w.us, microseconds(d))
				}
			}
		})
		return true
	}
	var offset time.Duration
steps:
	for k, s := range steps {
		interval := time.Duration(float64(time.Second) / s.Rate)
		n := int64(s.Duration / interval)
		scheduled += n
		lastInterval = interval
		for i := range n {
			if sent >= int64(cfg.MaxRequests) || !send(offset+time.Duration(i)*interval, k) {
				break steps
			}
		}
		offset += s.Duration
	}
	wg.Wait()
	res.Counts, res.FirstError = total.Counts, total.firstErr
	res.Latency = summarize(total.hist)
	// Sent over the time they took to send: the steps' length when on schedule (the last
	// one is due one interval before the end), longer when the generator fell behind.
	res.TargetRate = float64(scheduled) / length.Seconds()
	res.AchievedRate = float64(sent) / max(length, lastSent.Sub(start)+lastInterval).Seconds()
	res.PeakInFlight, res.MaxInFlight = peak, cfg.MaxInFlight
	if len(steps) > 1 {
		var from time.Duration
		for k, s := range steps {
			sr := StepResult{Step: s, Counts: perStep[k].Counts, Latency: summarize(perStep[k].hist)}
			if !ends[k].IsZero() {
				sr.Elapsed = ends[k].Sub(start.Add(from))
			}
			res.Steps = append(res.Steps, sr)
			from += s.Duration
		}
	}
	for i, w := range windows {
		res.Windows = append(res.Windows, Window{Start: time.Duration(i) * cfg.Window, Counts: w.Counts, Latency: exact(w.us)})
	}
}

// client sends requests, on a new connection each or, with keep-alive, on one that a
// previous request left open.
type client struct {
	request   []byte
	target    string
	timeout   time.Duration
	keepAlive bool
	idle      chan *conn // keep-alive: open connections between requests
	readers   sync.Pool  // *bufio.Reader for new connections
	dials     atomic.Int64
}

// conn is a connection with its reader, which may hold the start of the next response.
type conn struct {
	net.Conn
	br *bufio.Reader
}

func newClient(cfg Config) *client {
	connection := "Connection: close\r\n"
	if cfg.KeepAlive {
		connection = ""
	}
	c := &client{
		request: []byte("GET " + cfg.Path + " HTTP/1.1\r\nHost: " + cfg.Target +
			"\r\nUser-Agent: poolbench-loadgen\r\n" + connection + "\r\n"),
		target:    cfg.Target,
		timeout:   cfg.Timeout,
		keepAlive: cfg.KeepAlive,
		readers:   sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }},
	}
	if cfg.KeepAlive {
		c.idle = make(chan *conn, max(cfg.Clients, cfg.MaxInFlight))
	}
	return c
}

// dial opens a new connection to the target, which must be open by deadline.
func (c *client) dial(ctx context.Context, deadline time.Time) (*conn, error) {
	// No TCP keep-alive probes: a run is far shorter than their first interval, and
	// setting them up costs setsockopt calls on the generator's one core.
	d := net.Dialer{Deadline: deadline, KeepAlive: -1}
	nc, err := d.DialContext(ctx, "tcp", c.target)
	if err != nil {
		return nil, err
	}
	c.dials.Add(1)
	br := c.readers.Get().(*bufio.Reader)
	br.Reset(nc)
	return &conn{Conn: nc, br: br}, nil
}

// get returns an idle kept-alive connection, or a new one.
func (c *client) get(ctx context.Context, deadline time.Time) (*conn, error) {
	select {
	case cn := <-c.idle: // nil when not keeping connections alive: never ready
		return cn, nil
	default:
		return c.dial(ctx, deadline)
	}
}

// release keeps cn for the next request when keep says so and there is room, and closes
// it otherwise.
func (c *client) release(cn *conn, keep bool) {
	if keep {
		select {
		case c.idle <- cn:
			return
		default:
		}
	}
	cn.Close()
	cn.br.Reset(nil)
	c.readers.Put(cn.br)
}

// closeIdle closes the kept-alive connections at the end of a run.
func (c *client) closeIdle() {
	for {
		select {
		case cn := <-c.idle:
			c.release(cn, false)
		default:
			return
		}
	}
}

// do sends one request and reads the whole response.
func (c *client) do(ctx context.Context) (outcome, error) {
	deadline := time.Now().Add(c.timeout)
	cn, err := c.get(ctx, deadline)
	if err != nil {
		return classify(err, false), err
	}
	keep := false
	defer func() { c.release(cn, keep) }()
	if err := cn.SetDeadline(deadline); err != nil {
		return other, err
	}
	if _, err := cn.Write(c.request); err != nil {
		return classify(err, true), err
	}
	resp, err := http.ReadResponse(cn.br, nil)
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
	keep = c.keepAlive && !resp.Close
	// Wait for the server's FIN so that the server, which closes first, holds the
	// TIME_WAIT state and not us: thousands of client-side TIME_WAITs a second would use up
	// the ephemeral ports. The response is complete either way, so an error here does not
	// change the outcome.
	if !keep {
		if _, err := io.Copy(io.Discard, cn.br); err != nil && !isConnError(err) {
			return other, err
		}
	}
	return statusOutcome(resp.StatusCode), nil
}

func statusOutcome(code int) outcome {
	switch code {
	case http.StatusOK:
		return ok
	case http.StatusServiceUnavailable:
		return status503
	default:
		return statusOther
	}
}

// slow is one slow client: until ctx ends it sends requests one byte every interval, each
// on a connection of its own, and reads their answers. Whatever is in progress when ctx
// ends counts as unfinished.
func (c *client) slow(ctx context.Context, interval time.Duration, s *SlowResult) {
	t := time.NewTimer(0)
	defer t.Stop()
	for ctx.Err() == nil {
		cn, err := c.dial(ctx, time.Now().Add(c.timeout))
		if err != nil {
			if ctx.Err() == nil {
				s.add(classify(err, false))
				// Not at once: a refused dial would otherwise spin.
				t.Reset(interval)
				select {
				case <-t.C:
				case <-ctx.Done():
				}
			}
			continue
		}
		// Hanging up when ctx ends wakes a blocked write or read.
		stop := context.AfterFunc(ctx, func() { cn.Close() })
		o, err := c.slowRequest(ctx, cn, interval, t)
		stop()
		c.release(cn, false)
		if ctx.Err() != nil && err != nil {
			s.Unfinished++
			return
		}
		s.add(o)
	}
}

// slowRequest writes the request on cn one byte every interval and reads the answer.
func (c *client) slowRequest(ctx context.Context, cn *conn, interval time.Duration, t *time.Timer) (outcome, error) {
	for i := range c.request {
		if i > 0 {
			t.Reset(interval)
			select {
			case <-t.C:
			case <-ctx.Done():
				return other, ctx.Err()
			}
		}
		// Each byte gets the request timeout to go out; the server may be reading others.
		if err := cn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
			return other, err
		}
		if _, err := cn.Write(c.request[i : i+1]); err != nil {
			return classify(err, true), err
		}
	}
	if err := cn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return other, err
	}
	resp, err := http.ReadResponse(cn.br, nil)
	if err != nil {
		return classify(err, true), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return classify(err, true), err
	}
	return statusOutcome(resp.StatusCode), nil
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
