package shutdown

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"poolbench/pools"
)

// misbehaving is a test-only executor whose every failing is chosen by its name, so that the
// probes' classification can be shown to reach every verdict word through a real child
// process. The name is "bad" then comma-separated knobs, e.g. "bad,after=panic,twice=hang":
//
//	after=error|panic|ran|lost|hang    Submit after Shutdown started
//	blocked=error|ran|lost|hang        a Submit blocked when Shutdown starts
//	twice=ok|error|panic|hang          a second Shutdown
//	deadline=ok|late|nil|hang|panic|drop|leak   how Shutdown honours ctx (nil: returns nil at
//	                                   once; drop: at the deadline workers drop what is queued;
//	                                   leak: at the deadline a goroutine is left for ever)
//	panic=crash|stderr|stdout|returned|silent   a panicking task
//	drop                               every 7th accepted task never runs
//	leak                               every worker leaves a goroutine behind
//	reject[=panic]                     Submit fails (or panics) when no worker takes the task within 20ms
//	unbounded                          every task runs on its own goroutine
//	stall                              Submit never returns
//	crashon=N                          the Nth executor built crashes the process in Shutdown
//	queue=N                            the waiting line holds N tasks whatever Config.Queue says
//	goexit=lost|hang|crash             a worker ended by runtime.Goexit is not replaced (lost),
//	                                   nor uncounted (hang), or the process dies (crash); unset,
//	                                   it is replaced
//
// Unset knobs behave well. Workers read an unbuffered channel when Config.Queue is 0.
type misbehaving struct {
	knobs    map[string]string
	tasks    chan func()
	quit     chan struct{} // closed when Shutdown starts
	done     chan struct{} // closed when every worker has returned
	never    chan struct{} // never closed: what leaked goroutines wait on
	stop     sync.Once
	mu       sync.RWMutex // Submit holds it to read while it may send; workers take it once quit is closed
	crash    bool
	n        atomic.Int64
	panicMu  sync.Mutex
	panics   []string // for panic=returned
	running  sync.WaitGroup
	dropping atomic.Bool // for deadline=drop: set at the deadline
}

var errMisbehavingClosed = errors.New("misbehaving: shut down")

// newMisbehaving builds the nth misbehaving executor (from 1) named name.
func newMisbehaving(name string, cfg pools.Config, nth int) (*misbehaving, error) {
	b := &misbehaving{knobs: map[string]string{}, quit: make(chan struct{}), done: make(chan struct{}), never: make(chan struct{})}
	for i, knob := range strings.Split(name, ",") {
		if i == 0 {
			if knob != "bad" {
				return nil, fmt.Errorf("misbehaving: name %q does not start with bad", name)
			}
			continue
		}
		k, v, _ := strings.Cut(knob, "=")
		b.knobs[k] = v
	}
	if v, ok := b.knobs["crashon"]; ok {
		b.crash = v == fmt.Sprint(nth)
	}
	if v, ok := b.knobs["queue"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("misbehaving: queue=%q: %w", v, err)
		}
		cfg.Queue = n
	}
	b.tasks = make(chan func(), cfg.Queue)
	for range cfg.Workers {
		b.running.Go(b.work)
		if _, ok := b.knobs["leak"]; ok {
			go func() { <-b.never }()
		}
	}
	go func() { b.running.Wait(); close(b.done) }()
	return b, nil
}

func (b *misbehaving) has(k string) bool { _, ok := b.knobs[k]; return ok }

func (b *misbehaving) work() {
	returned := false
	defer func() {
		if returned {
			return
		}
		// A task ended the worker with runtime.Goexit (or a panic, which ends the process).
		switch b.knobs["goexit"] {
		case "":
			b.running.Go(b.work)
		case "hang":
			b.running.Add(1) // the dead worker stays counted, so done never closes
		case "crash":
			go panic("misbehaving: a worker ended by runtime.Goexit")
		}
	}()
	b.loop()
	returned = true
}

