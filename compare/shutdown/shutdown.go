package shutdown

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"poolbench/compare/results"
	"poolbench/internal/child"
	"poolbench/internal/study"
	"poolbench/pools"
)

// ProbeOptions say how to run one probe's child process.
type ProbeOptions struct {
	Exe   string // the binary to run as `Exe probe-child --pool=P --probe=ID --rounds=N`
	Quick bool   // fewer rounds
	// Soak multiplies the probe's rounds, and its time budget with them, when > 1: for
	// catching a rare event (`--rounds`).
	Soak int
	// Rounds replaces the probe's round count when > 0.
	Rounds int
	// Timeout replaces the probe's own hard timeout when > 0, for tests that prove the
	// kill path without waiting for it.
	Timeout time.Duration
}

// rounds is how many rounds opts asks of d.
func (opts ProbeOptions) rounds(d probeDef) int {
	n := d.rounds
	switch {
	case opts.Rounds > 0:
		return opts.Rounds
	case opts.Quick:
		n = d.quick
	}
	return n * max(1, opts.Soak)
}

// parallel is how many probe children run at once. Most of a probe's time is spent
// waiting (for a deadline, a hang's timeout, a drain), so a few share two cores well;
// probes that time things run alone.
const parallel = 3

// Run runs every probe on every executor in opts.Pools in child processes, up to parallel
// at a time, but a probe that times things (deadline) alone, so that company cannot make
// it late. It reports progress. When ctx ends or a child cannot be run, it returns the
// verdicts so far with the error.
func Run(ctx context.Context, opts study.Options) (*results.Shutdown, error) {
	po := ProbeOptions{Exe: opts.Exe, Quick: opts.Quick, Soak: opts.Soak}
	s := &results.Shutdown{DefectRule: defectRule}
	defs := probeDefs()
	for _, d := range defs {
		s.Probes = append(s.Probes, d.describe(po.rounds(d)))
	}
	opts.Step("shutdown", len(opts.Pools)*len(defs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	verdicts := make([]results.Verdict, len(opts.Pools)*len(defs))
	done := make([]bool, len(verdicts))
	var (
		alone sync.RWMutex // held to write by a timing probe, to read by the others
		slots = make(chan struct{}, parallel)
		mu    sync.Mutex // guards done and first
		first error
		wg    sync.WaitGroup
	)
	// The timing probes go first, one after the other, so that the others never have to
	// drain for them.
	order := make([]int, 0, len(verdicts))
	for _, timing := range []bool{true, false} {
		for i := range verdicts {
			if defs[i%len(defs)].timing == timing {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		pool, d := opts.Pools[i/len(defs)], defs[i%len(defs)]
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-slots }()
			if d.timing {
				alone.Lock()
				defer alone.Unlock()
			} else {
				alone.RLock()
				defer alone.RUnlock()
			}
			v, err := RunProbe(ctx, pool, d.id, po)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if first == nil {
					first = err
				}
				cancel()
				return
			}
			verdicts[i], done[i] = v, true
			opts.Add(1)
		})
	}
	wg.Wait()
	for i, v := range verdicts {
		if done[i] {
			s.Verdicts = append(s.Verdicts, v)
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	return s, first
}

// RunProbe runs probe id on pool in a child process and classifies what it saw. A child that
// crashes or hangs gives a verdict, not an error; the error is for a child that could not be
// started and for ctx ending.
func RunProbe(ctx context.Context, pool, id string, opts ProbeOptions) (results.Verdict, error) {
	def, err := lookupProbe(id)
	if err != nil {
		return results.Verdict{}, err
	}
	rounds := opts.rounds(def)
	_, timeout := def.limits(rounds)
	if opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	r, err := child.Run(ctx, opts.Exe, 0, timeout,
		"probe-child", "--pool="+pool, "--probe="+id, "--rounds="+strconv.Itoa(rounds))
	if err != nil {
		return results.Verdict{}, fmt.Errorf("shutdown: probe %s on %s: %w", id, pool, err)
	}
	c := childRun{Result: r}
	c.obs, c.stdout = parseChildStdout(r.Stdout)
	return verdictOf(def, pool, rounds, c), nil
}

// verdictOf is the verdict of probe def on pool from what its child did: the classified
// word, whether it is a defect, and for a probe that turns on Shutdown's deadline who kept
// it.
func verdictOf(def probeDef, pool string, rounds int, c childRun) results.Verdict {
	v := classify(def, rounds, c)
	v.Pool, v.Probe = pool, def.id
	v.Defect = isDefect(def.id, v.Word, v.Detail)
	if in, err := pools.Describe(pool); err == nil && def.deadline {
		v.Deadline = in.Deadline
	}
	return v
}

// childRun is what the parent saw of one probe child.
type childRun struct {
	child.Result
	obs    []Observation
	stdout []string // stdout lines that are not observations: the library's own output
}

// parseChildStdout splits a probe child's stdout into its observations and the other lines,
// which are the library's own output.
func parseChildStdout(b []byte) (obs []Observation, other []string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), child.MaxOutput)
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

// classify turns what a probe child did into a verdict with its evidence. The verdict is
// the worst word any round gave, but for probes that time things, where the more frequent
// of late and ok decides between those two. A word outside the probe's list ranks worst.
// A child that died or was killed gave its word in the round it was running.
func classify(def probeDef, rounds int, c childRun) results.Verdict {
	counts := map[string]int{}
	ran := 0
	for _, o := range c.obs {
		counts[o.Outcome] += o.rounds()
		ran += o.rounds()
	}
	done := fmt.Sprintf("after %d/%d rounds", ran, rounds)
	v := results.Verdict{Rounds: ran, Counts: counts}
	// An outcome outside the probe's words (a hang where the design lists none) ranks
	// worst: say so, never hide it. harness ranks last: any word about the executor wins.
	var order []string
	for out := range counts {
		if !slices.Contains(def.words, out) && out != wordHarness {
			order = append(order, out)
		}
	}
	slices.Sort(order)
	order = append(append(order, def.words...), wordHarness)
	switch {
	case c.TimedOut:
		v.Word = wordHang
		if slices.Contains(def.words, wordDeadlock) {
			v.Word = wordDeadlock
		}
		v.Evidence = fmt.Sprintf("no end within the %v hard timeout %s; killed", c.Timeout, done) + lastWords(c)
		return fatal(v, rounds, order)
	case c.Exit != "":
		v.Word = wordCrash
		if !slices.Contains(def.words, wordCrash) && slices.Contains(def.words, wordPanic) {
			v.Word = wordPanic
		}
		v.Evidence = fmt.Sprintf("the process died (%s) %s", c.Exit, done) + lastWords(c)
		return fatal(v, rounds, order)
	case len(c.obs) == 0:
		v.Word, v.Evidence = wordHarness, "the child exited cleanly without reporting"+lastWords(c)
		return v
	}
	v.Rates = rates(order, counts, v.Rounds)
	if def.id == "panic" && counts[wordSurvives] > 0 {
		return classifyPanic(v, c)
	}
	first := map[string]Observation{}
	worst := map[string]Observation{} // the largest N, or the longest call, per outcome
	for _, o := range c.obs {
		if o.Repeat > 0 {
			continue // rounds alike that had nothing new to tell
		}
		if _, ok := first[o.Outcome]; !ok {
			first[o.Outcome], worst[o.Outcome] = o, o
		}
		if worse(o, worst[o.Outcome]) {
			worst[o.Outcome] = o
		}
	}
	for _, w := range order { // worst first
		if counts[w] > 0 {
			v.Word = w
			break
		}
	}
	if def.timing && v.Word == wordLate && counts[wordOK] > counts[wordLate] {
		v.Word = wordOK
	}
	switch v.Word {
	case wordLost:
		total := 0
		for _, o := range c.obs {
			if o.Outcome == wordLost {
				total += o.rounds() * max(o.N, 1)
			}
		}
		v.Detail = strconv.Itoa(total)
	case wordLeak:
		v.Detail = strconv.Itoa(worst[wordLeak].N)
	case wordLate:
		v.Detail = worst[wordLate].Elapsed.Round(time.Millisecond).String()
	}
	// The verdict's word comes first, then the others, worst first.
	ev := []string{}
	for _, w := range append([]string{v.Word}, order...) {
		if counts[w] == 0 || w == v.Word && len(ev) > 0 {
			continue
		}
		o := first[w]
		if w == v.Word {
			o = worst[w]
		}
		ev = append(ev, fmt.Sprintf("%s %s: %s", w, rateOf(v, w), o.Detail))
	}
	v.Evidence = strings.Join(ev, " | ")
	if def.id == "race" {
		v.Evidence += overlaps(c.obs)
	}
	if ran < rounds {
		v.Evidence += fmt.Sprintf(" (stopped %s)", done)
	}
	return v
}

// rounds is how many rounds o stands for.
func (o Observation) rounds() int { return max(1, o.Repeat) }

// fatal completes the verdict of a child that died or was killed: the round it was
// running counts for the verdict's word, if it was one of the rounds asked for.
func fatal(v results.Verdict, rounds int, order []string) results.Verdict {
	if v.Rounds < rounds {
		v.Rounds++
		v.Counts[v.Word]++
		if !slices.Contains(order, v.Word) {
			order = append([]string{v.Word}, order...)
		}
	}
	v.Rates = rates(order, v.Counts, v.Rounds)
	return v
}

// rates are the frequencies of the words that came up in n rounds, in order, with their
// intervals.
func rates(order []string, counts map[string]int, n int) []results.Rate {
	var rs []results.Rate
	for _, w := range order {
		if k := counts[w]; k > 0 {
			lo, hi := wilson(k, n)
			rs = append(rs, results.Rate{Word: w, Count: k, Rounds: n, Lo: lo, Hi: hi})
		}
	}
	return rs
}

// rateOf is word w's count over v's rounds as the evidence gives it: with its interval when
// there was more than one round.
func rateOf(v results.Verdict, w string) string {
	for _, r := range v.Rates {
		if r.Word == w && r.Rounds > 1 {
			return r.String()
		}
	}
	return fmt.Sprintf("%d/%d", v.Counts[w], v.Rounds)
}

// overlaps sums up how many Submits overlapped Shutdown in the race probe's rounds, so that
// an ok says how much it rests on.
func overlaps(obs []Observation) string {
	total, rounds, none := 0, 0, 0
	for _, o := range obs {
		total += o.Overlap
		rounds += o.rounds()
		if o.Overlap == 0 {
			none += o.rounds()
		}
	}
	s := fmt.Sprintf("; %d Submits overlapped Shutdown over %d rounds", total, rounds)
	if none > 0 {
		return s + fmt.Sprintf("; in %d rounds none did, so those rounds say nothing of the race", none)
	}
	return s + ", some in every round"
}

// classifyPanic says where the panic probe's panic was reported: returned by Submit or
// Shutdown as an error, rethrown by one of them on the caller's goroutine, printed on
// stderr or stdout, or nowhere.
func classifyPanic(v results.Verdict, c childRun) results.Verdict {
	var o Observation // the last round told in full
	returned, rethrown := false, false
	for _, ob := range c.obs {
		if ob.Outcome != wordSurvives {
			continue
		}
		returned, rethrown = returned || ob.Returned, rethrown || ob.Rethrown
		if ob.Repeat == 0 {
			o = ob
		}
	}
	var where []string
	if returned {
		where = append(where, "returned")
	}
	if rethrown {
		where = append(where, "rethrown")
	}
	if strings.Contains(string(c.Stderr), PanicMarker) {
		where = append(where, "stderr")
	}
	if strings.Contains(strings.Join(c.stdout, "\n"), PanicMarker) {
		where = append(where, "stdout")
	}
	if len(where) == 0 {
		where = append(where, "nowhere")
	}
	v.Word, v.Detail, v.Evidence = wordSurvives, strings.Join(where, "+"), o.Detail+firstLine(c)
	return v
}

// lastWords is the evidence a dead or killed child left: its panic line and last round.
func lastWords(c childRun) string {
	s := firstLine(c)
	if n := len(c.obs); n > 0 {
		s += "; last round: " + c.obs[n-1].Outcome
		if d := c.obs[n-1].Detail; d != "" {
			s += ": " + d
		}
	}
	return s
}

// firstLine finds the first line of a panic or fatal error on the child's stderr, or else
// its first line of stderr or stray stdout.
func firstLine(c childRun) string {
	for line := range strings.Lines(string(c.Stderr)) {
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			return "; stderr: " + strings.TrimSpace(line)
		}
	}
	for line := range strings.Lines(string(c.Stderr)) {
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
