package shutdown

import (
	"fmt"
	"math"
	"strings"
	"time"

	"poolbench/compare/results"
)

// The verdict words. A probe body reports one of its probe's words per round; the parent
// adds crash (the child died), hang or deadlock (it was killed at the hard timeout) and
// harness (the probe's own setup failed).
const (
	wordOK       = "ok"
	wordLost     = "lost"
	wordHang     = "hang"
	wordNilEarly = "nil-early"
	wordLate     = "late"
	wordPanic    = "panic"
	wordRan      = "ran"
	wordError    = "error"
	wordCrash    = "crash"
	wordSurvives = "survives"
	wordLeak     = "leak"
	wordBlocks   = "blocks"
	wordQueues   = "queues"
	wordRejects  = "rejects"
	wordDeadlock = "deadlock"
	wordDeadline = "deadline"
	wordReturns  = "returns"
	wordNA       = "n/a"
	wordHarness  = "harness"
)

// meanings says what each word means, for the report's legend.
var meanings = map[string]string{
	wordOK:       "as the contract asks",
	wordLost:     "accepted tasks never ran (the detail counts them)",
	wordHang:     "a call did not return, or returned only because its deadline ended a wait for work that could never finish",
	wordNilEarly: "Shutdown returned nil before the work it waits for was done",
	wordLate:     "Shutdown returned its error later than twice its deadline (the detail says when)",
	wordPanic:    "a call panicked",
	wordRan:      "Submit returned nil and the task ran",
	wordError:    "the call returned an error",
	wordCrash:    "the process died",
	wordSurvives: "the process lived on (the detail says where the panic was reported: returned as an error, rethrown by Submit or Shutdown on the caller's goroutine, stderr, stdout, or nowhere)",
	wordLeak:     "goroutines were left running after Shutdown (the detail counts them)",
	wordBlocks:   "Submit waits for a free worker",
	wordQueues:   "Submit returns at once and the task waits in a queue, or gets a goroutine of its own",
	wordRejects:  "Submit returns an error at once",
	wordDeadlock: "a task waiting for another task of the same executor never saw it run",
	wordDeadline: "Shutdown called from a task returned ctx's error at its deadline: it waited for the task that called it",
	wordReturns:  "Shutdown called from a task returned before its deadline",
	wordNA:       "the executor never reaches the state the probe needs",
	wordHarness:  "the probe's own setup failed: it says nothing about the executor",
}

// defectRule states for a reader the rule isDefect applies.
const defectRule = "A verdict counts as a defect when work was lost, the process crashed, a call panicked, " +
	"something hung or deadlocked, a goroutine leaked, a deadline was not kept (`late`, `nil-early`), " +
	"a task submitted after Shutdown ran (`after-shutdown` = `ran`), " +
	"or a panicking task was reported nowhere (`panic` = `survives:nowhere`), in any round: " +
	"a rare defect is a defect, shown with how often it happened. " +
	"A task submitted while Shutdown drains may run or be refused (`submit-during-drain` = `ran` or `error`), " +
	"and a Shutdown called from a task may wait for that task until its deadline (`self-shutdown` = `deadline`): neither is a defect. " +
	"`saturation` describes behaviour and is never a defect; `harness` is a failure of the probe, not of the executor."

// isDefect applies defectRule to one verdict. It is the only place that decides.
func isDefect(probe, word, detail string) bool {
	switch word {
	case wordLost, wordCrash, wordPanic, wordHang, wordDeadlock, wordLeak, wordLate, wordNilEarly:
		return true
	case wordRan:
		return probe == "after-shutdown" // the executor took work after it was shut down
	case wordSurvives:
		return detail == "nowhere" // a panic nobody can see
	}
	return false
}

// probeDef is one probe: its body, the verdict words it can give, how many rounds it runs and
// how long it may take. Both sides use it: the child to run it, the parent to classify and
// bound it.
type probeDef struct {
	id     string
	what   string // what happens, for a reader
	body   probeBody
	words  []string // the verdict words, worst first
	rounds int      // rounds in a full study; at least 1
	quick  int      // rounds with --quick
	// timing: the outcome is a timing that a shared machine can disturb, so the most
	// frequent of late and ok decides between those two. Any worse word in any round is
	// the verdict all the same.
	timing bool
	// deadline: the outcome turns on who keeps Shutdown's deadline, so the verdict records
	// it (pools.Info.Deadline): a deadline the adapter keeps is not the library's.
	deadline bool
	budget   time.Duration // the child starts no new round after this
	timeout  time.Duration // the parent kills the child after this
}

// limits are the time budget and hard timeout of a child asked for rounds rounds: a child
// asked for k times the probe's rounds (a soak) gets k times its budget, and the parent
// waits that much longer.
func (d probeDef) limits(rounds int) (budget, timeout time.Duration) {
	k := max(1, (rounds+d.rounds-1)/d.rounds)
	return d.budget * time.Duration(k), d.timeout + d.budget*time.Duration(k-1)
}