func (b *misbehaving) loop() {
	for {
		select {
		case t := <-b.tasks:
			b.run(t)
		case <-b.quit:
			// Once the lock is ours no Submit can send any more, so what is queued is all.
			b.mu.Lock()
			b.mu.Unlock() //nolint:staticcheck // an empty critical section: a barrier
			for {
				select {
				case t := <-b.tasks:
					b.run(t)
				default:
					return
				}
			}
		}
	}
}

func (b *misbehaving) run(task func()) {
	if b.dropping.Load() {
		return
	}
	mode := b.knobs["panic"]
	if mode == "" || mode == "crash" {
		task()
		return
	}
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		switch mode {
		case "stderr":
			fmt.Fprintln(os.Stderr, "misbehaving: task panicked:", v)
		case "stdout":
			fmt.Println("misbehaving: task panicked:", v)
		case "returned":
			b.panicMu.Lock()
			b.panics = append(b.panics, fmt.Sprint(v))
			b.panicMu.Unlock()
		}
	}()
	task()
}

func (b *misbehaving) closed() bool {
	select {
	case <-b.quit:
		return true
	default:
		return false
	}
}

func (b *misbehaving) Submit(task func()) error {
	if b.has("stall") {
		<-b.never
	}
	sent, mode, err := b.send(task)
	if sent || err != nil {
		return err
	}
	return b.refuse(mode, task)
}

// send hands task to a worker. When Shutdown has started it sends nothing and returns the
// knob that says how to refuse.
func (b *misbehaving) send(task func()) (sent bool, refuse string, err error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed() {
		return false, b.knobs["after"], nil
	}
	if b.has("drop") && b.n.Add(1)%7 == 0 {
		return true, "", nil
	}
	if b.has("unbounded") {
		go b.run(task)
		return true, "", nil
	}
	if b.has("reject") {
		select {
		case b.tasks <- task:
			return true, "", nil
		case <-time.After(20 * time.Millisecond): // time for an idle worker to take it
			if b.knobs["reject"] == "panic" {
				panic("misbehaving: busy")
			}
			return false, "", errors.New("misbehaving: busy")
		}
	}
	select {
	case b.tasks <- task:
		return true, "", nil
	case <-b.quit:
		return false, b.knobs["blocked"], nil
	}
}

// refuse is Submit's answer, by mode, once Shutdown has started.
func (b *misbehaving) refuse(mode string, task func()) error {
	switch mode {
	case "panic":
		panic("misbehaving: submit after shutdown")
	case "ran":
		go b.run(task)
		return nil
	case "lost":
		return nil
	case "hang":
		<-b.never
	}
	return errMisbehavingClosed
}

func (b *misbehaving) Shutdown(ctx context.Context) error {
	first := false
	b.stop.Do(func() { first = true; close(b.quit) })
	if b.crash {
		go panic("misbehaving: crash in shutdown")
	}
	if !first {
		switch b.knobs["twice"] {
		case "error":
			return errMisbehavingClosed
		case "panic":
			panic("misbehaving: second shutdown")
		case "hang":
			<-b.never
		}
	}
	switch b.knobs["deadline"] {
	case "nil":
		return nil
	case "panic":
		panic("misbehaving: shutdown panicked")
	case "hang":
		<-b.done
	default:
		select {
		case <-b.done:
		case <-ctx.Done():
			switch b.knobs["deadline"] {
			case "late":
				time.Sleep(250 * time.Millisecond)
			case "drop":
				b.dropping.Store(true)
			case "leak":
				go func() { <-b.never }()
			}
			return ctx.Err()
		}
	}
	b.panicMu.Lock()
	defer b.panicMu.Unlock()
	if len(b.panics) > 0 {
		return fmt.Errorf("misbehaving: %d tasks panicked: %s", len(b.panics), b.panics[0])
	}
	return nil
}
