package report

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"poolbench/compare/results"
)

var (
	screens   = flag.String("screens", "", "write the browser test's screenshots of report.html (the top, the throughput and the robustness sections) into this folder")
	screensOf = flag.String("screens-of", fixture, "the results file whose report the browser test checks as one run, and photographs with -screens")
)

// screenSections are the places the browser test photographs: the top of the page and the
// sections whose colors and charts a reader looks at first.
var screenSections = []string{"top", "throughput", "robustness"}

// TestBrowser opens report.html, of one run and of two merged, in headless Chromium
// through ChromeDriver, in a window 1280 pixels wide, and checks that the page fits it
// without sideways scrolling, that defect cells are colored apart from fine ones, that the
// page drew each chart and that it requested nothing: no resource in the page's timing
// entries and no request in the DevTools network log other than the page itself. Every
// request the browser makes goes to a local proxy that refuses it, so nothing leaves the
// machine (the browser's own background requests land there too; the log tells them
// apart from the page's). CI installs chromium and chromium-driver; elsewhere the test is
// skipped when they are missing.
func TestBrowser(t *testing.T) {
	chromium, driver := lookBrowser(t)
	one := loadResults(t, *screensOf)
	runs := []*results.Results{loadFixture(t), loadResults(t, fixtureGOMAXPROCS1)}
	var counts []int // charts per run: one, then the merged runs
	for _, res := range append([]*results.Results{one}, runs...) {
		d, err := build(res)
		if err != nil {
			t.Fatal(err)
		}
		if len(charts(d)) == 0 {
			t.Fatal("a fixture draws no chart; the test would prove nothing")
		}
		counts = append(counts, len(charts(d)))
	}

	proxy := startServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no network in this test", http.StatusForbidden)
	}))

	wd := startDriver(t, driver)
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":       "chrome",
		"goog:loggingPrefs": map[string]string{"performance": "ALL"},
		"goog:chromeOptions": map[string]any{
			"binary": chromium,
			"args": []string{
				"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
				"--user-data-dir=" + t.TempDir(), "--window-size=1280,1400",
				"--proxy-server=http://" + proxy, "--proxy-bypass-list=<-loopback>",
			},
		},
	}}}
	var session struct {
		SessionID string `json:"sessionId"`
	}
	wd.call(t, "POST", "/session", caps, &session)
	sess := "/session/" + session.SessionID
	t.Cleanup(func() { wd.call(t, "DELETE", sess, nil, nil) })

	for _, tc := range []struct {
		name    string
		render  func(dir string) error
		title   string
		charts  int
		screens bool // photographed for -screens
	}{
		{"one run", func(dir string) error { return Render(one, dir) }, "poolbench: Go worker pools compared", counts[0], true},
		{"two runs", func(dir string) error { return RenderRuns(runs, dir) }, "poolbench: Go worker pools compared over 2 runs", counts[1] + counts[2], false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tc.render(dir); err != nil {
				t.Fatal(err)
			}
			page := "file://" + filepath.Join(dir, HTMLFile)
			wd.call(t, "POST", sess+"/url", map[string]any{"url": page}, nil)
			var got struct {
				Title       string    `json:"title"`
				Charts      []float64 `json:"charts"` // drawn area of each chart's SVG, in CSS pixels
				Resources   int       `json:"resources"`
				InnerWidth  int       `json:"innerWidth"`
				ScrollWidth int       `json:"scrollWidth"`
				Defect      []string  `json:"defect"` // computed background of each defect cell
				Fine        []string  `json:"fine"`
			}
			wd.call(t, "POST", sess+"/execute/sync", map[string]any{"args": []any{}, "script": `
				const charts = [...document.querySelectorAll("figure.chart svg")].map(s => {
					const b = s.getBBox(); return b.width * b.height; });
				const bg = sel => [...document.querySelectorAll(sel)].map(e => getComputedStyle(e).backgroundColor);
				return {title: document.title, charts: charts, resources: performance.getEntriesByType("resource").length,
					innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
					defect: bg("td.sev-defect"), fine: bg("td.sev-fine")};`}, &got)
			requested := pageRequests(t, wd, sess, page)
			var png string
			for _, place := range screenSections {
				wd.call(t, "POST", sess+"/execute/sync", map[string]any{"args": []any{place}, "script": `
					const s = document.getElementById(arguments[0]);
					window.scrollTo(0, s ? s.offsetTop : 0);`}, nil)
				wd.call(t, "GET", sess+"/screenshot", nil, &png)
				if *screens == "" || !tc.screens {
					continue
				}
				b, err := base64.StdEncoding.DecodeString(png)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(*screens, place+".png"), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			if got.Title != tc.title {
				t.Errorf("page title = %q; want %q", got.Title, tc.title)
			}
			if len(got.Charts) != tc.charts {
				t.Errorf("page has %d charts; want %d", len(got.Charts), tc.charts)
			}
			for i, area := range got.Charts {
				if area <= 0 {
					t.Errorf("chart %d drew nothing", i)
				}
			}
			if got.InnerWidth != 1280 {
				t.Errorf("window.innerWidth = %d; want 1280", got.InnerWidth)
			}
			if got.ScrollWidth > got.InnerWidth {
				t.Errorf("document.documentElement.scrollWidth = %d > window.innerWidth = %d: the page scrolls sideways", got.ScrollWidth, got.InnerWidth)
			}
			if len(got.Defect) == 0 || len(got.Fine) == 0 {
				t.Errorf("the page has %d defect and %d fine verdict cells; the fixtures have both", len(got.Defect), len(got.Fine))
			} else if slices.ContainsFunc(got.Defect, func(bg string) bool { return slices.Contains(got.Fine, bg) }) {
				t.Errorf("defect cells' backgrounds %q share a color with fine cells' %q", got.Defect, got.Fine)
			}
			if got.Resources != 0 {
				t.Errorf("the page loaded %d resources; want none (everything inline)", got.Resources)
			}
			if len(requested) != 0 {
				t.Errorf("the page requested %q; want nothing", requested)
			}
			if len(png) < 1000 {
				t.Errorf("screenshot is %d bytes of base64; want a real image", len(png))
			}
		})
	}
}

