package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"poolbench/compare/results"
)

// TestCompareErgonomics runs the ergonomics study as a user does and reads what it wrote.
func TestCompareErgonomics(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"compare", "--studies=ergonomics", "--pools=ants,conc", "--out", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("poolbench compare --studies=ergonomics = %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "ergonomics: 4/4") {
		t.Errorf("stderr = %q; want progress up to ergonomics: 4/4", stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Results
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	erg := res.Ergonomics
	if erg == nil || len(erg.Examples) != 10 || len(erg.Glue) != 2 || erg.Examples[0].Name != "Example_ants_batch" {
		t.Fatalf("results.json has ergonomics %+v; want 10 examples and 2 glues, ants first", erg)
	}
}
