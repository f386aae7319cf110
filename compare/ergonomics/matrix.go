package ergonomics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"poolbench/compare/results"
	"poolbench/pools"
)

// Features returns the matrix's columns, in report order, each with the definition every
// library's cell is decided by.
func Features() []results.Feature {
	return []results.Feature{
		{ID: "bounded-queue", Name: "bounded queue", Definition: "Accepted tasks wait for a worker in a line the library " +
			"keeps, whose capacity you set: Submit returns once the task is in line, and a full line blocks or refuses the next " +
			"Submit. Callers blocked in Submit are no queue: each holds its own task, so a lone submitter (an accept loop) never " +
			"has more than one task waiting. That is why ants' WithMaxBlockingTasks, which caps those callers, is a column of its " +
			"own and not this one. An unbounded queue is no bounded queue."},
		{ID: "nonblocking-submit", Name: "non-blocking submit", Definition: "A submit that returns at once with an error or " +
			"false when the executor is full (every worker busy, and the bounded queue, if any, full), without taking the task. " +
			"A submit that never blocks because its queue is unbounded does not count: it refuses nothing, so it sheds no load."},
		{ID: "submit-wait-cap", Name: "cap on waiting submitters", Definition: "Submit waits while the executor is full, but " +
			"the library lets at most a number you set of callers wait at once and refuses the next at once with an error. This " +
			"sheds load only where many goroutines submit (a handler per connection): a lone submitter waits and is never refused."},
		{ID: "results", Name: "results or futures", Definition: "A task's return value comes back through the library: a " +
			"future, a result pool or group, or a call that returns it. Results the task writes into variables it captured do not count."},
		{ID: "first-error", Name: "first error", Definition: "Waiting for a batch returns the first error one of its tasks " +
			"returned, so the caller keeps no error of its own. A wait that joins every error counts where an option makes it keep the first."},
		{ID: "groups", Name: "task groups", Definition: "A batch submitted through a group runs on the pool's shared workers " +
			"and limit and can be waited for by itself, while the pool goes on running other work. A group that is itself the " +
			"pool, with a limit of its own, is not a task group."},
		{ID: "context", Name: "context cancellation", Definition: "A context.Context you pass cancels work: when it is done, a " +
			"waiting submit gives up, tasks not yet started are dropped, or running tasks see it through a context the library " +
			"derives and cancels. A context that only bounds the wait in shutdown is the deadline column, not this."},
		{ID: "resize", Name: "resize", Definition: "The worker limit can be changed while the pool runs and has tasks."},
		{ID: "metrics", Name: "metrics", Definition: "The library tells, while it runs, how many tasks run or wait, or how " +
			"many workers run. A configured limit read back is not a metric."},
		{ID: "panic-handler", Name: "panic handler", Definition: "The library recovers a task's panic, goes on running tasks, " +
			"and hands the panic's value to a function you register. A panic returned as the task's error, or raised again " +
			"from a wait, is no handler: the panic job shows those ways."},
		{ID: "shutdown-deadline", Name: "deadline on shutdown", Definition: "The library's shutdown stops intake and waits " +
			"for the accepted tasks until a deadline you give it (a duration or a context), or returns a channel a select can " +
			"bound, so that no goroutine of the caller's has to wait for it."},
		{ID: "submit-after-shutdown", Name: "error on submit after shutdown", Definition: "Once shutdown has begun, the " +
			"library's submit returns an error: it neither panics, nor runs or queues the task, nor blocks. A false that also " +
			"means full does not count."},
	}
}

