package report

import (
	"strings"
	"testing"

	"poolbench/compare/results"
)

func TestErgonomicsPick(t *testing.T) {
	lib := func(name string, lines, checkLines, native int) results.LibrarySummary {
		return results.LibrarySummary{Library: name, Native: native, Size: results.Size{Lines: lines, ErrCheckLines: checkLines}}
	}
	cell := func(lib, feature string) results.Cell { return results.Cell{Library: lib, Feature: feature, Has: true} }
	rules := results.ErgonomicsRules{TieRatio: 0.10, TieLines: 2, Tie: "the stated tie rule."}
	for _, tc := range []struct {
		name   string
		libs   []results.LibrarySummary
		matrix []results.Cell
		want   []string // substrings of the picks, in order
	}{
		{"error checks do not count",
			[]results.LibrarySummary{lib("a", 90, 40, 5), lib("b", 60, 0, 4)},
			nil,
			[]string{"pick `a`: the 5 jobs in 50 lines without error checks", "(5 of 5): `a`"}},
		{"within the ratio ties",
			[]results.LibrarySummary{lib("a", 50, 0, 5), lib("b", 55, 0, 5), lib("c", 56, 0, 5)},
			nil,
			[]string{"no single pick: `a` and `b` are tied", "`a` 50, `b` 55; a tie is at most 55.0 lines"}},
		{"within the lines ties when the ratio is less",
			[]results.LibrarySummary{lib("a", 10, 0, 5), lib("b", 12, 0, 5), lib("c", 13, 0, 5)},
			nil,
			[]string{"`a` and `b` are tied", "a tie is at most 12.0 lines"}},
		{"three ways to shed load",
			[]results.LibrarySummary{lib("q", 50, 0, 5), lib("n", 80, 0, 5), lib("c", 80, 0, 5), lib("u", 80, 0, 5)},
			[]results.Cell{cell("q", "bounded-queue"), cell("q", "nonblocking-submit"), cell("n", "nonblocking-submit"),
				cell("c", "nonblocking-submit"), cell("c", "submit-wait-cap"), cell("u", "bounded-queue")},
			[]string{"pick `q`", "a bounded queue, then refusal at once when it is full: `q`; refusal at once as soon as every worker is busy, with no queue: `n` and `c`; a cap on the callers waiting in Submit, the next refused: `c`."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &results.Ergonomics{Rules: rules, Jobs: make([]results.Job, 5), Libraries: tc.libs, Matrix: tc.matrix}
			picks, rule := ergonomicsPick(e)
			got := strings.Join(picks, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("ergonomicsPick() = %q; want it to contain %q", got, w)
				}
			}
			if !strings.HasPrefix(rule, rules.Tie) {
				t.Errorf("rule = %q; want it to start with the run's tie rule", rule)
			}
		})
	}
}
