package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"poolbench/compare/results"
	"poolbench/compare/shutdown"
)

// TestMain lets the test binary stand in for poolbench when `poolbench probe` re-executes
// itself as `probe-child`.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "probe-child" {
		os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	// Under -race a child sleeps 1s at exit by default; the children here are short.
	if _, ok := os.LookupEnv("GORACE"); !ok {
		if err := os.Setenv("GORACE", "atexit_sleep_ms=0"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

func TestProbeCommand(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		wantStdout []string // lines, each a prefix
		wantStderr string
	}{
		{[]string{"probe", "--pool=custom", "--probe=twice", "--json"}, 0,
			[]string{`{"pool":"custom","probe":"twice","word":"ok","defect":false,"rounds":10,"counts":{"ok":10},"rates":[{"word":"ok","count":10,"rounds":10,"lo":0.72`}, ""},
		{[]string{"probe", "--pool=custom", "--probe=twice", "--json", "--quick", "--rounds=2"}, 0,
			[]string{`{"pool":"custom","probe":"twice","word":"ok","defect":false,"rounds":6,"counts":{"ok":6}`}, ""},
		{[]string{"probe", "--pool=goroutines", "--probe=deadline", "--quick"}, 0,
			[]string{"goroutines deadline            ok (the deadline is the adapter's)", "    ok 3/3 (100%, 95% CI 44–100%): "}, ""},
		{[]string{"probe", "--rounds=0"}, 2, nil, `-rounds = 0; want >= 1`},
		{[]string{"probe", "--pool=pondv2", "--probe=after-shutdown", "--quick"}, 0,
			[]string{"pondv2     after-shutdown  ", "    "}, ""},
		{[]string{"probe", "--pool=nope"}, 2, nil, `-pool: unknown "nope"`},
		{[]string{"probe", "--probe=nope"}, 2, nil, `-probe: unknown "nope"`},
		{[]string{"probe", "extra"}, 2, nil, `unexpected argument "extra"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != tc.code {
				t.Fatalf("exit code = %d; want %d (err %v, stderr %s)", code, tc.code, err, stderr.String())
			}
			lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
			if tc.wantStdout == nil {
				lines = nil
			}
			if len(lines) != len(tc.wantStdout) {
				t.Fatalf("stdout = %q; want %d lines", stdout.String(), len(tc.wantStdout))
			}
			for i, want := range tc.wantStdout {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("stdout line %d = %q; want prefix %q", i, lines[i], want)
				}
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr = %q; want it to contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// TestProbeJSONAll checks that --probe=all --json prints one object per probe, in order,
// each with the documented keys and a word.
func TestProbeJSONAll(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process per probe")
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"probe", "--pool=goroutines", "--probe=all", "--json", "--quick"}, &stdout, &stderr); err != nil {
		t.Fatalf("probe: %v\n%s", err, stderr.String())
	}
	var got []string
	for line := range strings.Lines(stdout.String()) {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		keys := slices.Sorted(func(yield func(string) bool) {
			for k := range obj {
				if !yield(k) {
					return
				}
			}
		})
		// omitted when empty
		keys = slices.DeleteFunc(keys, func(k string) bool { return k == "detail" || k == "counts" || k == "rates" || k == "deadline" })
		if !slices.Equal(keys, []string{"defect", "evidence", "pool", "probe", "rounds", "word"}) || obj["word"] == "" {
			t.Errorf("line %q; want the keys pool, probe, word, defect, rounds, evidence with a word", line)
		}
		// goroutines' deadline is the adapter's: the probes that turn on it say so.
		if marked, want := obj["deadline"] == "adapter", obj["probe"] == "deadline" || obj["probe"] == "self-shutdown"; marked != want {
			t.Errorf("line %q; want deadline adapter: %v", line, want)
		}
		got = append(got, fmt.Sprint(obj["probe"]))
	}
	if !slices.Equal(got, shutdown.Probes()) {
		t.Errorf("probes = %v; want %v", got, shutdown.Probes())
	}
}

func TestProbeChildHidden(t *testing.T) {
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-h"}, &bytes.Buffer{}, &stderr); err == nil {
		t.Fatal("run(-h) = nil; want flag.ErrHelp")
	}
	if out := stderr.String(); strings.Contains(out, "probe-child") || !strings.Contains(out, "probe ") {
		t.Errorf("usage = %q; want probe listed and probe-child hidden", out)
	}
}

// TestCompareShutdown runs `poolbench compare --studies=shutdown` on one executor and reads
// the verdicts back from results.json.
func TestCompareShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process per probe")
	}
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"compare", "--studies=shutdown", "--pools=custom", "--quick", "--out", dir}
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("compare: %v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res results.Results
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Shutdown == nil || len(res.Shutdown.Verdicts) != len(shutdown.Probes()) {
		t.Fatalf("results.json shutdown = %+v; want %d verdicts", res.Shutdown, len(shutdown.Probes()))
	}
	if v := res.Shutdown.Verdicts[0]; v.Pool != "custom" || v.Probe != "drain" || v.Word != "ok" || v.Defect {
		t.Errorf("first verdict = %+v; want custom drain ok", v)
	}
	if n := len(shutdown.Probes()); !strings.Contains(stderr.String(), fmt.Sprintf("shutdown: %d/%d", n, n)) {
		t.Errorf("progress = %q; want it to reach shutdown: %d/%d", stderr.String(), n, n)
	}
}
