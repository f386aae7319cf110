package child

import (
	"context"
	"testing"
	"time"
)

// TestRun runs real processes: one that exits with a status, one that outlives its hard
// timeout together with a grandchild, and one that writes more than Run keeps.
func TestRun(t *testing.T) {
	for _, tc := range []struct {
		name     string
		script   string
		exit     string
		timedOut bool
		stdout   int
	}{
		{"clean", "echo hi", "", false, 3},
		{"status", "echo oops >&2; exit 3", "exit status 3", false, 0},
		{"hang with a grandchild", "sleep 30 & sleep 30", "signal: killed", true, 0},
		{"capped", "head -c 3000000 /dev/zero", "", false, MaxOutput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(context.Background(), "/bin/sh", 0, 500*time.Millisecond, "-c", tc.script)
			if err != nil {
				t.Fatalf("Run() = %v", err)
			}
			if r.Exit != tc.exit || r.TimedOut != tc.timedOut || len(r.Stdout) != tc.stdout {
				t.Errorf("Run() = exit %q, timed out %v, %d bytes out; want %q, %v, %d", r.Exit, r.TimedOut, len(r.Stdout), tc.exit, tc.timedOut, tc.stdout)
			}
			// The grandchild dies with its group, so Run does not wait out WaitDelay for it.
			if tc.timedOut && r.Elapsed > 10*time.Second {
				t.Errorf("Run() took %v; want the group killed at the timeout", r.Elapsed)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, "/bin/sh", 0, time.Second, "-c", "true"); err == nil {
		t.Errorf("Run(cancelled ctx) = nil error; want ctx's")
	}
}
