package server

import "sync"

// A tracker counts work in progress, such as accept loops or connections being served, and
// once closed reports when none is left.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	empty  chan struct{} // closed once closed is set and n is 0
}

func newTracker() *tracker { return &tracker{empty: make(chan struct{})} }

// add counts one more piece of work. After idle's channel is closed it must not be called.
func (t *tracker) add() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n++
}

// done counts one piece of work finished.
func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	t.check()
}

// close says no more work will be added: idle's channel closes when the count reaches 0.
func (t *tracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		t.check()
	}
}

// idle returns a channel that is closed once the tracker is closed and its count is 0.
func (t *tracker) idle() <-chan struct{} { return t.empty }

// count returns the work in progress.
func (t *tracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// check closes empty when it is due; t.mu is held.
func (t *tracker) check() {
	if t.closed && t.n == 0 {
		select {
		case <-t.empty:
		default:
			close(t.empty)
		}
	}
}
