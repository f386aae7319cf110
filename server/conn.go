package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
)

// maxDiscard is how much of an unread request body the server reads before closing, so
// that closing does not reset the connection before the client has read the answer. It is
// net/http's figure.
const maxDiscard = 256 << 10

// errHeaderTooLarge is a request whose header passed Options.MaxHeaderBytes.
var errHeaderTooLarge = errors.New("server: request header too large")

// An outcome is how one connection ended.
type outcome int

const (
	answered outcome = iota // the routes answered a request (any status)
	refused                 // a malformed or oversized request got 400 or 431
	silent                  // the client sent nothing whole before EOF or the deadline: no answer
	broken                  // writing the answer failed
)

// readRequest reads one request from r, allowing the header maxHeaderBytes plus net/http's
// 4096 bytes of slack, so that both servers draw the line at the same size.
func readRequest(r io.Reader, maxHeaderBytes int) (*http.Request, error) {
	lr := &io.LimitedReader{R: r, N: int64(maxHeaderBytes) + 4096}
	req, err := http.ReadRequest(bufio.NewReader(lr))
	if err != nil {
		if lr.N <= 0 {
			return nil, errHeaderTooLarge
		}
		return nil, err
	}
	// The body is read past the header limit, up to maxDiscard.
	lr.N = maxDiscard
	// http.ReadRequest moves Host out of the header, so an empty Host counts as missing
	// here, where net/http lets it pass.
	if req.ProtoAtLeast(1, 1) && req.Host == "" {
		return nil, errMissingHost
	}
	return req, nil
}

// errMissingHost is an HTTP/1.1 request without Host, which net/http also refuses.
var errMissingHost = errors.New("missing required Host header")

// An exchange is what happened on one connection, for the log.
type exchange struct {
	out          outcome
	status       int    // 0 when nothing was sent
	method, path string // "" when no request was read
}

// serveOne reads one request from r, answers it on w through rt, and reports how it went.
// It does no I/O but through r and w, so that the fuzz test can drive it with bytes.
func serveOne(r io.Reader, w io.Writer, rt routes, maxHeaderBytes int) exchange {
	req, err := readRequest(r, maxHeaderBytes)
	if err != nil {
		var rep reply
		switch {
		case isCommonReadError(err):
			return exchange{out: silent}
		case errors.Is(err, errHeaderTooLarge):
			rep = textReply(http.StatusRequestHeaderFieldsTooLarge, "431 Request Header Fields Too Large")
		case errors.Is(err, errMissingHost):
			rep = textReply(http.StatusBadRequest, "400 Bad Request: missing required Host header")
		default:
			rep = textReply(http.StatusBadRequest, "400 Bad Request")
		}
		if writeReply(w, nil, rep) != nil {
			return exchange{out: broken, status: rep.status}
		}
		return exchange{out: refused, status: rep.status}
	}
	rep := rt.serve(req)
	// Read what is left of the body (a POST that gets a 405, say), so that closing does not
	// reset the connection before the client reads the answer. Its error changes nothing:
	// the answer is the same either way.
	if _, err := io.Copy(io.Discard, req.Body); err != nil {
		rt.log.Debug("discarding request body", "err", err)
	}
	ex := exchange{out: answered, status: rep.status, method: req.Method, path: req.URL.Path}
	if writeReply(w, req, rep) != nil {
		ex.out = broken
	}
	return ex
}

// isCommonReadError is an end of input that net/http answers with silence: nothing at all
// before EOF, a read deadline, or a failed read.
func isCommonReadError(err error) bool {
	if errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "read"
}

// writeReply writes rep as the response to req (nil for a request that could not be read),
// without a body when req is a HEAD.
func writeReply(w io.Writer, req *http.Request, rep reply) error {
	resp := &http.Response{
		StatusCode:    rep.status,
		ProtoMajor:    1,
		ProtoMinor:    1,
		Request:       req,
		Header:        rep.header(),
		ContentLength: int64(len(rep.body)),
		Close:         true,
	}
	if req == nil || req.Method != http.MethodHead {
		resp.Body = io.NopCloser(bytes.NewReader(rep.body))
	}
	bw := bufio.NewWriter(w)
	if err := resp.Write(bw); err != nil {
		return err
	}
	return bw.Flush()
}

func (o outcome) String() string {
	switch o {
	case answered:
		return "answered"
	case refused:
		return "refused"
	case silent:
		return "silent"
	case broken:
		return "broken"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}
