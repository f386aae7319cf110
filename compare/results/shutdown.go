package results

import (
	"fmt"
	"math"
	"strconv"
)

// Shutdown is the shutdown-robustness study: every probe's verdict on every executor.
type Shutdown struct {
	Probes []Probe `json:"probes"` // in report order
	// DefectRule says, for a reader, which verdicts count as defects: the rule that set
	// each Verdict's Defect.
	DefectRule string    `json:"defect_rule"`
	Verdicts   []Verdict `json:"verdicts"` // pool by pool, each in probe order
}

// A Probe is one shutdown probe as the run defined it.
type Probe struct {
	ID     string `json:"id"`
	What   string `json:"what"`   // what happens, for a reader
	Words  []Word `json:"words"`  // the verdicts it can give, worst first
	Rounds int    `json:"rounds"` // rounds the run asked of it
}

// A Word is one verdict word a probe can give, with what it means.
type Word struct {
	Word    string `json:"word"`
	Meaning string `json:"meaning"`
}

// A Verdict is what one probe found on one executor: a word from the probe's list, a
// detail that qualifies it, and whether it is a defect, decided once by the study.
type Verdict struct {
	Pool  string `json:"pool"`
	Probe string `json:"probe"`
	// Word is one of the probe's words. Two stand for what no probe body can report
	// itself: "crash" (the child died) and "hang" (it was killed at the hard timeout).
	// "harness" means the probe's own setup failed: it says nothing of the executor.
	Word string `json:"word"`
	// Detail qualifies the word: a count ("3" for lost), a duration ("340ms" for late), or
	// where a panic was reported ("stderr"); empty when there is nothing to add.
	Detail string `json:"detail,omitempty"`
	Defect bool   `json:"defect"`
	// Rounds is how many rounds the child ran: those it reported, and the one it died or
	// was killed in, if any; Counts how many gave each word.
	Rounds int            `json:"rounds"`
	Counts map[string]int `json:"counts,omitempty"`
	// Rates are Counts as frequencies with their 95% interval, worst word first.
	Rates []Rate `json:"rates,omitempty"`
	// Deadline, on probes whose outcome turns on Shutdown's deadline, is who kept it:
	// "library", or "adapter" when the adapter bounds a library wait that has none, in
	// which case the verdict is the adapter's as much as the library's.
	Deadline string `json:"deadline,omitempty"`
	Evidence string `json:"evidence"` // error text, panic message, counts, timings, frequencies
}

// A Rate is how often one word came up over a verdict's rounds, with the 95% Wilson score
// interval of that frequency.
type Rate struct {
	Word   string  `json:"word"`
	Count  int     `json:"count"`
	Rounds int     `json:"rounds"`
	Lo     float64 `json:"lo"` // bounds of the interval, as fractions
	Hi     float64 `json:"hi"`
}

// String is the rate as the report prints it: "1/3800 (0.026%, 95% CI 0.0046–0.15%)".
func (r Rate) String() string {
	if r.Rounds == 0 {
		return "0/0"
	}
	return fmt.Sprintf("%d/%d (%s%%, 95%% CI %s–%s%%)", r.Count, r.Rounds,
		percent(float64(r.Count)/float64(r.Rounds)), percent(r.Lo), percent(r.Hi))
}

// percent formats a fraction as a percentage with two significant digits, enough to tell
// a rare event's rate from zero.
func percent(f float64) string {
	p := 100 * f
	switch {
	case p == 0 || p >= 10:
		return strconv.FormatFloat(p, 'f', 0, 64)
	case p >= 1:
		return strconv.FormatFloat(p, 'f', 1, 64)
	}
	return strconv.FormatFloat(p, 'f', 1-int(math.Floor(math.Log10(p))), 64)
}

// String is the verdict as the report prints it: the word, then any detail after a colon.
func (v Verdict) String() string {
	if v.Detail == "" {
		return v.Word
	}
	return fmt.Sprintf("%s:%s", v.Word, v.Detail)
}