// pageRequests returns the URLs that page requested, other than itself, from the DevTools
// network log; reading the log empties it.
func pageRequests(t *testing.T, wd webDriver, sess, page string) []string {
	t.Helper()
	var perf []struct {
		Message string `json:"message"`
	}
	wd.call(t, "POST", sess+"/se/log", map[string]any{"type": "performance"}, &perf)
	var requested []string
	for _, e := range perf {
		var m struct {
			Message struct {
				Method string `json:"method"`
				Params struct {
					DocumentURL string `json:"documentURL"`
					Request     struct {
						URL string `json:"url"`
					} `json:"request"`
				} `json:"params"`
			} `json:"message"`
		}
		if err := json.Unmarshal([]byte(e.Message), &m); err != nil {
			t.Fatalf("performance log entry %s: %v", e.Message, err)
		}
		// The log also holds the blank tab the browser opened first; keep what report.html asked for.
		if p := m.Message.Params; m.Message.Method == "Network.requestWillBeSent" && p.DocumentURL == page && p.Request.URL != page {
			requested = append(requested, p.Request.URL)
		}
	}
	return requested
}

func lookBrowser(t *testing.T) (chromium, driver string) {
	chromium, err1 := exec.LookPath("chromium")
	driver, err2 := exec.LookPath("chromedriver")
	if err1 != nil || err2 != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must install chromium and chromium-driver: %v, %v", err1, err2)
		}
		t.Skip("chromium or chromedriver not installed")
	}
	return chromium, driver
}

// startServer serves h on 127.0.0.1 until the test ends and returns its address.
func startServer(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// webDriver speaks the W3C WebDriver protocol to a ChromeDriver on base.
type webDriver struct{ base string }

func startDriver(t *testing.T, path string) webDriver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, path, fmt.Sprintf("--port=%d", port))
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("chromedriver:\n%s", log.String())
		}
	})
	wd := webDriver{base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get(wd.base + "/status")
		if err == nil {
			resp.Body.Close()
			return wd
		}
		if time.Now().After(deadline) {
			t.Fatalf("chromedriver did not answer: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// call sends a WebDriver command and decodes the reply's value into out.
func (wd webDriver) call(t *testing.T, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, wd.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 60 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var reply struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		t.Fatalf("webdriver %s %s: %v", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webdriver %s %s: %s: %s", method, path, resp.Status, reply.Value)
	}
	if out != nil {
		if err := json.Unmarshal(reply.Value, out); err != nil {
			t.Fatalf("webdriver %s %s: decoding %s: %v", method, path, reply.Value, err)
		}
	}
}
