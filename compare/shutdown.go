package compare

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Shutdown is the shutdown-robustness study: every probe's verdict on every executor.
type Shutdown struct {
	Probes   []string  `json:"probes"`   // probe ids, in report order
	Verdicts []Verdict `json:"verdicts"` // pool by pool, each in probe order
}

// A Verdict is what one probe found on one executor.
type Verdict struct {
	Pool  string `json:"pool"`
	Probe string `json:"probe"`
	// Verdict is one of DESIGN.md's words for the probe, with any detail after a colon:
	// "ok", "lost:3", "late:340ms", "survives:stderr". Two words stand for what no probe
	// body can report itself: "crash" (the child died) and "hang" (it was killed at the
	// hard timeout); probes that have "panic" or "deadlock" among their words use those.
	Verdict  string `json:"verdict"`
	Evidence string `json:"evidence"` // error text, panic message, counts, timings, frequencies
}

// ProbeOptions say how to run one probe's child process.
type ProbeOptions struct {
	Exe   string // the binary to run as `Exe probe-child --pool=P --probe=ID --rounds=N`
	Quick bool   // fewer rounds
	// Rounds replaces the probe's round count when > 0.
	Rounds int
	// Timeout replaces the probe's own hard timeout when > 0, for tests that prove the
	// kill path without waiting for it.
	Timeout time.Duration
}

// RunShutdown runs every probe on every executor in opts.Pools, one child process at a time
// (the deadline probe times things; two cores leave no room for company), reporting
// progress. When ctx ends it returns what it has with ctx's error.
func RunShutdown(ctx context.Context, opts Options) (*Shutdown, error) {
	s := &Shutdown{Probes: Probes()}
	opts.Progress.Step("shutdown", len(opts.Pools)*len(s.Probes))
	po := ProbeOptions{Exe: opts.Exe, Quick: opts.Quick}
	for _, pool := range opts.Pools {
		for _, id := range s.Probes {
			v, err := RunProbe(ctx, pool, id, po)
			if err != nil {
				return s, err
			}
			s.Verdicts = append(s.Verdicts, v)
			opts.Progress.Add(1)
		}
	}
	return s, nil
}

// RunProbe runs probe id on pool in a child process and classifies what it saw. A child that
// crashes or hangs gives a verdict, not an error; the error is for a child that could not be
// started and for ctx ending.
func RunProbe(ctx context.Context, pool, id string, opts ProbeOptions) (Verdict, error) {
	def, err := lookupProbe(id)
	if err != nil {
		return Verdict{}, err
	}
	rounds := def.rounds
	if opts.Quick {
		rounds = def.quick
	}
	if opts.Rounds > 0 {
		rounds = opts.Rounds
	}
	timeout := def.timeout
	if opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	c, err := runChild(ctx, opts.Exe, timeout,
		"probe-child", "--pool="+pool, "--probe="+id, "--rounds="+strconv.Itoa(rounds))
	if err != nil {
		return Verdict{}, fmt.Errorf("compare: probe %s on %s: %w", id, pool, err)
	}
	v := classify(def, rounds, c)
	v.Pool, v.Probe = pool, id
	return v, nil
}

// childRun is what the parent saw of one probe child.
type childRun struct {
	obs      []Observation
	stdout   []string // stdout lines that are not observations: the library's own output
	stderr   string
	exit     string // "" for a clean exit, else "exit status 2", "signal: segmentation fault"
	timedOut bool   // killed at the hard timeout
	timeout  time.Duration
	elapsed  time.Duration
}

// maxOutput caps how much of a child's stdout and stderr the parent keeps.
const maxOutput = 1 << 20

// runChild runs exe with args in its own process group, killing the group after timeout so
// that no grandchild outlives it.
func runChild(ctx context.Context, exe string, timeout time.Duration, args ...string) (childRun, error) {
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, exe, args...)
	childProcess(cmd, 0)
	var stdout, stderr capped
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	c := childRun{stderr: stderr.String(), elapsed: time.Since(start), timeout: timeout}
	if ctx.Err() != nil {
		return c, ctx.Err()
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		c.exit = exitErr.Error()
		c.timedOut = errors.Is(cctx.Err(), context.DeadlineExceeded)
	case errors.Is(err, exec.ErrWaitDelay):
		// The child exited but something it started kept its output open; its status holds.
		if cmd.ProcessState != nil && !cmd.ProcessState.Success() {
			c.exit = cmd.ProcessState.String()
		}
	default:
		return c, err
	}
	c.obs, c.stdout = parseChildStdout(stdout.buf.Bytes())
	return c, nil
}

// parseChildStdout splits a probe child's stdout into its observations and the other lines,
// which are the library's own output.
func parseChildStdout(b []byte) (obs []Observation, other []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxOutput)
	for sc.Scan() {
		line := sc.Text()
		var o Observation
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &o) == nil && o.Round > 0 {
			obs = append(obs, o)
			continue
		}
		other = append(other, line)
	}
	return obs, other
}

