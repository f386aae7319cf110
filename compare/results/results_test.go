package results

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	res := &Results{Schema: Schema, Rules: Rules{MinSamples: 6, Confidence: 0.95},
		Shutdown: &Shutdown{Verdicts: []Verdict{{Pool: "p", Probe: "drain", Word: "lost", Detail: "3", Defect: true, Rounds: 1, Counts: map[string]int{"lost": 1}}}}}
	if err := Write(dir, res); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	back, err := Read(filepath.Join(dir, File))
	if err != nil {
		t.Fatalf("Read() = %v", err)
	}
	if !reflect.DeepEqual(back, res) {
		t.Errorf("Read() = %+v; want %+v", back, res)
	}

	old := filepath.Join(dir, "old.json")
	// A field of schema 1 that no longer decodes: the schema must be what the error names.
	if err := os.WriteFile(old, []byte(`{"schema": 1, "throughput": {"cells": [{"peak_goroutines": 3}]}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(old); err == nil || !strings.Contains(err.Error(), "schema 1") {
		t.Errorf("Read(schema 1) = %v; want an error naming the schema", err)
	}
}

func TestVerdictString(t *testing.T) {
	for _, tc := range []struct {
		v    Verdict
		want string
	}{
		{Verdict{Word: "ok"}, "ok"},
		{Verdict{Word: "lost", Detail: "3"}, "lost:3"},
		{Verdict{Word: "survives", Detail: "stderr"}, "survives:stderr"},
	} {
		if got := tc.v.String(); got != tc.want {
			t.Errorf("%+v.String() = %q; want %q", tc.v, got, tc.want)
		}
	}
}

func TestRateString(t *testing.T) {
	for _, tc := range []struct {
		r    Rate
		want string
	}{
		{Rate{Word: "hang", Count: 1, Rounds: 3800, Lo: 0.0000466, Hi: 0.00149}, "1/3800 (0.026%, 95% CI 0.0047–0.15%)"},
		{Rate{Word: "ok", Count: 5, Rounds: 5, Lo: 0.566, Hi: 1}, "5/5 (100%, 95% CI 57–100%)"},
		{Rate{Word: "late", Count: 1, Rounds: 5, Lo: 0.0362, Hi: 0.624}, "1/5 (20%, 95% CI 3.6–62%)"},
		{Rate{Word: "ok", Count: 0, Rounds: 0}, "0/0"},
	} {
		if got := tc.r.String(); got != tc.want {
			t.Errorf("%+v.String() = %q; want %q", tc.r, got, tc.want)
		}
	}
}
