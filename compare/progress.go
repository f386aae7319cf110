package compare

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress reports on w how far a run has got: the step, done/total, elapsed and an ETA.
// A nil *Progress reports nothing. It is safe for concurrent use.
type Progress struct {
	mu          sync.Mutex
	w           io.Writer
	start       time.Time
	step        string
	done, total int
	stepStart   time.Time
}

// NewProgress returns a Progress that writes plain lines to w.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, start: time.Now()}
}

// Step starts a step of total units of work.
func (p *Progress) Step(name string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.done, p.total, p.stepStart = name, 0, total, time.Now()
	p.print()
}

// Add records n more units of the current step as done.
func (p *Progress) Add(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.print()
}

func (p *Progress) print() {
	elapsed := time.Since(p.start).Round(time.Second)
	eta := "?"
	if p.done > 0 && p.total > 0 {
		left := time.Duration(float64(time.Since(p.stepStart)) / float64(p.done) * float64(p.total-p.done))
		eta = left.Round(time.Second).String()
	}
	fmt.Fprintf(p.w, "%s: %d/%d, elapsed %v, step ETA %s\n", p.step, p.done, p.total, elapsed, eta)
}