// matrix is the feature matrix, each cell decided by its feature's definition from the
// library's documentation and source. A note gives the caveat of a yes, and for a no what the
// library offers instead; file:line references are to the module at its pinned version.
func matrix() []results.Cell {
	var cells []results.Cell
	lib := func(name string, row ...results.Cell) {
		for _, c := range row {
			c.Library = name
			cells = append(cells, c)
		}
	}
	yes := func(feature, note string, proof ...string) results.Cell {
		return results.Cell{Feature: feature, Has: true, Proof: proof, Note: note}
	}
	no := func(feature, note string) results.Cell { return results.Cell{Feature: feature, Note: note} }

	lib("custom",
		yes("bounded-queue", "Submit blocks while the queue is full", "pools.Config.Queue"),
		yes("nonblocking-submit", "with Config.Reject, Submit returns ErrFull at once", "pools.Config.Reject", "pools.ErrFull", "Example_custom_bounded"),
		no("submit-wait-cap", "callers blocked in Submit are not capped"),
		yes("results", "Map returns the results in input order", "pools.Map", "Example_custom_results"),
		yes("first-error", "", "pools.Group.Wait", "pools.Map"),
		yes("groups", "a Group runs on the pool's workers and is waited for by itself", "pools.Custom.Group", "pools.Group.Go"),
		yes("context", "SubmitContext gives up waiting for room when ctx is done; tasks get no context", "pools.Custom.SubmitContext"),
		no("resize", ""),
		yes("metrics", "running, queued, completed, rejected, panicked", "pools.Custom.Stats", "pools.Stats"),
		yes("panic-handler", "recovered; the worker lives on", "pools.WithPanicHandler", "Example_custom_panic"),
		yes("shutdown-deadline", "", "pools.Custom.Shutdown", "Example_custom_shutdown"),
		yes("submit-after-shutdown", "", "pools.ErrClosed"),
	)
	lib("ants",
		no("bounded-queue", "no queue: a task is handed to a worker or its submitter waits in Submit; "+
			"WithMaxBlockingTasks caps those submitters (see cap on waiting submitters)"),
		yes("nonblocking-submit", "refuses as soon as every worker is busy: there is no queue to fill first",
			"ants.WithNonblocking", "ants.ErrPoolOverload", "Example_ants_bounded"),
		yes("submit-wait-cap", "Submit returns ErrPoolOverload once Waiting() reaches MaxBlockingTasks (ants.go:532); "+
			"ignored under WithNonblocking (options.go:54)",
			"ants.WithMaxBlockingTasks", "ants.Options.MaxBlockingTasks", "ants.ErrPoolOverload"),
		no("results", ""),
		no("first-error", ""),
		no("groups", ""),
		no("context", "ReleaseContext bounds shutdown; tasks get no context"),
		yes("resize", "", "ants.Pool.Tune"),
		yes("metrics", "", "ants.Pool.Running", "ants.Pool.Free", "ants.Pool.Waiting"),
		yes("panic-handler", "the worker exits; the pool starts another", "ants.WithPanicHandler", "Example_ants_panic"),
		yes("shutdown-deadline", "", "ants.Pool.ReleaseTimeout", "ants.Pool.ReleaseContext", "Example_ants_shutdown"),
		yes("submit-after-shutdown", "", "ants.ErrPoolClosed"),
	)
	lib("pond",
		yes("bounded-queue", "maxCapacity: a buffered channel; Submit blocks while it is full", "pond.New", "Example_pond_bounded"),
		yes("nonblocking-submit", "", "pond.WorkerPool.TrySubmit", "Example_pond_bounded"),
		no("submit-wait-cap", "callers blocked in Submit are not capped"),
		no("results", "results go through variables the tasks capture"),
		yes("first-error", "Wait returns at the first error while the group's other tasks may still run, "+
			"and leaves a goroutine blocked on an unbuffered send (group.go:72-76)",
			"pond.WorkerPool.GroupContext", "pond.TaskGroupWithContext.Wait", "Example_pond_results"),
		yes("groups", "", "pond.WorkerPool.Group", "pond.TaskGroup.Wait"),
		yes("context", "", "pond.Context", "pond.WorkerPool.GroupContext"),
		no("resize", "workers scale between MinWorkers and maxWorkers, which are fixed"),
		yes("metrics", "", "pond.WorkerPool.RunningWorkers", "pond.WorkerPool.WaitingTasks", "pond.WorkerPool.FailedTasks"),
		yes("panic-handler", "the default handler prints the panic and its stack", "pond.PanicHandler", "Example_pond_panic"),
		yes("shutdown-deadline", "returns nothing, so the caller cannot tell whether the deadline passed; at the deadline "+
			"the workers drop the queued tasks (worker.go:21-35) and a goroutine is left blocked for ever (pond.go:342-346)",
			"pond.WorkerPool.StopAndWaitFor", "Example_pond_shutdown"),
		no("submit-after-shutdown", "Submit panics with ErrSubmitOnStoppedPool; TrySubmit returns false, as when full (pond.go:237-243)"),
	)
	lib("pondv2",
		yes("bounded-queue", "the default queue is unbounded", "pond.WithQueueSize", "Example_pondv2_bounded"),
		yes("nonblocking-submit", "with an unbounded queue it never refuses (README.md:462)",
			"pond.WithNonBlocking", "pond.Pool.TrySubmit", "pond.ErrQueueFull", "Example_pondv2_bounded"),
		no("submit-wait-cap", "callers blocked in a blocking submit are not capped"),
		yes("results", "futures, and groups that return results in order",
			"pond.NewResultPool", "pond.ResultTask.Wait", "pond.ResultTaskGroup.Wait", "Example_pondv2_results"),
		yes("first-error", "the first error also cancels the group's tasks not yet started (group.go:119-127)",
			"pond.TaskGroup.Wait", "pond.ResultTaskGroup.Wait", "Example_pondv2_results"),
		yes("groups", "", "pond.Pool.NewGroup", "pond.TaskGroup.Wait"),
		yes("context", "", "pond.WithContext", "pond.Pool.NewGroupContext"),
		yes("resize", "", "pond.Pool.Resize"),
		yes("metrics", "", "pond.Pool.RunningWorkers", "pond.Pool.WaitingTasks", "pond.Pool.DroppedTasks"),
		no("panic-handler", "removed in v2 (README.md:547): a panic becomes the error of Submit's task (task.go:58-68), "+
			"which Example_pondv2_panic reads; in a task given to Go it is only counted in FailedTasks (pool.go:265-267)"),
		yes("shutdown-deadline", "Stop returns a Task; a select on its Done channel sets the deadline",
			"pond.Pool.Stop", "pond.Task.Done", "Example_pondv2_shutdown"),
		yes("submit-after-shutdown", "", "pond.ErrPoolStopped"),
	)
	lib("workerpool",
		no("bounded-queue", "the waiting queue is unbounded"),
		no("nonblocking-submit", "Submit and Do never block because the queue is unbounded (workerpool.go:100-103): "+
			"they never refuse either; Example_workerpool_bounded is a workaround"),
		no("submit-wait-cap", "Submit never waits"),
		no("results", "Do's doc: return values go over a channel the task captures"),
		no("first-error", "tasks return nothing"),
		no("groups", ""),
		no("context", "Pause(ctx) pauses the workers until ctx is done; nothing is cancelled"),
		no("resize", ""),
		yes("metrics", "the queue's length only", "workerpool.WorkerPool.WaitingQueueSize"),
		no("panic-handler", "a panicking task crashes the program (workerpool.go:117-118)"),
		no("shutdown-deadline", "StopWait has no deadline; Stop abandons the queue"),
		yes("submit-after-shutdown", "from Do; Submit panics with it", "workerpool.ErrStopped", "workerpool.WorkerPool.Do"),
	)
	lib("errgroup",
		no("bounded-queue", "no queue: Go blocks until a slot is free"),
		yes("nonblocking-submit", "refuses as soon as the limit is reached: there is no queue to fill first",
			"errgroup.Group.TryGo", "Example_errgroup_bounded"),
		no("submit-wait-cap", "callers blocked in Go are not capped"),
		no("results", "results go through variables the tasks capture"),
		yes("first-error", "", "errgroup.Group.Wait", "Example_errgroup_results"),
		no("groups", "a Group is the pool itself, with a limit of its own: two batches need two groups, not bounded together"),
		yes("context", "WithContext's ctx is cancelled at the first error; tasks see it only by capturing it", "errgroup.WithContext"),
		no("resize", "SetLimit panics while goroutines are active (errgroup.go:141-149)"),
		no("metrics", ""),
		no("panic-handler", "not recovered: errgroup.go:81 says why"),
		no("shutdown-deadline", "Wait has no deadline"),
		no("submit-after-shutdown", "no stopped state: Go after Wait starts the task"),
	)
	lib("conc",
		no("bounded-queue", "no queue: Go blocks until a goroutine is free"),
		no("nonblocking-submit", "no TryGo: Example_conc_bounded is a workaround"),
		no("submit-wait-cap", "callers blocked in Go are not capped"),
		yes("results", "result pools return results in the order tasks end; iter.Map keeps the input's order",
			"pool.ResultPool.Wait", "pool.ResultErrorPool.Wait", "iter.Map", "Example_conc_results"),
		yes("first-error", "by default Wait joins every error (pool/error_pool.go:88-93); WithFirstError keeps the first, "+
			"and WithCancelOnError also cancels the others' context",
			"pool.ErrorPool.WithFirstError", "pool.ResultErrorPool.WithFirstError", "pool.ContextPool.WithCancelOnError",
			"Example_conc_results"),
		no("groups", "a pool is one batch: Wait ends it, and Go after Wait panics"),
		yes("context", "", "pool.Pool.WithContext", "pool.ContextPool.WithCancelOnError"),
		no("resize", ""),
		no("metrics", "MaxGoroutines reads back the limit only"),
		no("panic-handler", "Wait panics again on the caller's goroutine with the first panic (waitgroup.go:38-43), "+
			"which Example_conc_panic recovers; later panics are dropped (panics/panics.go:29). WaitAndRecover is on "+
			"conc.WaitGroup, which pool.Pool keeps unexported (pool/pool.go:31)"),
		no("shutdown-deadline", "Wait has no deadline"),
		no("submit-after-shutdown", "Go after Wait panics: send on a closed channel"),
	)
	lib("tunny",
		no("bounded-queue", "no queue: callers blocked in Process are the waiting line, unbounded"),
		no("nonblocking-submit", "ProcessTimed gives up after a wait: Example_tunny_bounded is a workaround"),
		no("submit-wait-cap", "callers blocked in Process are not capped"),
		yes("results", "Process returns the task's result, synchronously: a batch needs the caller's goroutines",
			"tunny.NewFunc", "tunny.Pool.Process"),
		no("first-error", "an error is a result like any other"),
		no("groups", ""),
		yes("context", "ProcessCtx gives up on ctx; a func() task is not stopped",
			"tunny.Pool.ProcessCtx"),
		yes("resize", "", "tunny.Pool.SetSize"),
		yes("metrics", "", "tunny.Pool.QueueLength"),
		no("panic-handler", "not recovered: a panicking task crashes the program"),
		no("shutdown-deadline", "Close has no deadline"),
		yes("submit-after-shutdown", "from ProcessTimed and ProcessCtx; Process panics with it (tunny.go:156-158)",
			"tunny.ErrPoolNotRunning", "tunny.Pool.ProcessCtx"),
	)
	lib("gopool",
		no("bounded-queue", "the task list is unbounded (pool.go:119-127)"),
		no("nonblocking-submit", "Go never blocks because nothing bounds the list: it never refuses either"),
		no("submit-wait-cap", "Go never waits"),
		no("results", ""),
		no("first-error", ""),
		no("groups", ""),
		no("context", "CtxGo's context only reaches the panic handler"),
		yes("resize", "", "gopool.Pool.SetCap"),
		yes("metrics", "running workers only", "gopool.Pool.WorkerCount"),
		yes("panic-handler", "recovered; the worker lives on; without a handler it is logged to stderr (worker.go:58-68)",
			"gopool.Pool.SetPanicHandler", "Example_gopool_panic"),
		no("shutdown-deadline", "no stop, close or wait at all"),
		no("submit-after-shutdown", "no stopped state: Go always runs the task"),
	)
	lib("semaphore",
		no("bounded-queue", "no queue: Acquire blocks until a unit is free"),
		yes("nonblocking-submit", "refuses as soon as every unit is taken, or while others wait (semaphore.go:117-128)",
			"semaphore.Weighted.TryAcquire", "Example_semaphore_bounded"),
		no("submit-wait-cap", "callers blocked in Acquire are not capped"),
		no("results", ""),
		no("first-error", ""),
		no("groups", ""),
		yes("context", "Acquire gives up on ctx: a context-aware submit; tasks get no context", "semaphore.Weighted.Acquire"),
		no("resize", ""),
		no("metrics", ""),
		no("panic-handler", "the goroutines are the caller's: a panic crashes the program"),
		yes("shutdown-deadline", "acquiring every unit waits for the tasks or ctx; nothing stops intake",
			"semaphore.Weighted.Acquire", "Example_semaphore_shutdown"),
		no("submit-after-shutdown", "no stopped state: Acquire succeeds again once the units are released"),
	)
	lib("book",
		no("bounded-queue", "the queue is unbounded: the book's mpsc::channel"),
		no("nonblocking-submit", "Execute never blocks because nothing bounds the queue: it never refuses either"),
		no("submit-wait-cap", "Execute never waits"),
		no("results", ""),
		no("first-error", ""),
		no("groups", ""),
		no("context", ""),
		no("resize", ""),
		no("metrics", ""),
		no("panic-handler", "a panicking job kills its worker, and in Go the program"),
		no("shutdown-deadline", "Drop has no timeout; Shutdown's deadline is the adapter's"),
		no("submit-after-shutdown", "Execute after Drop panics: the book unwraps the taken sender"),
	)
	return cells
}