// probeDefs lists the probes in the design's order.
func probeDefs() []probeDef {
	return []probeDef{
		{id: "drain", what: "2 workers, 200 queued 1 ms tasks, Shutdown with 10 s", body: probeDrain, words: []string{wordLost, wordOK}, rounds: 1, quick: 1,
			budget: 15 * time.Second, timeout: 20 * time.Second},
		{id: "deadline", what: "2 workers stuck and 3 tasks submitted behind them (queued, or Submits waiting), Shutdown with 100 ms; " +
			"then the stuck tasks are released and every accepted task must still run (a waiting Submit that fails or panics is reported, and is `blocked-submit`'s verdict)",
			body: probeDeadline, words: []string{wordHang, wordPanic, wordLost, wordNilEarly, wordLate, wordOK}, rounds: 5, quick: 3,
			timing: true, deadline: true, budget: 8 * time.Second, timeout: 20 * time.Second},
		{id: "after-shutdown", what: "Submit after Shutdown returned", body: probeAfterShutdown, words: []string{wordHang, wordPanic, wordLost, wordRan, wordError},
			rounds: 1000, quick: 100, budget: 10 * time.Second, timeout: 20 * time.Second},
		{id: "twice", what: "a second Shutdown", body: probeTwice, words: []string{wordHang, wordPanic, wordError, wordOK}, rounds: 10, quick: 3,
			budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "panic", what: "a task panics, 10 more follow", body: probePanic, words: []string{wordCrash, wordSurvives}, rounds: 1, quick: 1,
			budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "race", what: "8 submitters (2 workers, queue 16) kept running across the start of Shutdown and until it returns; the evidence counts the Submits that overlapped Shutdown",
			body: probeRace, words: []string{wordHang, wordPanic, wordLost, wordOK}, rounds: 100, quick: 20,
			budget: 10 * time.Second, timeout: 25 * time.Second},
		{id: "leak", what: "goroutines up to 1 s after Shutdown vs before New: after a clean Shutdown, and after one that missed its 100 ms deadline on 2 stuck tasks released once it returned",
			body: probeLeak, words: []string{wordLeak, wordOK}, rounds: 1, quick: 1,
			budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "saturation", what: "all workers busy, Submit", body: probeSaturation, words: []string{wordPanic, wordBlocks, wordQueues, wordRejects}, rounds: 1, quick: 1,
			budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "nested", what: "1 worker, a task submits another and waits for it", body: probeNested, words: []string{wordDeadlock, wordOK}, rounds: 1, quick: 1,
			budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "blocked-submit", what: "a Submit blocked when Shutdown starts", body: probeBlockedSubmit, words: []string{wordHang, wordPanic, wordLost, wordRan, wordError, wordNA},
			rounds: 1, quick: 1, budget: 5 * time.Second, timeout: 15 * time.Second},
		{id: "goexit", what: "1 worker; a task calls runtime.Goexit; 10 more tasks follow from one goroutine; Shutdown with 2 s",
			body: probeGoexit, words: []string{wordHang, wordCrash, wordPanic, wordLost, wordOK}, rounds: 2, quick: 1,
			budget: 8 * time.Second, timeout: 20 * time.Second},
		{id: "self-shutdown", what: "2 workers; a task calls its own executor's Shutdown with 500 ms; then Shutdown with 2 s from outside (the evidence says whether it completed)",
			body: probeSelfShutdown, words: []string{wordPanic, wordHang, wordDeadline, wordReturns}, rounds: 2, quick: 1,
			deadline: true, budget: 8 * time.Second, timeout: 20 * time.Second},
		{id: "submit-during-drain", what: "1 worker stuck and 3 tasks submitted behind it; Shutdown starts, then the worker is freed; " +
			"the first of the 3 to run submits another, from a goroutine of its own so that a Submit that waits for a free worker does not wait for itself",
			body: probeSubmitDuringDrain, words: []string{wordHang, wordPanic, wordLost, wordRan, wordError, wordNA}, rounds: 8, quick: 2,
			budget: 10 * time.Second, timeout: 25 * time.Second},
	}
}

// wilson is the 95% Wilson score interval of k events in n rounds, as fractions: the
// interval every frequency of the study carries (results.Rate).
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054 // the normal quantile for 95%
	p, fn := float64(k)/float64(n), float64(n)
	d := 1 + z*z/fn
	c := (p + z*z/(2*fn)) / d
	h := z * math.Sqrt(p*(1-p)/fn+z*z/(4*fn*fn)) / d
	return max(0, c-h), min(1, c+h)
}

// Probes returns the id of every shutdown probe, in report order.
func Probes() []string {
	var ids []string
	for _, d := range probeDefs() {
		ids = append(ids, d.id)
	}
	return ids
}

// describe is the probe as results.json records it, with the rounds the run asked of it.
func (d probeDef) describe(rounds int) results.Probe {
	p := results.Probe{ID: d.id, What: d.what, Rounds: rounds}
	for _, w := range d.words {
		p.Words = append(p.Words, results.Word{Word: w, Meaning: meanings[w]})
	}
	return p
}

func lookupProbe(id string) (probeDef, error) {
	for _, d := range probeDefs() {
		if d.id == id {
			return d, nil
		}
	}
	return probeDef{}, fmt.Errorf("shutdown: unknown probe %q (known: %s)", id, strings.Join(Probes(), ", "))
}
