package compare

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress reports on w how far a run has got: the study, the step, done/total, elapsed
// and the step's ETA. On a terminal it redraws one line with a bar; elsewhere it writes a
// plain line per update. A nil *Progress reports nothing. It is safe for concurrent use.
type Progress struct {
	mu          sync.Mutex
	w           io.Writer
	live        bool // w is a terminal
	start       time.Time
	study       string // "study 2/4"
	step        string
	done, total int
	stepStart   time.Time
}

// NewProgress returns a Progress that writes to w.
func NewProgress(w io.Writer) *Progress {
	return &Progress{w: w, live: isTerminal(w), start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Study says that study k of n starts.
func (p *Progress) Study(k, n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.study = fmt.Sprintf("study %d/%d", k, n)
}

// Step starts a step of total units of work.
func (p *Progress) Step(name string, total int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live && p.step != "" {
		fmt.Fprintln(p.w) // keep the finished step's last line
	}
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

// Finish ends the live line, if any.
func (p *Progress) Finish() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.live && p.step != "" {
		fmt.Fprintln(p.w)
	}
}

func (p *Progress) print() {
	elapsed := time.Since(p.start).Round(time.Second)
	eta := "?"
	if p.done > 0 && p.total > 0 {
		left := time.Duration(float64(time.Since(p.stepStart)) / float64(p.done) * float64(p.total-p.done))
		eta = left.Round(time.Second).String()
	}
	prefix := p.step
	if p.study != "" {
		prefix = p.study + " " + p.step
	}
	if !p.live {
		fmt.Fprintf(p.w, "%s: %d/%d, elapsed %v, step ETA %s\n", prefix, p.done, p.total, elapsed, eta)
		return
	}
	const width = 24
	filled := 0
	if p.total > 0 {
		filled = min(width, width*p.done/p.total)
	}
	bar := strings.Repeat("#", filled) + strings.Repeat(".", width-filled)
	fmt.Fprintf(p.w, "\r\033[K%s [%s] %d/%d  elapsed %v  ETA %s", prefix, bar, p.done, p.total, elapsed, eta)
}