// librarySource finds libraries' sources and the names they declare, each once.
type librarySource struct {
	modules map[string]moduleInfo      // by module path
	symbols map[string]map[string]bool // by import path and package name
}

// moduleInfo is what the go command reports of a module.
type moduleInfo struct {
	Path, Version, Dir string
}

func newLibrarySource() *librarySource {
	return &librarySource{modules: map[string]moduleInfo{}, symbols: map[string]map[string]bool{}}
}

// module finds path's version and source directory. It asks the go command: with the
// version this binary was built with, go mod download, which only reads the module cache
// when the module is there and works from any directory; without one (a test binary has no
// dependency versions), go list -m, which reads the current module's go.mod.
func (s *librarySource) module(ctx context.Context, path string) (moduleInfo, error) {
	if m, ok := s.modules[path]; ok {
		return m, nil
	}
	version := ""
	for _, name := range pools.Names() {
		if in, err := pools.Describe(name); err == nil && in.Module == path {
			version = in.Version
		}
	}
	args := []string{"list", "-m", "-json", path}
	if version != "" && version != "unknown" && version != "(devel)" {
		args = []string{"mod", "download", "-json", path + "@" + version}
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return moduleInfo{}, fmt.Errorf("finding the source of %s: go %s: %w: %s",
			path, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	var m moduleInfo
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		return moduleInfo{}, fmt.Errorf("finding the source of %s: %w", path, err)
	}
	if m.Dir == "" {
		return moduleInfo{}, fmt.Errorf("finding the source of %s: go %s reports no directory", path, strings.Join(args, " "))
	}
	s.modules[path] = m
	return m, nil
}

// check checks lib's cells: one per feature, and every yes proved by native examples of
// lib and by names its library declares.
func (s *librarySource) check(ctx context.Context, lib string, cells []results.Cell, exs []results.Example) error {
	in, err := pools.Describe(lib)
	if err != nil {
		return err
	}
	for _, f := range Features() {
		n := 0
		for _, c := range cells {
			if c.Feature == f.ID {
				n++
			}
		}
		if n != 1 {
			return fmt.Errorf("matrix: %s has %d cells for %q; want 1", lib, n, f.ID)
		}
	}
	for _, c := range cells {
		if !slices.ContainsFunc(Features(), func(f results.Feature) bool { return f.ID == c.Feature }) {
			return fmt.Errorf("matrix: %s: unknown feature %q", lib, c.Feature)
		}
		if !c.Has {
			continue
		}
		if len(c.Proof) == 0 {
			return fmt.Errorf("matrix: %s has %q with no proof", lib, c.Feature)
		}
		for _, p := range c.Proof {
			if strings.HasPrefix(p, "Example_") {
				i := slices.IndexFunc(exs, func(e results.Example) bool { return e.Name == p && e.Library == lib })
				switch {
				case i < 0:
					return fmt.Errorf("matrix: %s has %q proved by %s, which is not one of its examples", lib, c.Feature, p)
				case !exs[i].Native():
					return fmt.Errorf("matrix: %s has %q proved by %s, which is a workaround", lib, c.Feature, p)
				}
				continue
			}
			ok, where, err := s.declares(ctx, in.Module, p)
			if err != nil {
				return fmt.Errorf("matrix: %s has %q proved by %s: %w", lib, c.Feature, p, err)
			}
			if !ok {
				return fmt.Errorf("matrix: %s has %q proved by %s, which %s does not declare", lib, c.Feature, p, where)
			}
		}
	}
	return nil
}

// declares reports whether the package of module that symbol (pkg.Name or pkg.Type.Member)
// names declares it, and where it looked. The package is module/pkg or the module's root,
// where a package pkg usually is; failing both, the one directory named pkg deeper in the
// module, such as github.com/bytedance/gopkg/util/gopool for gopool.
func (s *librarySource) declares(ctx context.Context, module, symbol string) (bool, string, error) {
	pkg, name, ok := strings.Cut(symbol, ".")
	if !ok {
		return false, "", fmt.Errorf("want pkg.Name or pkg.Type.Member")
	}
	imp, syms, err := s.find(ctx, module, pkg)
	if err != nil {
		return false, "", err
	}
	where := imp
	if m, ok := s.modules[module]; ok {
		where += " " + m.Version
	}
	return syms[name], where, nil
}

// find returns the import path of module's package pkg and what it declares.
func (s *librarySource) find(ctx context.Context, module, pkg string) (string, map[string]bool, error) {
	for _, imp := range []string{module + "/" + pkg, module} {
		syms, err := s.packageSymbols(ctx, module, imp, pkg)
		if err != nil || syms != nil {
			return imp, syms, err
		}
	}
	if module == "poolbench" {
		return "", nil, fmt.Errorf("no package %s in module %s", pkg, module)
	}
	deeper, err := s.nested(ctx, module, pkg)
	if err != nil {
		return "", nil, err
	}
	var found []string
	var syms map[string]bool
	for _, imp := range deeper {
		got, err := s.packageSymbols(ctx, module, imp, pkg)
		if err != nil {
			return "", nil, err
		}
		if got != nil {
			found, syms = append(found, imp), got
		}
	}
	switch len(found) {
	case 0:
		return "", nil, fmt.Errorf("no package %s in module %s", pkg, module)
	case 1:
		return found[0], syms, nil
	}
	return "", nil, fmt.Errorf("package %s is ambiguous in module %s: %s", pkg, module, strings.Join(found, ", "))
}

// nested lists the import paths of module's directories named pkg below its first level,
// in lexical order.
func (s *librarySource) nested(ctx context.Context, module, pkg string) ([]string, error) {
	m, err := s.module(ctx, module)
	if err != nil {
		return nil, err
	}
	var paths []string
	err = filepath.WalkDir(m.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || d.Name() != pkg {
			return err
		}
		rel, err := filepath.Rel(m.Dir, p)
		if err != nil {
			return err
		}
		if strings.Contains(rel, string(filepath.Separator)) {
			paths = append(paths, module+"/"+filepath.ToSlash(rel))
		}
		return nil
	})
	return paths, err
}

