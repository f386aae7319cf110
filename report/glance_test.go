package report

import (
	"strings"
	"testing"

	"poolbench/compare/results"
)

func TestVerdictCell(t *testing.T) {
	words := func(ws ...string) results.Probe {
		p := results.Probe{ID: "p"}
		for _, w := range ws {
			p.Words = append(p.Words, results.Word{Word: w})
		}
		return p
	}
	twice := words("hang", "panic", "error", "ok")
	blocked := words("hang", "panic", "lost", "ran", "error", "n/a")
	for _, tc := range []struct {
		name     string
		probe    results.Probe
		v        results.Verdict
		text     string
		sev      severity
		cssClass string
	}{
		{"the last word is fine", twice, results.Verdict{Word: "ok"}, "ok", sevFine, "verdict-ok sev-fine"},
		{"another word is a behaviour", twice, results.Verdict{Word: "error"}, "error", sevBehaviour, "verdict-error sev-behaviour"},
		{"a defect is bold behind its symbol", twice, results.Verdict{Word: "panic", Defect: true}, "**✗ panic**", sevDefect, "verdict-panic sev-defect"},
		{"the run decides a defect, not the word", twice, results.Verdict{Word: "error", Detail: "panic", Defect: true}, "**✗ error:panic**", sevDefect, "verdict-error sev-defect"},
		{"n/a is not the best word", blocked, results.Verdict{Word: "error"}, "error", sevFine, "verdict-error sev-fine"},
		{"n/a has no color", blocked, results.Verdict{Word: "n/a"}, "n/a", sevNone, "verdict-n-a"},
		{"a word the probe does not list has none", twice, results.Verdict{Word: "harness"}, "harness", sevNone, "verdict-harness"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, m := verdictCell(tc.probe, tc.v)
			if text != tc.text || m.Sev != tc.sev || m.classes() != tc.cssClass {
				t.Errorf("verdictCell(%s) = %q, %d, class %q; want %q, %d, %q", tc.v, text, m.Sev, m.classes(), tc.text, tc.sev, tc.cssClass)
			}
		})
	}
}

func TestGlanceHeat(t *testing.T) {
	point := func(v float64) glanceValue { return glanceValue{Value: v, Lo: v, Hi: v} }
	lower := glanceColumn{Values: map[string]glanceValue{
		"best": {Value: 60, Lo: 55, Hi: 90}, "tied": {Value: 100, Lo: 85, Hi: 140}, "mid": point(190), "worst": point(600),
	}, Log: true}
	higher := glanceColumn{Higher: true, Values: map[string]glanceValue{"a": point(1000), "b": point(900), "c": point(0)}}
	same := glanceColumn{Values: map[string]glanceValue{"a": point(1), "b": point(1)}}
	for _, tc := range []struct {
		name string
		col  glanceColumn
		key  string
		want int
	}{
		{"the best", lower, "best", 1},
		{"an interval that reaches the best's ties with it", lower, "tied", 1},
		{"half way by ratio", lower, "mid", 3},
		{"the worst", lower, "worst", heatSteps},
		{"higher is better", higher, "a", 1},
		{"near the best but not tied", higher, "b", 2},
		{"the worst when higher is better", higher, "c", heatSteps},
		{"all equal", same, "b", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.col.heat(tc.col.Values[tc.key]); got != tc.want {
				t.Errorf("heat(%s) = %d; want %d", tc.key, got, tc.want)
			}
		})
	}
}

func TestGlanceTable(t *testing.T) {
	res := loadFixture(t)
	tb, ok := glanceTable(res)
	if !ok {
		t.Fatal("the fixture has no at-a-glance table")
	}
	if len(tb.Rows) != len(res.Env.Executors) {
		t.Errorf("%d rows; want one per executor, %d", len(tb.Rows), len(res.Env.Executors))
	}
	for i, row := range tb.Rows {
		if len(row) != len(tb.Header) || len(tb.Marks[i]) != len(row) {
			t.Fatalf("row %d has %d cells and %d marks; want %d", i, len(row), len(tb.Marks[i]), len(tb.Header))
		}
		for j, cell := range row[1:] {
			if bold := strings.HasPrefix(cell, "**"); bold != (tb.Marks[i][j+1].Heat == 1) {
				t.Errorf("row %d, %s: %q bold = %v with heat %d; want bold exactly for the best", i, tb.Header[j+1], cell, bold, tb.Marks[i][j+1].Heat)
			}
		}
	}
	want := []string{"executor", "dispatch, ns/task, 1 submitter", "dispatch, ns/task, 16 submitters", "dispatch, ns/task, 256 submitters",
		"defects, of 13 probes", "goodput at 2x capacity, req/s", "API, lines for 5 jobs"}
	if strings.Join(tb.Header, "|") != strings.Join(want, "|") {
		t.Errorf("header = %q; want %q", tb.Header, want)
	}
}
