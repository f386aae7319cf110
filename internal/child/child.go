// Package child runs poolbench's own binary as child processes for the studies: each in
// its own process group, with a hard timeout, killed whole when the study's process dies,
// so that a child that hangs or crashes is a finding and never the end of a study.
package child

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// MaxOutput caps how much of a child's stdout and of its stderr Run keeps.
const MaxOutput = 1 << 20

// Command returns a command for exe with args, set up as a child of a study: its own
// process group, killed whole when ctx ends or the study's process dies, with GOMAXPROCS
// procs (inherited when 0).
func Command(ctx context.Context, exe string, procs int, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, exe, args...)
	if procs > 0 {
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(procs))
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
	cmd.Cancel = func() error { return Kill(cmd) }
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// Kill kills cmd's whole process group. A group that is gone already is no error.
func Kill(cmd *exec.Cmd) error {
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// Result is what one child run left behind.
type Result struct {
	Stdout, Stderr []byte // the first MaxOutput bytes of each
	// Exit is "" for a clean exit, else how it ended: "exit status 2", "signal: killed".
	Exit     string
	TimedOut bool // killed at the hard timeout
	Timeout  time.Duration
	Elapsed  time.Duration
}

// Run runs exe with args as Command does and waits for it, killing its group after
// timeout. A child that fails, crashes or is killed gives a Result that says so; the error
// is for a child that could not be run, and for ctx ending.
func Run(ctx context.Context, exe string, procs int, timeout time.Duration, args ...string) (Result, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := Command(cctx, exe, procs, args...)
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := Result{Stdout: stdout.buf.Bytes(), Stderr: stderr.buf.Bytes(), Timeout: timeout, Elapsed: time.Since(start)}
	if ctx.Err() != nil {
		return r, ctx.Err()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.Exit = exitErr.Error()
		r.TimedOut = errors.Is(cctx.Err(), context.DeadlineExceeded)
	case errors.Is(err, exec.ErrWaitDelay):
		// The child exited but something it started kept its output open; its status holds.
		if cmd.ProcessState != nil && !cmd.ProcessState.Success() {
			r.Exit = cmd.ProcessState.String()
		}
	default:
		return r, err
	}
	return r, nil
}

// capped is a buffer that keeps the first MaxOutput bytes written to it and drops the rest.
type capped struct{ buf bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := MaxOutput - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
