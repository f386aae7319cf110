package loadgen

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestPercentiles records a known distribution, 1..100000 µs once each, and checks that
// every percentile is the exact one within the histogram's 3 significant digits.
func TestPercentiles(t *testing.T) {
	h := newHistogram()
	const n = 100_000
	for us := int64(n); us >= 1; us-- { // descending, so order cannot matter
		record(h, time.Duration(us)*time.Microsecond)
	}
	got := summarize(h)
	for _, tc := range []struct {
		name      string
		got, want int64
	}{
		{"min", got.Min, 1},
		{"p50", got.P50, 50_000},
		{"p90", got.P90, 90_000},
		{"p99", got.P99, 99_000},
		{"p99.9", got.P999, 99_900},
		{"max", got.Max, n},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := float64(tc.got-tc.want) / float64(tc.want); diff < -0.001 || diff > 0.001 {
				t.Errorf("%s = %d µs; want %d µs within 0.1%%", tc.name, tc.got, tc.want)
			}
		})
	}
	if got.N != n {
		t.Errorf("N = %d; want %d", got.N, n)
	}
	if got.Mean < 49_950 || got.Mean > 50_100 {
		t.Errorf("Mean = %.0f µs; want about 50000", got.Mean)
	}
	// A value beyond the histogram's range is clamped, not dropped.
	record(h, time.Hour)
	if got := summarize(h); got.N != n+1 || got.Max < histMax*999/1000 {
		t.Errorf("after recording 1h: N = %d, Max = %d; want %d, about %d", got.N, got.Max, n+1, histMax)
	}
}

// testServer serves /ok (200), /busy (503), /slow (200 after 20 ms) on 127.0.0.1.
func testServer(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Write([]byte("slow"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// rawServer accepts connections on 127.0.0.1 and hands each to handle.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener is closed
			}
			wg.Go(func() { handle(conn) })
		}
	})
	return ln.Addr().String()
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestRun(t *testing.T) {
	verifyNoLeaks(t)
	srv := testServer(t)
	resetter := rawServer(t, func(c net.Conn) {
		// Read the request, then reset: SO_LINGER 0 makes Close send RST.
		c.Read(make([]byte, 512))
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	silent := rawServer(t, func(c net.Conn) {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		c.Read(make([]byte, 512))
		c.Read(make([]byte, 512)) // until the client gives up
		c.Close()
	})
	refusing := closedPort(t)

	for _, tc := range []struct {
		name    string
		cfg     Config
		check   func(Result) int64 // the count that must equal Sent
		minSent int64
		minLat  time.Duration
	}{
		{"closed ok", Config{Target: srv, Path: "/ok", Clients: 4, Duration: 200 * time.Millisecond},
			func(r Result) int64 { return r.OK }, 10, 0},
		{"closed 503", Config{Target: srv, Path: "/busy", Clients: 2, Duration: 100 * time.Millisecond},
			func(r Result) int64 { return r.Status503 }, 5, 0},
		{"closed 404", Config{Target: srv, Path: "/nope", Clients: 2, Duration: 100 * time.Millisecond},
			func(r Result) int64 { return r.StatusOther }, 5, 0},
		{"closed budget", Config{Target: srv, Path: "/ok", Clients: 3, Duration: 10 * time.Second, MaxRequests: 7},
			func(r Result) int64 { return r.OK }, 7, 0},
		{"open slow", Config{Target: srv, Path: "/slow", Rate: 200, Duration: 300 * time.Millisecond},
			func(r Result) int64 { return r.OK }, 55, 20 * time.Millisecond},
		{"refused", Config{Target: refusing, Path: "/", Clients: 1, Duration: 50 * time.Millisecond},
			func(r Result) int64 { return r.Refused }, 1, 0},
		{"reset", Config{Target: resetter, Path: "/", Clients: 1, Duration: 50 * time.Millisecond},
			func(r Result) int64 { return r.Reset }, 1, 0},
		{"timeout", Config{Target: silent, Path: "/", Clients: 2, Duration: 10 * time.Millisecond, Timeout: 100 * time.Millisecond},
			func(r Result) int64 { return r.Timeout }, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), tc.cfg)
			if err != nil {
				t.Fatalf("Run() = %v", err)
			}
			if got := tc.check(res); got != res.Sent || res.Sent < tc.minSent {
				t.Errorf("Sent = %d, expected outcome = %d; want them equal and >= %d (result %+v)", res.Sent, got, tc.minSent, res)
			}
			if tc.cfg.MaxRequests > 0 && res.Sent != int64(tc.cfg.MaxRequests) {
				t.Errorf("Sent = %d; want the budget %d", res.Sent, tc.cfg.MaxRequests)
			}
			if res.Latency.N != res.OK {
				t.Errorf("Latency.N = %d; want OK = %d", res.Latency.N, res.OK)
			}
			if lat := time.Duration(res.Latency.P50) * time.Microsecond; res.OK > 0 && lat < tc.minLat {
				t.Errorf("p50 = %v; want >= %v", lat, tc.minLat)
			}
			if res.CPU <= 0 || res.CPUUtil <= 0 {
				t.Errorf("CPU = %v, CPUUtil = %v; want both > 0", res.CPU, res.CPUUtil)
			}
		})
	}
}

