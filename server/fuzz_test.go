package server

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// FuzzReadRequest drives the request-reading path, from raw bytes to the bytes written
// back, with any input: it must not panic, and whatever it writes must be one well-formed
// HTTP response with a status the server means to send. The seed corpus is in
// testdata/fuzz/FuzzReadRequest; run it longer with
// go test -run '^$' -fuzz FuzzReadRequest -fuzztime 60s ./server
func FuzzReadRequest(f *testing.F) {
	for _, seed := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"HEAD /sleep?ms=5 HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /work?n=7 HTTP/1.0\r\n\r\n",
		"POST /work HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET /panic HTTP/1.1\r\nHost: a\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	rt := routes{log: slog.New(slog.DiscardHandler), sleep: func(time.Duration) {}, maxWork: 1000, panicPath: "/panic"}
	const maxHeaderBytes = 1 << 10
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		ex := serveOne(bytes.NewReader(data), &out, rt, maxHeaderBytes)
		got := ex.out
		switch got {
		case silent:
			if out.Len() != 0 {
				t.Fatalf("serveOne() = silent but wrote %q", out.Bytes())
			}
			return
		case broken:
			t.Fatalf("serveOne() = broken writing to a bytes.Buffer")
		}
		req := &http.Request{Method: http.MethodGet}
		if got == answered {
			var err error
			if req, err = readRequest(bytes.NewReader(data), maxHeaderBytes); err != nil {
				t.Fatalf("serveOne() = answered, but the request does not read again: %v", err)
			}
		}
		br := bufio.NewReader(&out)
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("serveOne() = %v, wrote %q: %v", got, out.Bytes(), err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("reading the body of %q: %v", out.Bytes(), err)
		}
		switch resp.StatusCode {
		case 200, 400, 404, 405, 431, 500:
		default:
			t.Fatalf("status %d; want one of 200, 400, 404, 405, 431, 500", resp.StatusCode)
		}
		if resp.StatusCode == 500 && !bytes.Contains(data, []byte("/panic")) {
			t.Fatalf("500 for %q", data)
		}
		if req.Method != http.MethodHead && int64(len(body)) != resp.ContentLength {
			t.Fatalf("body of %d bytes; Content-Length %d", len(body), resp.ContentLength)
		}
		if resp.StatusCode != ex.status {
			t.Fatalf("serveOne() reports status %d; wrote %d", ex.status, resp.StatusCode)
		}
		if !resp.Close {
			t.Fatalf("response without Connection: close")
		}
		if br.Buffered() != 0 {
			t.Fatalf("%d bytes after the response", br.Buffered())
		}
	})
}
