// Package examples holds the same five jobs written with each pool poolbench compares: the
// hand-written pool (custom), ants, pond, pond/v2, workerpool, errgroup, conc, tunny,
// gopool, an x/sync semaphore, and the Rust book's pool as written (book).
//
// Each job is an Example function in the file named for its library (ants_test.go holds
// Example_ants_batch, Example_ants_bounded, ...), written with the library's own API the way
// its documentation recommends, not through pools.Executor. The jobs are:
//
//   - batch: submit a batch of tasks and wait for all of it;
//   - bounded: shed load, refusing at once what does not fit (in a bounded queue where the
//     library has one, else in a free worker);
//   - shutdown: graceful shutdown with a deadline;
//   - results: collect results, or the first error;
//   - panic: survive a panicking task and learn of it.
//
// Where a library cannot do a job natively, its example is the shortest honest workaround and
// its doc comment has a line starting "Workaround:" that says what is missing.
//
// go test runs every example and checks its output, under -race and with a leak check. The
// ergonomics study in package compare reads the same files, through Sources, and measures each
// example's size, so the figures in the report are those of code that compiles and runs.
//
// The names are Example_<library>_<job>, a package-level example with a lowercase suffix,
// because go vet requires ExampleX to name an identifier X that exists.
package examples