// packageSymbols returns the names package imp, if its name is pkg, declares: functions,
// types, constants and variables, and Type.Member for methods (promoted ones included),
// interface methods and struct fields. It returns nil when imp has no package pkg.
func (s *librarySource) packageSymbols(ctx context.Context, module, imp, pkg string) (map[string]bool, error) {
	key := imp + " " + pkg // the root of a module may hold another package than pkg
	if syms, ok := s.symbols[key]; ok {
		return syms, nil
	}
	var fsys fs.FS
	if imp == "poolbench/pools" {
		fsys = pools.Sources()
	} else if module == "poolbench" {
		return nil, nil
	} else {
		m, err := s.module(ctx, module)
		if err != nil {
			return nil, err
		}
		fsys = os.DirFS(filepath.Join(m.Dir, filepath.FromSlash(strings.TrimPrefix(imp, module))))
	}
	syms, err := declared(fsys, imp, pkg)
	if err != nil {
		return nil, err
	}
	s.symbols[key] = syms
	return syms, nil
}

// declared parses the non-test Go files of fsys that belong to package pkg and lists what
// they declare, as packageSymbols describes. It returns nil when there are none.
func declared(fsys fs.FS, imp, pkg string) (map[string]bool, error) {
	names, err := fs.Glob(fsys, "*.go") // a missing directory has no files: no package
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == pkg {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	syms := map[string]bool{}
	// Interface methods and struct fields first, from the whole AST: go/doc drops
	// unexported declarations, through which exported members can still be reached.
	specs := map[string]*ast.TypeSpec{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				specs[ts.Name.Name] = ts
			}
			return true
		})
	}
	for name, ts := range specs {
		if ast.IsExported(name) {
			for _, m := range members(ts, specs, map[string]bool{}) {
				syms[name+"."+m] = true
			}
		}
	}
	dp, err := doc.NewFromFiles(fset, files, imp)
	if err != nil {
		return nil, err
	}
	addValues := func(prefix string, vs []*doc.Value) {
		for _, v := range vs {
			for _, n := range v.Names {
				syms[prefix+n] = true
			}
		}
	}
	addValues("", dp.Consts)
	addValues("", dp.Vars)
	for _, f := range dp.Funcs {
		syms[f.Name] = true
	}
	for _, t := range dp.Types {
		syms[t.Name] = true
		addValues("", t.Consts)
		addValues("", t.Vars)
		for _, f := range t.Funcs {
			syms[f.Name] = true
		}
		for _, m := range t.Methods {
			syms[t.Name+"."+m.Name] = true
		}
	}
	return syms, nil
}

// members lists the exported methods of an interface type, or exported fields of a struct
// type, following embedded types declared in the same package.
func members(ts *ast.TypeSpec, specs map[string]*ast.TypeSpec, seen map[string]bool) []string {
	if seen[ts.Name.Name] {
		return nil
	}
	seen[ts.Name.Name] = true
	var list *ast.FieldList
	switch t := ts.Type.(type) {
	case *ast.InterfaceType:
		list = t.Methods
	case *ast.StructType:
		list = t.Fields
	default:
		return nil
	}
	var out []string
	for _, f := range list.List {
		for _, n := range f.Names {
			if n.IsExported() {
				out = append(out, n.Name)
			}
		}
		if len(f.Names) == 0 { // embedded
			e := f.Type
			if ix, ok := e.(*ast.IndexExpr); ok { // a generic type, instantiated
				e = ix.X
			}
			if name := typeName(e); name != "" {
				if ast.IsExported(name) {
					out = append(out, name)
				}
				if spec := specs[name]; spec != nil {
					out = append(out, members(spec, specs, seen)...)
				}
			}
		}
	}
	return out
}