// capped is a buffer that keeps the first maxOutput bytes written to it and drops the rest.
type capped struct{ buf bytes.Buffer }

func (c *capped) Write(p []byte) (int, error) {
	if room := maxOutput - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (c *capped) String() string { return c.buf.String() }

// classify turns what a probe child did into a verdict with its evidence.
func classify(def probeDef, rounds int, c childRun) Verdict {
	done := fmt.Sprintf("after %d/%d rounds", len(c.obs), rounds)
	switch {
	case c.timedOut:
		word := "hang"
		if slices.Contains(def.words, "deadlock") {
			word = "deadlock"
		}
		return Verdict{Verdict: word, Evidence: fmt.Sprintf("no end within the %v hard timeout %s; killed", c.timeout, done) + lastWords(c)}
	case c.exit != "":
		word := "crash"
		if !slices.Contains(def.words, "crash") && slices.Contains(def.words, "panic") {
			word = "panic"
		}
		return Verdict{Verdict: word, Evidence: fmt.Sprintf("the process died (%s) %s", c.exit, done) + lastWords(c)}
	case len(c.obs) == 0:
		return Verdict{Verdict: "crash", Evidence: "the child exited cleanly without reporting" + lastWords(c)}
	}
	if def.id == "panic" {
		return classifyPanic(c)
	}
	counts := map[string]int{}
	first := map[string]Observation{}
	worst := map[string]Observation{} // the largest N, or the longest call, per outcome
	for _, o := range c.obs {
		counts[o.Outcome]++
		if _, ok := first[o.Outcome]; !ok {
			first[o.Outcome], worst[o.Outcome] = o, o
		}
		if w := worst[o.Outcome]; o.N > w.N || o.N == w.N && o.Elapsed > w.Elapsed {
			worst[o.Outcome] = o
		}
	}
	// An outcome outside the probe's words (a hang where the design lists none, a Submit
	// that panicked where only errors were foreseen) ranks worst: say so, never hide it.
	var order []string
	for out := range counts {
		if !slices.Contains(def.words, out) {
			order = append(order, out)
		}
	}
	slices.Sort(order)
	order = append(order, def.words...)
	word := ""
	for _, w := range order { // worst first, so ties go to the worse word
		if counts[w] > 0 && (word == "" || def.majority && counts[w] > counts[word]) {
			word = w
		}
	}
	verdict := word
	switch word {
	case "lost":
		total := 0
		for _, o := range c.obs {
			if o.Outcome == "lost" {
				total += max(o.N, 1)
			}
		}
		verdict += ":" + strconv.Itoa(total)
	case "leak":
		verdict += ":" + strconv.Itoa(worst[word].N)
	case "late":
		verdict += ":" + worst[word].Elapsed.Round(time.Millisecond).String()
	}
	// The verdict's word comes first, then the others, worst first.
	ev := []string{}
	for _, w := range append([]string{word}, order...) {
		if counts[w] == 0 || w == word && len(ev) > 0 {
			continue
		}
		o := first[w]
		if w == word {
			o = worst[w]
		}
		ev = append(ev, fmt.Sprintf("%s %d/%d: %s", w, counts[w], len(c.obs), o.Detail))
	}
	e := strings.Join(ev, " | ")
	if len(c.obs) < rounds {
		e += fmt.Sprintf(" (stopped %s)", done)
	}
	return Verdict{Verdict: verdict, Evidence: e}
}

// classifyPanic says where the panic probe's panic was reported: returned by Submit or
// Shutdown, printed on stderr or stdout, or nowhere.
func classifyPanic(c childRun) Verdict {
	o := c.obs[len(c.obs)-1]
	var where []string
	if o.Returned {
		where = append(where, "returned")
	}
	if strings.Contains(c.stderr, PanicMarker) {
		where = append(where, "stderr")
	}
	if strings.Contains(strings.Join(c.stdout, "\n"), PanicMarker) {
		where = append(where, "stdout")
	}
	if len(where) == 0 {
		where = append(where, "nowhere")
	}
	return Verdict{Verdict: "survives:" + strings.Join(where, "+"), Evidence: o.Detail + firstLine(c)}
}

// lastWords is the evidence a dead or killed child left: its panic line and last round.
func lastWords(c childRun) string {
	s := firstLine(c)
	if n := len(c.obs); n > 0 {
		s += fmt.Sprintf("; last round: %s: %s", c.obs[n-1].Outcome, c.obs[n-1].Detail)
	}
	return s
}

// firstLine finds the first line of a panic or fatal error on the child's stderr, or else
// its first line of stderr or stray stdout.
func firstLine(c childRun) string {
	for line := range strings.Lines(c.stderr) {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			return "; stderr: " + strings.TrimSpace(line)
		}
	}
	for line := range strings.Lines(c.stderr) {
		if line = strings.TrimSpace(line); line != "" {
			return "; stderr: " + truncate(line, 300)
		}
	}
	for _, line := range c.stdout {
		if line = strings.TrimSpace(line); line != "" {
			return "; stdout: " + truncate(line, 300)
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
