package ergonomics

import (
	"encoding/json"
	"go/ast"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"poolbench/compare/results"
	"poolbench/examples"
	"poolbench/internal/study"
	"poolbench/pools"
)

func TestMeasure(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want results.Size
	}{
		{"empty", "", results.Size{}},
		{"comments and blank lines", "// a\n\n/* b\n c */\n", results.Size{}},
		{"one statement", "x := 1\n", results.Size{Lines: 1, Tokens: 3}},
		{"trailing comment", "x := 1 // one\n", results.Size{Lines: 1, Tokens: 3}},
		{"explicit semicolons count", "for i := 0; i < 3; i++ {\n}\n", results.Size{Lines: 2, Tokens: 13}},
		{"raw string spans lines", "s := `a\nb\nc`\n_ = s\n", results.Size{Lines: 4, Tokens: 6}},
		{"a call", "fmt.Println(\"sum:\", sum.Load())\n", results.Size{Lines: 1, Tokens: 12}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := measure([]byte(tc.src)); got != tc.want {
				t.Errorf("measure(%q) = %+v; want %+v", tc.src, got, tc.want)
			}
		})
	}
}

func TestErrChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want results.Size
	}{
		{"none", "x := 1\n_ = x\n", results.Size{Lines: 2, Tokens: 6}},
		{"a panic", "err := f()\nif err != nil {\n\tpanic(err)\n}\n",
			results.Size{Lines: 4, Tokens: 15, ErrChecks: 1, ErrCheckLines: 3, ErrCheckTokens: 10}},
		{"an init statement stays code", "if err := f(); err != nil {\n\treturn nil, err\n}\n",
			results.Size{Lines: 3, Tokens: 16, ErrChecks: 1, ErrCheckLines: 2, ErrCheckTokens: 11}},
		{"a multi-line init", "if err := g(func() {\n\th()\n}); err != nil {\n\tpanic(err)\n}\n",
			results.Size{Lines: 5, Tokens: 24, ErrChecks: 1, ErrCheckLines: 2, ErrCheckTokens: 11}},
		{"inside a closure", "go func() {\n\tif err := f(); err != nil {\n\t\tpanic(err)\n\t}\n}()\n",
			results.Size{Lines: 5, Tokens: 24, ErrChecks: 1, ErrCheckLines: 2, ErrCheckTokens: 11}},
		{"recording an error is the job", "if err != nil {\n\tonce.Do(func() { first = err })\n}\n",
			results.Size{Lines: 3, Tokens: 19}},
		{"another name", "if first != nil {\n\treturn nil, first\n}\n", results.Size{Lines: 3, Tokens: 10}},
		{"an else", "if err != nil {\n\tpanic(err)\n} else {\n\tx()\n}\n", results.Size{Lines: 5, Tokens: 16}},
		{"a return of something else", "if err != nil {\n\treturn nil\n}\n", results.Size{Lines: 3, Tokens: 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package p\n\nfunc f() {\n" + tc.body + "}\n"
			f, err := parseGo(fstest.MapFS{"x.go": {Data: []byte(src)}}, "x.go")
			if err != nil {
				t.Fatal(err)
			}
			fn := f.ast.Decls[0].(*ast.FuncDecl)
			if got := f.size(fn.Body.Lbrace+1, fn.Body.Rbrace, fn.Body); got != tc.want {
				t.Errorf("size(%q) = %+v; want %+v", tc.body, got, tc.want)
			}
		})
	}
}

// fixtureExamples is an examples file for ants: one native example, one workaround, and
// the other three jobs as one-liners.
const fixtureExamples = `package examples_test

import (
	"fmt"

	"github.com/panjf2000/ants/v2"
	workers "github.com/sourcegraph/conc/pool"
)

// Example_ants_batch is native.
func Example_ants_batch() {
	p, _ := ants.NewPool(4) // a comment

	p.Submit(func() {})
	p.Release()
	_ = ants.ErrPoolClosed
	_ = workers.New() // not ants: another module
	fmt.Println(ants.NewPool == nil)
	// Output: false
}

// Example_ants_bounded is not.
//
// Workaround: ants cannot,
// so we do.
//
// Another paragraph.
func Example_ants_bounded() {
	fmt.Println()
}

func Example_ants_shutdown() {}
func Example_ants_results()  {}
func Example_ants_panic()    {}
func helper()                {}
`