// TestOpenLoopFallsBehind checks the signal the study's invalid-run rule reads: a generator
// that cannot keep its schedule reports an achieved rate below its target.
func TestOpenLoopFallsBehind(t *testing.T) {
	verifyNoLeaks(t)
	srv := testServer(t)
	for _, tc := range []struct {
		name        string
		maxInFlight int
		keepsUp     bool
	}{
		{"room", 64, true},
		// One request at a time, each 20 ms, cannot make 200 req/s.
		{"one slot", 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), Config{Target: srv, Path: "/slow", Rate: 200,
				Duration: 300 * time.Millisecond, MaxInFlight: tc.maxInFlight})
			if err != nil {
				t.Fatalf("Run() = %v", err)
			}
			if keptUp := res.AchievedRate >= 0.99*res.Rate; keptUp != tc.keepsUp {
				t.Errorf("AchievedRate = %.1f of %.0f; want kept up = %v", res.AchievedRate, res.Rate, tc.keepsUp)
			}
			// 200 req/s of 20 ms requests keep about 4 in flight: the cap of 1 is reached.
			if capped := res.PeakInFlight == res.MaxInFlight; capped == tc.keepsUp || res.PeakInFlight < 1 {
				t.Errorf("PeakInFlight = %d of %d; want the cap reached = %v", res.PeakInFlight, res.MaxInFlight, !tc.keepsUp)
			}
		})
	}
}

func TestConfigCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"remote", Config{Target: "10.0.0.1:80", Path: "/", Clients: 1, Duration: time.Second}, "loopback"},
		{"name", Config{Target: "localhost:80", Path: "/", Clients: 1, Duration: time.Second}, "loopback"},
		{"no port", Config{Target: "127.0.0.1", Path: "/", Clients: 1, Duration: time.Second}, "missing port"},
		{"path", Config{Target: "127.0.0.1:80", Path: "x", Clients: 1, Duration: time.Second}, "path"},
		{"path with space", Config{Target: "127.0.0.1:80", Path: "/ HTTP/1.0\r\n", Clients: 1, Duration: time.Second}, "path"},
		{"rate", Config{Target: "127.0.0.1:80", Path: "/", Rate: 2e6, Duration: time.Second}, "rate"},
		{"duration", Config{Target: "127.0.0.1:80", Path: "/", Clients: 1}, "duration"},
		{"clients", Config{Target: "127.0.0.1:80", Path: "/", Duration: time.Second}, "clients"},
		{"steps in closed loop", Config{Target: "127.0.0.1:80", Path: "/", Clients: 1, Duration: time.Second, Then: []Step{{1, time.Second}}}, "open loop"},
		{"bad step", Config{Target: "127.0.0.1:80", Path: "/", Rate: 1, Duration: time.Second, Then: []Step{{0, time.Second}}}, "step"},
		{"windows", Config{Target: "127.0.0.1:80", Path: "/", Rate: 1, Duration: time.Second, Window: time.Microsecond}, "windows"},
		{"slow", Config{Target: "127.0.0.1:80", Path: "/", Rate: 1, Duration: time.Second, SlowClients: -1}, "slow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run() = %v; want an error about %q", err, tc.want)
			}
		})
	}
}

// verifyNoLeaks checks for leaked goroutines after t's other cleanups, which stop the
// test servers, have run: cleanups run last-registered first.
func verifyNoLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// TestKeepAlive counts the connections the server sees: one per request without
// keep-alive, one per client with it.
func TestKeepAlive(t *testing.T) {
	verifyNoLeaks(t)
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	target := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		name      string
		keepAlive bool
	}{
		{"close", false},
		{"keep-alive", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conns.Store(0)
			res, err := Run(context.Background(), Config{Target: target, Path: "/", Clients: 2, Duration: 100 * time.Millisecond, KeepAlive: tc.keepAlive})
			if err != nil {
				t.Fatalf("Run() = %v", err)
			}
			if res.OK != res.Sent || res.Sent < 10 {
				t.Fatalf("Sent = %d, OK = %d; want >= 10, all OK", res.Sent, res.OK)
			}
			want := res.Sent
			if tc.keepAlive {
				want = 2
			}
			if res.Conns != want || conns.Load() != want {
				t.Errorf("Conns = %d, server saw %d; want %d for %d requests", res.Conns, conns.Load(), want, res.Sent)
			}
		})
	}
}

