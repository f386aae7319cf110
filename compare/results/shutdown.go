package results

import "fmt"

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
	Defect  bool   `json:"defect"`
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
	// Rounds is how many rounds the child reported; Counts how many gave each word.
	Rounds   int            `json:"rounds"`
	Counts   map[string]int `json:"counts,omitempty"`
	Evidence string         `json:"evidence"` // error text, panic message, counts, timings, frequencies
}

// String is the verdict as the report prints it: the word, then any detail after a colon.
func (v Verdict) String() string {
	if v.Detail == "" {
		return v.Word
	}
	return fmt.Sprintf("%s:%s", v.Word, v.Detail)
}