func TestReadExamplesFixture(t *testing.T) {
	fsys := fstest.MapFS{"ants_test.go": {Data: []byte(fixtureExamples)}}
	exs, err := readExamples(fsys, []string{"ants"})
	if err != nil {
		t.Fatalf("readExamples() = %v", err)
	}
	if len(exs) != 5 {
		t.Fatalf("readExamples() found %d examples; want 5", len(exs))
	}
	batch, bounded := exs[0], exs[1]
	if batch.Name != "Example_ants_batch" || batch.Job != "batch" || batch.Library != "ants" || batch.File != "examples/ants_test.go" {
		t.Errorf("first example = %+v; want Example_ants_batch of ants in examples/ants_test.go", batch)
	}
	if want := (results.Size{Lines: 6, Tokens: 47}); batch.Size != want {
		t.Errorf("batch size = %+v; want %+v", batch.Size, want)
	}
	if want := []string{"ants.ErrPoolClosed", "ants.NewPool"}; !slices.Equal(batch.Identifiers, want) {
		t.Errorf("batch identifiers = %q; want %q", batch.Identifiers, want)
	}
	if !batch.Native() || batch.Workaround != "" {
		t.Errorf("batch workaround = %q; want none", batch.Workaround)
	}
	if !strings.HasPrefix(batch.Source, "// Example_ants_batch is native.\nfunc Example_ants_batch() {") || !strings.HasSuffix(batch.Source, "// Output: false\n}") {
		t.Errorf("batch source = %q; want the function with its doc comment", batch.Source)
	}
	if bounded.Native() || bounded.Workaround != "ants cannot, so we do." {
		t.Errorf("bounded workaround = %q; want %q", bounded.Workaround, "ants cannot, so we do.")
	}
	if want := (results.Size{Lines: 1, Tokens: 5}); bounded.Size != want {
		t.Errorf("bounded size = %+v; want %+v", bounded.Size, want)
	}
}

func TestReadExamplesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"missing jobs", "package p\nfunc Example_ants_batch() {}\n",
			"examples: missing Example_ants_bounded, Example_ants_shutdown, Example_ants_results, Example_ants_panic"},
		{"unknown library", "package p\nfunc Example_nope_batch() {}\n", "Example_nope_batch: want Example_<library>_<job>"},
		{"unknown job", "package p\nfunc Example_ants_juggle() {}\n", "Example_ants_juggle: want Example_<library>_<job>"},
		{"no job", "package p\nfunc Example_ants() {}\n", "Example_ants: want Example_<library>_<job>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readExamples(fstest.MapFS{"x_test.go": {Data: []byte(tc.src)}}, []string{"ants"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("readExamples() = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestReadExamplesAll(t *testing.T) {
	libs := libraries(nil)
	if want := len(pools.Names()) - 1; len(libs) != want { // every executor but goroutines
		t.Fatalf("libraries(nil) = %q; want the %d that have examples", libs, want)
	}
	exs, err := readExamples(examples.Sources(), libs)
	if err != nil {
		t.Fatalf("readExamples() = %v", err)
	}
	if want := len(libs) * len(Jobs()); len(exs) != want {
		t.Fatalf("found %d examples; want %d", len(exs), want)
	}
	for _, e := range exs {
		if e.Size.Lines == 0 || e.Size.Tokens <= e.Size.Lines || !strings.Contains(e.Source, "// Output:") {
			t.Errorf("%s = size %+v, source %d bytes; want a measured function with its output", e.Name, e.Size, len(e.Source))
		}
		if len(e.Identifiers) == 0 {
			t.Errorf("%s uses no identifier of its library", e.Name)
		}
	}
}

// fixturePools is a package pools in miniature.
const fixturePools = `package pools

import "github.com/panjf2000/ants/v2"

// Ants is documented; the comment does not count.
type Ants struct{ p *ants.Pool }

// NewAnts builds one.
func NewAnts(cfg Config) (*Ants, error) {
	p, err := ants.NewPool(cfg.Workers)
	return &Ants{p: p}, err
}

func (a *Ants) Submit(task func()) error { return a.p.Submit(task) }

func (a *Ants) Shutdown(ctx context.Context) error {
	return waitFor(ctx, a.p.Release)
}

func waitFor(ctx context.Context, wait func()) error {
	wait()
	return waitDone(ctx)
}

func waitDone(ctx context.Context) error { return ctx.Err() }
`

func TestReadGlueFixture(t *testing.T) {
	fsys := fstest.MapFS{
		"pools.go":      {Data: []byte(fixturePools)},
		"pools_test.go": {Data: []byte("package pools\nfunc (a *Ants) Extra() {}\n")}, // tests are no glue
	}
	ants := pools.Info{Name: "ants", Module: "github.com/panjf2000/ants/v2", Source: "pools.go", Type: "Ants"}
	glue, err := readGlue(fsys, []pools.Info{ants})
	if err != nil {
		t.Fatalf("readGlue() = %v", err)
	}
	want := results.Glue{
		Library:     "ants",
		File:        "pools/pools.go",
		Type:        "Ants",
		Funcs:       []string{"NewAnts", "Ants.Submit", "Ants.Shutdown"},
		Size:        results.Size{Lines: 8, Tokens: 88},
		Identifiers: []string{"ants.NewPool"},
		Helpers:     []string{"waitFor", "waitDone"},
		HelperSize:  results.Size{Lines: 5, Tokens: 41},
	}
	got, err := json.Marshal(glue)
	if err != nil {
		t.Fatal(err)
	}
	if w, err := json.Marshal([]results.Glue{want}); err != nil || string(got) != string(w) {
		t.Errorf("readGlue() = %s\nwant %s", got, w)
	}
	pond := pools.Info{Name: "pond", Source: "pond.go", Type: "Pond"}
	if _, err := readGlue(fsys, []pools.Info{pond}); err == nil || !strings.Contains(err.Error(), "no file pond.go") {
		t.Errorf(`readGlue(pond) = %v; want a "no file" error`, err)
	}
	ants.Type = "Conc"
	if _, err := readGlue(fsys, []pools.Info{ants}); err == nil || !strings.Contains(err.Error(), "no function in pools.go returns Conc") {
		t.Errorf(`readGlue(Conc in ants' file) = %v; want a "no function" error`, err)
	}
}

func TestReadGlueAll(t *testing.T) {
	adapters, err := selected(nil)
	if err != nil {
		t.Fatal(err)
	}
	glue, err := readGlue(pools.Sources(), adapters)
	if err != nil {
		t.Fatalf("readGlue() = %v", err)
	}
	if len(glue) != len(pools.Names()) {
		t.Fatalf("readGlue() measured %d adapters; want %d", len(glue), len(pools.Names()))
	}
	for _, g := range glue {
		if g.Size.Lines == 0 || !slices.Contains(g.Funcs, g.Type+".Submit") || !slices.Contains(g.Funcs, g.Type+".Shutdown") {
			t.Errorf("glue of %s = %+v; want its constructor, Submit and Shutdown measured", g.Library, g)
		}
	}
}

// fixtureLibrary declares members in every way the matrix's proofs reach them.
const fixtureLibrary = `package lib

type base interface{ Stop() }

type Base interface{ Resize(n int) }

type Pool interface {
	base
	Base
	Go(f func()) error
	hidden()
}

type Result[R any] interface{ Wait() (R, error) }

type Group[R any] interface {
	Result[R]
	Done() <-chan struct{}
}

type common struct{ Size int }

func (c *common) Tune(n int) {}

type Concrete struct {
	*common
	Queue int
	inner int
}

func New() *Concrete { return nil }

func NewResult[R any]() Result[R] { return nil }

var ErrClosed error

const Unbounded = 1
`

func TestDeclared(t *testing.T) {
	fsys := fstest.MapFS{
		"lib.go":      {Data: []byte(fixtureLibrary)},
		"lib_test.go": {Data: []byte("package lib\nfunc TestOnly() {}\n")},
		"gen.go":      {Data: []byte("//go:build ignore\n\npackage main\nfunc Generator() {}\n")},
	}
	syms, err := declared(fsys, "example.com/lib", "lib")
	if err != nil {
		t.Fatalf("declared() = %v", err)
	}
	for _, tc := range []struct {
		symbol string
		want   bool
	}{
		{"Pool", true},
		{"Pool.Go", true},
		{"Pool.Stop", true},   // through an unexported embedded interface
		{"Pool.Resize", true}, // through an exported one
		{"Pool.hidden", false},
		{"Group.Wait", true}, // through an instantiated generic interface
		{"Group.Done", true},
		{"Concrete.Tune", true}, // promoted from an unexported embedded struct
		{"Concrete.Queue", true},
		{"Concrete.Size", true},
		{"Concrete.inner", false},
		{"New", true},
		{"NewResult", true},
		{"ErrClosed", true},
		{"Unbounded", true},
		{"Concrete.Missing", false},
		{"Missing", false},
		{"TestOnly", false},  // test files do not count
		{"Generator", false}, // nor do other packages' files
	} {
		if got := syms[tc.symbol]; got != tc.want {
			t.Errorf("declared()[%q] = %v; want %v", tc.symbol, got, tc.want)
		}
	}
	if syms, err := declared(fsys, "example.com/lib", "other"); syms != nil || err != nil {
		t.Errorf(`declared(package "other") = %v, %v; want nil, nil`, syms, err)
	}
}

// edit returns matrix() with the cell of lib and feature changed by change.
func edit(lib, feature string, change func(*results.Cell)) []results.Cell {
	cells := matrix()
	for i := range cells {
		if cells[i].Library == lib && cells[i].Feature == feature {
			change(&cells[i])
		}
	}
	return cells
}

func TestMatrixRejectsWrongProofs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []results.Cell
		want  string
	}{
		{"a symbol the library lacks",
			edit("ants", "resize", func(c *results.Cell) { c.Proof = []string{"ants.Pool.Resize"} }),
			"ants has \"resize\" proved by ants.Pool.Resize, which github.com/panjf2000/ants/v2 v2.12.1 does not declare"},
		{"a package the library lacks",
			edit("ants", "resize", func(c *results.Cell) { c.Proof = []string{"pool.Pool.Tune"} }),
			"no package pool in module github.com/panjf2000/ants/v2"},
		{"a symbol a nested package lacks",
			edit("gopool", "resize", func(c *results.Cell) { c.Proof = []string{"gopool.Pool.Resize"} }),
			"gopool has \"resize\" proved by gopool.Pool.Resize, which github.com/bytedance/gopkg/util/gopool v0.1.4 does not declare"},
		{"a missing example",
			edit("ants", "resize", func(c *results.Cell) { c.Proof = []string{"Example_ants_resize"} }),
			"proved by Example_ants_resize, which is not one of its examples"},
		{"another library's example",
			edit("ants", "resize", func(c *results.Cell) { c.Proof = []string{"Example_pond_batch"} }),
			"proved by Example_pond_batch, which is not one of its examples"},
		{"a workaround",
			edit("ants", "results", func(c *results.Cell) { c.Has, c.Proof = true, []string{"Example_ants_results"} }),
			"proved by Example_ants_results, which is a workaround"},
		{"a yes without proof",
			edit("ants", "groups", func(c *results.Cell) { c.Has = true }),
			"ants has \"groups\" with no proof"},
		{"an unknown library",
			edit("ants", "groups", func(c *results.Cell) { c.Library = "antz" }),
			`matrix: unknown library "antz"`},
		{"a feature twice",
			edit("ants", "groups", func(c *results.Cell) { c.Feature = "resize" }),
			"ants has 0 cells for \"groups\"; want 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runWith(t.Context(), study.Options{Pools: []string{"pond", "ants", "gopool"}}, tc.cells)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("measure() = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	erg, err := Run(t.Context(), study.Options{})
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	// Every executor but goroutines has a library, and every library does every job.
	libs, jobs := len(pools.Names())-1, len(Jobs())
	if len(erg.Examples) != libs*jobs || len(erg.Libraries) != libs || len(erg.Glue) != len(pools.Names()) ||
		len(erg.Matrix) != libs*len(Features()) || len(erg.Jobs) != jobs {
		t.Fatalf("Run() = %d examples, %d libraries, %d glue, %d cells, %d jobs; want %d, %d, %d, %d, %d",
			len(erg.Examples), len(erg.Libraries), len(erg.Glue), len(erg.Matrix), len(erg.Jobs),
			libs*jobs, libs, len(pools.Names()), libs*len(Features()), jobs)
	}
	for _, l := range erg.Libraries {
		if l.Library != "custom" && (l.Version == "" || l.Version == "unknown") {
			t.Errorf("%s version = %q; want the pinned one", l.Library, l.Version)
		}
		var total results.Size
		for _, e := range erg.Examples {
			if e.Library == l.Library {
				total = total.Add(e.Size)
			}
		}
		if l.Size != total {
			t.Errorf("%s size = %+v; want the sum of its examples, %+v", l.Library, l.Size, total)
		}
	}
	b, err := json.Marshal(erg)
	if err != nil {
		t.Fatal(err)
	}
	var back results.Ergonomics
	if err := json.Unmarshal(b, &back); err != nil || back.Examples[0].Source != erg.Examples[0].Source {
		t.Errorf("results do not survive JSON: %v", err)
	}
}

func TestErgonomicsHonoursPools(t *testing.T) {
	erg, err := Run(t.Context(), study.Options{Pools: []string{"conc", "goroutines"}})
	if err != nil {
		t.Fatalf("Run(conc, goroutines) = %v", err)
	}
	if len(erg.Examples) != 5 || len(erg.Libraries) != 1 || len(erg.Glue) != 2 || len(erg.Matrix) != len(Features()) {
		t.Errorf("Run(conc, goroutines) = %d examples, %d libraries, %d glue, %d cells; want 5, 1, 2, %d",
			len(erg.Examples), len(erg.Libraries), len(erg.Glue), len(erg.Matrix), len(Features()))
	}
}

// TestNestedProofs checks that gopool's proofs are found in its package, which lives two
// levels down its module, and not by accident elsewhere.
func TestNestedProofs(t *testing.T) {
	in, err := pools.Describe("gopool")
	if err != nil {
		t.Fatal(err)
	}
	src := newLibrarySource()
	n := 0
	for _, c := range matrix() {
		if c.Library != "gopool" {
			continue
		}
		for _, p := range c.Proof {
			if strings.HasPrefix(p, "Example_") {
				continue
			}
			n++
			t.Run(p, func(t *testing.T) {
				ok, where, err := src.declares(t.Context(), in.Module, p)
				if err != nil || !ok || !strings.HasPrefix(where, "github.com/bytedance/gopkg/util/gopool ") {
					t.Errorf("declares(%s) = %v, %q, %v; want true in github.com/bytedance/gopkg/util/gopool", p, ok, where, err)
				}
			})
		}
	}
	if n == 0 {
		t.Error("gopool has no proof by symbol to check")
	}
}

// TestDefinitions checks that every column and job says what it means, once, and that the
// run writes the rules it applied.
func TestDefinitions(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Features() {
		if f.ID == "" || f.Name == "" || f.Definition == "" || seen[f.ID] {
			t.Errorf("feature %+v: want an id, a name and a definition, and the id once", f)
		}
		seen[f.ID] = true
	}
	for _, j := range Jobs() {
		if j.ID == "" || j.Name == "" || j.Definition == "" || seen["job "+j.ID] {
			t.Errorf("job %+v: want an id, a name and a definition, and the id once", j)
		}
		seen["job "+j.ID] = true
	}
	r := rules()
	if r.Size == "" || r.ErrCheck == "" || r.Native == "" || r.Proof == "" || r.Tie == "" || r.TieRatio <= 0 || r.TieLines <= 0 {
		t.Errorf("rules() = %+v; want every rule stated", r)
	}
}
