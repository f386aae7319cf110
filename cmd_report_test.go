package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand runs `poolbench report` on the report package's fixtures: two real
// runs, one with GOMAXPROCS 2 and one with 1.
func TestReportCommand(t *testing.T) {
	a := filepath.Join("report", "testdata", "results.json")
	b := filepath.Join("report", "testdata", "results-gomaxprocs1.json")
	out := t.TempDir()
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		wantStdout string
		wantStderr string
	}{
		{"no file", []string{"report"}, 2, "", "want a results file"},
		{"several files without --out", []string{"report", a, b}, 2, "", "--out is required with 2 results files"},
		{"--agree with one file", []string{"report", "--agree", a}, 2, "", "--agree wants two results files, got 1"},
		{"--agree with --out", []string{"report", "--agree", "--out", out, a, b}, 2, "", "drop --out"},
		{"a missing file", []string{"report", "--out", out, a, "nope.json"}, 1, "", "nope.json"},
		{"merge, --out after the files", []string{"report", a, b, "--out", out}, 0, "wrote " + filepath.Join(out, "REPORT.md"), ""},
		{"agree", []string{"report", "--agree", a, b}, 0, "verdicts: 154 of 156 agree", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != tc.code {
				t.Errorf("exit code = %d; want %d (err %v)", code, tc.code, err)
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) {
				t.Errorf("stdout = %q; want it to contain %q", stdout.String(), tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr = %q; want it to contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
	md, err := os.ReadFile(filepath.Join(out, "REPORT.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Throughput across runs", "GOMAXPROCS 1", "GOMAXPROCS 2", "## Run 2: Shutdown robustness"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("merged REPORT.md has no %q", want)
		}
	}
}
