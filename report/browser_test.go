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
	"testing"
	"time"
)

var screenshot = flag.String("screenshot", "", "write the browser test's screenshot of report.html to this file")

// TestBrowser opens report.html in headless Chromium through ChromeDriver and checks that
// the page drew each chart and requested nothing: no resource in the page's timing entries
// and no request in the DevTools network log other than the page itself. Every request
// the browser makes goes to a local proxy that refuses it, so nothing leaves the machine
// (the browser's own background requests land there too; the log tells them apart from
// the page's). CI installs chromium and chromium-driver; elsewhere the test is skipped
// when they are missing.
func TestBrowser(t *testing.T) {
	chromium, driver := lookBrowser(t)
	dir := t.TempDir()
	res := loadFixture(t)
	if err := Render(res, dir); err != nil {
		t.Fatal(err)
	}
	d, err := build(res)
	if err != nil {
		t.Fatal(err)
	}
	wantCharts := len(charts(d))
	if wantCharts == 0 {
		t.Fatal("the fixture draws no chart; the test would prove nothing")
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
				"--user-data-dir=" + t.TempDir(), "--window-size=1280,2400",
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

	wd.call(t, "POST", sess+"/url", map[string]any{"url": "file://" + filepath.Join(dir, HTMLFile)}, nil)
	var got struct {
		Title     string    `json:"title"`
		Charts    []float64 `json:"charts"` // drawn area of each chart's SVG, in CSS pixels
		Resources int       `json:"resources"`
	}
	wd.call(t, "POST", sess+"/execute/sync", map[string]any{"args": []any{}, "script": `
		const charts = [...document.querySelectorAll("figure.chart svg")].map(s => {
			const b = s.getBBox(); return b.width * b.height; });
		return {title: document.title, charts: charts,
			resources: performance.getEntriesByType("resource").length};`}, &got)
	var perf []struct {
		Message string `json:"message"`
	}
	wd.call(t, "POST", sess+"/se/log", map[string]any{"type": "performance"}, &perf)
	page := "file://" + filepath.Join(dir, HTMLFile)
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
	var png string
	wd.call(t, "GET", sess+"/screenshot", nil, &png)
	if *screenshot != "" {
		b, err := base64.StdEncoding.DecodeString(png)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	if got.Title != d.Title {
		t.Errorf("page title = %q; want %q", got.Title, d.Title)
	}
	if len(got.Charts) != wantCharts {
		t.Errorf("page has %d charts; want %d", len(got.Charts), wantCharts)
	}
	for i, area := range got.Charts {
		if area <= 0 {
			t.Errorf("chart %d drew nothing", i)
		}
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
