package server

import (
	"maps"
	"testing"
)

func TestParseText(t *testing.T) {
	for _, tc := range []struct {
		line string
		want map[string]string
	}{
		{`time=2026-11-29T00:00:00.000Z level=INFO msg=listening addr=127.0.0.1:4242`,
			map[string]string{"time": "2026-11-29T00:00:00.000Z", "level": "INFO", "msg": "listening", "addr": "127.0.0.1:4242"}},
		{`level=INFO msg=stopped accepted=10 served=8 rejected=1 failed=1`,
			map[string]string{"level": "INFO", "msg": "stopped", "accepted": "10", "served": "8", "rejected": "1", "failed": "1"}},
		{`level=WARN msg="shutdown deadline passed" err="context deadline exceeded" n=3`,
			map[string]string{"level": "WARN", "msg": "shutdown deadline passed", "err": "context deadline exceeded", "n": "3"}},
		{`panic: something broke`, map[string]string{}},
		{`msg="unterminated`, map[string]string{}},
	} {
		if got := parseText(tc.line); !maps.Equal(got, tc.want) {
			t.Errorf("parseText(%q) = %v; want %v", tc.line, got, tc.want)
		}
	}
}

// TestParseRecord reads back the two lifecycle records Run writes, and only those.
func TestParseRecord(t *testing.T) {
	for _, tc := range []struct {
		line string
		want Record
		ok   bool
	}{
		{`time=2026-11-29T00:00:00.000Z level=INFO msg=listening addr=127.0.0.1:4242 pool=ants workers=4`, Record{Addr: "127.0.0.1:4242"}, true},
		{`level=INFO msg=stopped accepted=10 served=8 rejected=1 failed=1 drained=true`,
			Record{Stopped: &Stopped{Stats: Stats{Accepted: 10, Served: 8, Rejected: 1, Failed: 1}, Drained: true}}, true},
		{`level=INFO msg=stopping timeout=10s`, Record{}, false},
		{`panic: something broke`, Record{}, false},
	} {
		got, ok, err := ParseRecord(tc.line)
		if err != nil || ok != tc.ok || got.Addr != tc.want.Addr || (got.Stopped == nil) != (tc.want.Stopped == nil) ||
			got.Stopped != nil && *got.Stopped != *tc.want.Stopped {
			t.Errorf("ParseRecord(%q) = %+v, %v, %v; want %+v, %v, nil", tc.line, got, ok, err, tc.want, tc.ok)
		}
	}
	if _, _, err := ParseRecord(`msg=stopped accepted=x`); err == nil {
		t.Errorf("ParseRecord of a stopped record with a bad count = nil error; want one")
	}
}
