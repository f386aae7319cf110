package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"poolbench/compare/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the fixture")

// fixture is a results file from a real quick run, kept as the golden tests' input.
const fixture = "testdata/results.json"

func loadFixture(t *testing.T) *results.Results {
	t.Helper()
	res, err := results.Read(fixture)
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

// TestDeterministic renders the fixture twice and wants the same bytes.
func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	res := loadFixture(t)
	if err := Render(res, a); err != nil {
		t.Fatal(err)
	}
	if err := Render(res, b); err != nil {
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
