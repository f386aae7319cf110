package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"poolbench/compare/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the fixture")

// fixture is a results file from a real quick run, kept as the golden tests' input;
// fixtureGOMAXPROCS1 is another, made with GOMAXPROCS=1, for the tests that take two runs.
const (
	fixture            = "testdata/results.json"
	fixtureGOMAXPROCS1 = "testdata/results-gomaxprocs1.json"
)

func loadFixture(t *testing.T) *results.Results {
	t.Helper()
	return loadResults(t, fixture)
}

func loadResults(t *testing.T, path string) *results.Results {
	t.Helper()
	res, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGolden renders the fixture and compares every file with testdata/golden; run
// `go test ./report -run Golden -update` to accept a change.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	if err := Render(loadFixture(t), dir); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, filepath.Join("testdata", "golden"))
}

// TestGoldenRuns merges the fixture with a second real run, made with GOMAXPROCS=1 by a
// newer build that has more executors, and compares REPORT.md and report.html with
// testdata/golden-runs (the charts are inline in report.html; only their names are checked
// here). Both fixtures must be replaced together when the schema changes:
// GOMAXPROCS=1 go run . compare --quick --out DIR, then copy DIR/results.json to
// testdata/results-gomaxprocs1.json.
func TestGoldenRuns(t *testing.T) {
	runs := []*results.Results{loadFixture(t), loadResults(t, fixtureGOMAXPROCS1)}
	dir := t.TempDir()
	if err := RenderRuns(runs, dir); err != nil {
		t.Fatal(err)
	}
	var want []string
	for i, res := range runs {
		d, err := build(res)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range charts(d) {
			want = append(want, fmt.Sprintf("run%d-%s", i+1, c.File))
		}
	}
	got, err := os.ReadDir(filepath.Join(dir, ChartsDir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("merged charts = %q; want %q", names, want)
	}
	if err := os.RemoveAll(filepath.Join(dir, ChartsDir)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, filepath.Join("testdata", "golden-runs"))
}

// checkGolden compares the files under dir with those under golden, or with -update
// makes golden a copy of dir.
func checkGolden(t *testing.T, dir, golden string) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if err := os.CopyFS(golden, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		return
	}
	got := readTree(t, dir)
	want := readTree(t, golden)
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: not rendered", name)
		} else if !bytes.Equal(g, w) {
			t.Errorf("%s differs from %s; run with -update if the change is meant", name, filepath.Join(golden, name))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s: rendered but has no golden file", name)
		}
	}
}

// TestDeterministic renders the same results twice and wants the same bytes, for one run
// and for a merge.
func TestDeterministic(t *testing.T) {
	one := loadFixture(t)
	runs := []*results.Results{one, loadResults(t, fixtureGOMAXPROCS1)}
	for _, tc := range []struct {
		name   string
		render func(dir string) error
	}{
		{"one run", func(dir string) error { return Render(one, dir) }},
		{"two runs", func(dir string) error { return RenderRuns(runs, dir) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := t.TempDir(), t.TempDir()
			if err := tc.render(a); err != nil {
				t.Fatal(err)
			}
			if err := tc.render(b); err != nil {
				t.Fatal(err)
			}
			ta, tb := readTree(t, a), readTree(t, b)
			if len(ta) != len(tb) {
				t.Fatalf("renders wrote %d and %d files", len(ta), len(tb))
			}
			for name, x := range ta {
				if !bytes.Equal(x, tb[name]) {
					t.Errorf("%s differs between two renders of the same results", name)
				}
			}
		})
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		files[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSample re-renders the committed sample run and wants the committed report, byte for
// byte, so that docs/sample never drifts from its own results.json. After a change to the
// renderer, run `go run . report docs/sample/results.json` to accept it.
func TestSample(t *testing.T) {
	sample := filepath.Join("..", "docs", "sample")
	res, err := results.Read(filepath.Join(sample, results.File))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Render(res, dir); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, dir)
	for name, g := range got {
		w, err := os.ReadFile(filepath.Join(sample, name))
		if err != nil {
			t.Errorf("%s: rendered but not in docs/sample: %v", name, err)
		} else if !bytes.Equal(g, w) {
			t.Errorf("docs/sample/%s differs from a re-render of docs/sample/results.json; run `go run . report docs/sample/results.json`", name)
		}
	}
	for _, name := range []string{MarkdownFile, HTMLFile} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s: not rendered", name)
		}
	}
	for name := range readTree(t, sample) {
		if _, ok := got[name]; !ok && name != results.File && filepath.Ext(name) != ".png" {
			t.Errorf("docs/sample/%s is no longer rendered from docs/sample/results.json; remove it", name)
		}
	}
}
