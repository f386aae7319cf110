package pools

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// Book is the thread pool that ends the Rust book's web-server chapter (chapter 21, in its
// final version with graceful shutdown), ported to Go as written: no improvements. Custom is
// the same design improved; the two side by side show what each improvement costs or buys.
// NewBook, Execute and Drop are the book's ThreadPool::new, execute and Drop; Submit and
// Shutdown are the Executor's.
//
// NewBook starts size numbered workers that all take jobs from one shared, unbounded queue
// (the book's mpsc::channel, its receiver behind a mutex), so Submit never blocks (Queue is
// ignored). Drop drops the sender, which closes the queue, and joins each worker in order;
// the workers run everything queued first. Drop has no timeout: Shutdown adds only a deadline
// around it. A panicking task is not recovered: it kills its worker as a panicking thread
// would, and in Go that crashes the process. Submit after Shutdown panics, as the book's
// execute would on its taken sender. A second Shutdown finds nothing to drop and returns at
// once. A task that calls runtime.Goexit ends its worker; once every worker has ended,
// Submit panics as send(job).unwrap() would, and Drop panics when it joins a worker that did
// not return, as join().unwrap() would: in Shutdown, on the goroutine it waits on, which
// crashes the process.
type Book struct {
	workers []*bookWorker
	// sender is the book's Option<Sender<Job>>: nil once Drop has taken it. Rust's
	// ownership keeps execute and drop apart; in Go they can meet, so it is atomic.
	sender atomic.Pointer[bookChannel]
	out    *bookPrinter
}

var _ Executor = (*Book)(nil)

// NewBook is the book's ThreadPool::new: it starts size workers, numbered from 0. Like the
// book's assert!(size > 0), it panics if size is 0 or less. The workers and Shutdown print
// the book's messages ("Worker 0 got a job; executing.") to out, or nothing when out is nil.
func NewBook(size int, out io.Writer) *Book {
	if size <= 0 {
		panic("assertion failed: size > 0")
	}
	ch := &bookChannel{receivers: size}
	ch.ready.L = &ch.mu
	receiver := &bookReceiver{ch: ch} // the book's Arc<Mutex<Receiver>>
	b := &Book{out: &bookPrinter{w: out}}
	b.sender.Store(ch)
	for id := range size {
		b.workers = append(b.workers, newBookWorker(id, receiver, b.out))
	}
	return b
}

// Execute is the book's execute: self.sender.as_ref().unwrap().send(job).unwrap(). It never
// blocks. It panics after Drop, when the sender is gone, and once every worker has ended, as
// send fails when the receiver is dropped.
func (b *Book) Execute(job func()) {
	sender := b.sender.Load()
	if sender == nil {
		panic("called `Option::unwrap()` on a `None` value")
	}
	if !sender.send(job) {
		panic("called `Result::unwrap()` on an `Err` value: SendError { .. }")
	}
}

// Submit calls Execute and returns nil: the book's execute returns nothing.
func (b *Book) Submit(task func()) error {
	b.Execute(task)
	return nil
}

// Drop is the book's Drop: drop(self.sender.take()), which closes the queue, then for each
// worker in order, print "Shutting down worker {id}" and join it, which waits for the worker
// to run what is queued and return. It has no deadline. It panics, as join().unwrap() does,
// on a worker that ended other than by returning (in Go, by runtime.Goexit). Only the call
// that takes the sender has workers to join, as self.workers.drain(..) leaves none for a
// second call, which returns at once.
func (b *Book) Drop() {
	sender := b.sender.Swap(nil)
	if sender == nil {
		return
	}
	sender.drop()
	for _, w := range b.workers {
		b.out.println("Shutting down worker %d", w.id)
		w.join()
	}
}

// Shutdown runs Drop and waits for it or ctx: the deadline is the adapter's.
func (b *Book) Shutdown(ctx context.Context) error { return waitFor(ctx, b.Drop) }

// bookWorker is the book's Worker { id, thread }: thread is closed when its goroutine ends.
type bookWorker struct {
	id       int
	thread   chan struct{}
	returned bool // set before thread is closed when the loop ended normally
}

// newBookWorker is the book's Worker::new: a goroutine that takes a job from the shared
// receiver, holding its lock only while it waits, and runs it, until the sender is dropped.
func newBookWorker(id int, receiver *bookReceiver, out *bookPrinter) *bookWorker {
	w := &bookWorker{id: id, thread: make(chan struct{})}
	go func() {
		defer close(w.thread)
		defer receiver.release() // the thread's Arc clone is dropped however the thread ends
		for {
			receiver.mu.Lock()
			job, ok := receiver.ch.recv()
			receiver.mu.Unlock()
			if !ok {
				out.println("Worker %d disconnected; shutting down.", id)
				break
			}
			out.println("Worker %d got a job; executing.", id)
			job()
		}
		w.returned = true
	}()
	return w
}

// join is the book's worker.thread.join().unwrap(): it waits for the goroutine to end, and
// panics if it ended other than by returning (in Go, by runtime.Goexit).
func (w *bookWorker) join() {
	<-w.thread
	if !w.returned {
		panic("called `Result::unwrap()` on an `Err` value: Any { .. }")
	}
}

// bookChannel is the book's mpsc::channel(): unbounded, so send never waits. recv waits for a
// job, and once the sender is dropped returns what is left and then false. send fails once
// every receiver is dropped, that is, once every worker has ended.
type bookChannel struct {
	mu        sync.Mutex
	ready     sync.Cond // signalled on send and on drop
	jobs      []func()
	dropped   bool // the sender is gone
	receivers int  // workers still holding the receiver
}

func (c *bookChannel) send(job func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.receivers == 0 {
		return false
	}
	c.jobs = append(c.jobs, job)
	c.ready.Signal() // only the worker holding the receiver's lock waits here
	return true
}

func (c *bookChannel) recv() (func(), bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.jobs) == 0 {
		if c.dropped {
			return nil, false
		}
		c.ready.Wait()
	}
	job := c.jobs[0]
	c.jobs[0] = nil
	c.jobs = c.jobs[1:]
	return job, true
}

func (c *bookChannel) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropped = true
	c.ready.Broadcast()
}

// bookReceiver is the book's Arc<Mutex<mpsc::Receiver<Job>>>: a worker holds mu while it
// waits in recv, so the others wait for mu.
type bookReceiver struct {
	mu sync.Mutex
	ch *bookChannel
}

// release drops one worker's Arc clone; the last one drops the receiver.
func (r *bookReceiver) release() {
	r.ch.mu.Lock()
	defer r.ch.mu.Unlock()
	r.ch.receivers--
	if r.ch.receivers == 0 {
		r.ch.jobs = nil // a dropped receiver drops what was queued
	}
}

// bookPrinter is the book's println!: one line at a time, as println! locks stdout, and a
// panic if the write fails, as println! panics.
type bookPrinter struct {
	mu sync.Mutex
	w  io.Writer // nil: print nothing, so that benchmarks stay quiet
}

func (p *bookPrinter) println(format string, args ...any) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, err := fmt.Fprintf(p.w, format+"\n", args...); err != nil {
		panic(fmt.Sprintf("failed printing to stdout: %v", err))
	}
}