// TestSteps runs an open loop whose rate changes and checks each step's and each
// window's share of the requests.
func TestSteps(t *testing.T) {
	verifyNoLeaks(t)
	srv := testServer(t)
	res, err := Run(context.Background(), Config{Target: srv, Path: "/ok", Rate: 200, Duration: 200 * time.Millisecond,
		Then: []Step{{Rate: 100, Duration: 200 * time.Millisecond}}, Window: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if res.Sent != 60 || res.OK != 60 {
		t.Fatalf("Sent = %d, OK = %d; want 60 = 40 + 20", res.Sent, res.OK)
	}
	if res.TargetRate != 150 {
		t.Errorf("TargetRate = %v; want 150, 60 requests over 400ms", res.TargetRate)
	}
	if len(res.Steps) != 2 {
		t.Fatalf("%d steps; want 2", len(res.Steps))
	}
	for k, want := range []int64{40, 20} {
		s := res.Steps[k]
		if s.Sent != want || s.OK != want || s.Latency.N != want || s.Elapsed <= 0 {
			t.Errorf("Steps[%d] = %+v; want %d sent, OK and timed, and an elapsed time", k, s, want)
		}
	}
	if len(res.Windows) != 4 {
		t.Fatalf("%d windows; want 4", len(res.Windows))
	}
	for i, want := range []int64{20, 20, 10, 10} {
		w := res.Windows[i]
		if w.Start != time.Duration(i)*100*time.Millisecond || w.Sent != want || w.Latency.N != want || w.Latency.P99 < w.Latency.P50 {
			t.Errorf("Windows[%d] = %+v; want start %v, %d requests timed", i, w, time.Duration(i)*100*time.Millisecond, want)
		}
	}
}

// TestSlowClients checks that slow clients write byte by byte beside the load: with 1 ms
// a byte their requests finish; with 1 s a byte none does before the load ends.
func TestSlowClients(t *testing.T) {
	verifyNoLeaks(t)
	srv := testServer(t)
	for _, tc := range []struct {
		name     string
		interval time.Duration
		finish   bool
	}{
		{"fast enough", time.Millisecond, true},
		{"too slow", time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t0 := time.Now()
			res, err := Run(context.Background(), Config{Target: srv, Path: "/ok", Rate: 100, Duration: 300 * time.Millisecond,
				SlowClients: 3, SlowInterval: tc.interval})
			if err != nil {
				t.Fatalf("Run() = %v", err)
			}
			s := res.Slow
			if s == nil || s.Clients != 3 {
				t.Fatalf("Slow = %+v; want 3 clients", s)
			}
			if res.OK != res.Sent || res.Sent != 30 {
				t.Errorf("Sent = %d, OK = %d; want the load's 30, all OK", res.Sent, res.OK)
			}
			if finished := s.OK > 0; finished != tc.finish || s.Unfinished != 3 {
				t.Errorf("Slow = %+v; want requests finished = %v and the 3 in progress unfinished", *s, tc.finish)
			}
			// A request of some 70 bytes at 1 ms a byte takes 70 ms or more.
			if tc.finish && s.OK > 3*int64(time.Since(t0)/(60*time.Millisecond)) {
				t.Errorf("Slow.OK = %d in %v; want them written a byte at a time", s.OK, time.Since(t0))
			}
		})
	}
}

func TestParseSteps(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []Step
		ok   bool
	}{
		{"450:2s", []Step{{450, 2 * time.Second}}, true},
		{"4000:500ms, 500:1.5s", []Step{{4000, 500 * time.Millisecond}, {500, 1500 * time.Millisecond}}, true},
		{"450", nil, false},
		{"x:1s", nil, false},
		{"1:x", nil, false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got, err := ParseSteps(tc.text)
			if (err == nil) != tc.ok || !slices.Equal(got, tc.want) {
				t.Errorf("ParseSteps(%q) = %v, %v; want %v, ok = %v", tc.text, got, err, tc.want, tc.ok)
			}
			for _, s := range got {
				if back, err := ParseSteps(s.String()); err != nil || back[0] != s {
					t.Errorf("ParseSteps(%q) = %v, %v; want %v back", s.String(), back, err, s)
				}
			}
		})
	}
}

func TestExact(t *testing.T) {
	us := make([]int64, 200)
	for i := range us {
		us[i] = int64(200 - i) // 200 down to 1
	}
	got := exact(us)
	want := Latency{N: 200, Min: 1, Mean: 100.5, P50: 100, P90: 180, P99: 198, P999: 200, Max: 200}
	if got != want {
		t.Errorf("exact(1..200) = %+v; want %+v", got, want)
	}
	if got := exact(nil); got != (Latency{}) {
		t.Errorf("exact(nil) = %+v; want zero", got)
	}
}
