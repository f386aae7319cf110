package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"poolbench/internal/child"
	"poolbench/loadgen"
	"poolbench/server"
)

// A serverProc is one `poolbench serve` child. Its stderr is read to the end by a goroutine
// that also waits for the process; done is closed when both are over.
type serverProc struct {
	name string
	cmd  *exec.Cmd
	addr string // 127.0.0.1:PORT, from the server's "listening" record
	done chan struct{}

	mu      sync.Mutex
	stopped *server.Stopped // the server's "stopped" record, once logged
	tail    []string        // its last stderr lines, for error messages
	waitErr error           // what cmd.Wait returned
}

// startServer starts `exe serve` for pool with GOMAXPROCS procs, and extra flags such as
// --mode, and waits until it logs the address it listens on. The child is in its own
// process group, killed whole when ctx ends or kill is called.
func startServer(ctx context.Context, exe, pool string, workers, queue, procs int, extra ...string) (*serverProc, error) {
	args := append([]string{"serve", "--pool=" + pool,
		"--workers=" + strconv.Itoa(workers), "--queue=" + strconv.Itoa(queue),
		"--addr=127.0.0.1:0", "--log-level=info"}, extra...)
	cmd := child.Command(ctx, exe, procs, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("web: serve %s: %w", pool, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("web: serve %s: %w", pool, err)
	}
	s := &serverProc{name: pool, cmd: cmd, done: make(chan struct{})}
	listening := make(chan string, 1)
	// This goroutine ends when the child exits and closes its stderr; kill guarantees both.
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logLine(sc.Text(), listening)
		}
		err := cmd.Wait()
		s.mu.Lock()
		s.waitErr = err
		s.mu.Unlock()
	}()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case s.addr = <-listening:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("web: serve %s exited before listening: %w%s", pool, s.exitErr(), s.lastLines())
	case <-timer.C:
		return nil, errors.Join(fmt.Errorf("web: serve %s did not log a listening address within 10s%s", pool, s.lastLines()), s.kill())
	case <-ctx.Done():
		return nil, errors.Join(ctx.Err(), s.kill())
	}
}

// logLine takes in one stderr line of the server.
func (s *serverProc) logLine(line string, listening chan<- string) {
	rec, ok, err := server.ParseRecord(line)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tail) == 10 {
		s.tail = s.tail[1:]
	}
	s.tail = append(s.tail, line)
	switch {
	case err != nil:
		s.tail = append(s.tail, err.Error())
	case !ok:
	case rec.Addr != "":
		select {
		case listening <- rec.Addr:
		default: // only the first address counts
		}
	case rec.Stopped != nil:
		s.stopped = rec.Stopped
	}
}

func (s *serverProc) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tail) == 0 {
		return ""
	}
	return "; its last lines:\n" + strings.Join(s.tail, "\n")
}

func (s *serverProc) exitErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waitErr
}

// stoppedRecord returns the server's "stopped" record, or nil if it logged none.
func (s *serverProc) stoppedRecord() *server.Stopped {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}

// cpu returns the server's user+system CPU time so far, from /proc.
func (s *serverProc) cpu() (time.Duration, error) { return procCPU(s.cmd.Process.Pid) }

// terminate sends SIGTERM to the server alone, as an operator would. A server that already
// exited is no error here: its exit code tells the story.
func (s *serverProc) terminate() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("web: serve %s: SIGTERM: %w", s.name, err)
	}
	return nil
}

// wait waits for the server to exit, at most d, and returns its exit code: -1 when it was
// still running after d and was killed, which is a finding, not an error.
func (s *serverProc) wait(d time.Duration) (int, error) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-s.done:
	case <-timer.C:
		return -1, s.kill()
	}
	var ee *exec.ExitError
	switch err := s.exitErr(); {
	case err == nil:
		return 0, nil
	case errors.As(err, &ee) && ee.Exited():
		return ee.ExitCode(), nil
	case errors.As(err, &ee):
		return -1, nil // killed by a signal: a crash is a finding too
	default:
		return -1, fmt.Errorf("web: serve %s: %w%s", s.name, err, s.lastLines())
	}
}

// kill kills the server's process group and waits for its reader to finish. It is safe to
// call more than once and after the server exited.
func (s *serverProc) kill() error {
	select {
	case <-s.done:
		return nil
	default:
	}
	if err := child.Kill(s.cmd); err != nil {
		return fmt.Errorf("web: killing serve %s: %w", s.name, err)
	}
	<-s.done
	return nil
}

// runLoad runs `exe loadgen` with GOMAXPROCS procs and the given flags and decodes its
// result. The child gets at most limit; past it, it is killed.
func runLoad(ctx context.Context, exe string, procs int, limit time.Duration, args ...string) (loadgen.Result, error) {
	r, err := child.Run(ctx, exe, procs, limit, append([]string{"loadgen"}, args...)...)
	if err == nil && r.Exit != "" {
		err = errors.New(r.Exit)
	}
	if err != nil {
		return loadgen.Result{}, fmt.Errorf("web: loadgen %s: %w: %s", strings.Join(args, " "), err, bytes.TrimSpace(r.Stderr))
	}
	var res loadgen.Result
	if err := json.Unmarshal(r.Stdout, &res); err != nil {
		return loadgen.Result{}, fmt.Errorf("web: loadgen output: %w", err)
	}
	return res, nil
}

// procCPU reads a process's user+system CPU time from /proc/PID/stat.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("web: %w", err)
	}
	return parseStatCPU(string(b))
}

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture Go
// supports (the kernel's ABI fixes it, whatever CONFIG_HZ is).
const clockTicks = 100

// parseStatCPU reads utime+stime out of a /proc/PID/stat line. The command name, field 2,
// may hold spaces and parentheses, so fields are counted after its last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("web: /proc stat %q: no command field", stat)
	}
	f := strings.Fields(stat[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("web: /proc stat: %d fields after the command; want >= 13", len(f))
	}
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("web: /proc stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// cpuTicks are the machine's CPU time since boot, all cores, in clock ticks.
type cpuTicks struct{ busy, total int64 }

// machineCPU reads the machine's CPU time from /proc/stat.
func machineCPU() (cpuTicks, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTicks{}, fmt.Errorf("web: %w", err)
	}
	return parseMachineCPU(string(b))
}

// parseMachineCPU reads /proc/stat's first line: "cpu user nice system idle iowait irq
// softirq steal ...". Idle and iowait are the time no one used.
func parseMachineCPU(stat string) (cpuTicks, error) {
	line, _, _ := strings.Cut(stat, "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return cpuTicks{}, fmt.Errorf("web: /proc/stat: first line %q is not the cpu total", line)
	}
	var t cpuTicks
	for i, s := range f[1:] {
		if i >= 8 { // guest times are already in user and nice
			break
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return cpuTicks{}, fmt.Errorf("web: /proc/stat: %w", err)
		}
		t.total += n
		if i != 3 && i != 4 {
			t.busy += n
		}
	}
	return t, nil
}

// busySince is the fraction of the machine's CPU time used since t0.
func (t cpuTicks) busySince(t0 cpuTicks) float64 {
	if t.total == t0.total {
		return 0
	}
	return float64(t.busy-t0.busy) / float64(t.total-t0.total)
}
