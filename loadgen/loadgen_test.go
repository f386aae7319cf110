package loadgen

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
