package report

import (
	"fmt"
	"strings"

	"poolbench/compare/results"
)

// The summary is derived from the results by the rules it states, so that it changes
// with the data and says why.

func summarySection(res *results.Results) (section, error) {
	s := section{ID: "summary", Title: "Summary"}
	var picks, rules []string
	if sh := res.Shutdown; sh != nil {
		p, r := robustnessPick(sh)
		picks, rules = append(picks, p), append(rules, r)
	}
	if t := res.Throughput; t != nil {
		p, r := throughputPick(t)
		picks, rules = append(picks, p...), append(rules, r)
	}
	if h := res.HTTP; h != nil {
		p, r := httpPick(h)
		picks, rules = append(picks, p), append(rules, r)
	}
	if o := res.Overload; o != nil {
		p, r := overloadPick(o)
		picks, rules = append(picks, p), append(rules, r)
	}
	if e := res.Ergonomics; e != nil {
		p, r := ergonomicsPick(e)
		picks, rules = append(picks, p...), append(rules, r)
	}
	if len(picks) == 0 {
		s.Blocks = []block{para("This run has no study with data.")}
		return s, nil
	}
	s.Blocks = append(s.Blocks, list(picks), para("How these lines are derived:"), list(rules))
	return s, nil
}

// names formats executor names as code, joined with commas and "and".
func names(ns []string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = "`" + n + "`"
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func robustnessPick(sh *results.Shutdown) (pick, rule string) {
	pools := verdictPools(sh)
	fewest := -1
	var best []string
	for _, p := range pools {
		n := len(defectsOf(sh, p))
		switch {
		case fewest < 0 || n < fewest:
			fewest, best = n, []string{p}
		case n == fewest:
			best = append(best, p)
		}
	}
	var where []string
	for _, p := range best {
		if d := defectsOf(sh, p); len(d) > 0 {
			where = append(where, fmt.Sprintf("`%s` on %s", p, strings.Join(d, ", ")))
		}
	}
	pick = fmt.Sprintf("**Shutdown and failure behaviour**: pick %s: fewest defects, %d over %d probes", names(best), fewest, len(sh.Probes))
	if len(where) > 0 {
		pick += " (" + strings.Join(where, "; ") + ")"
	}
	pick += "."
	rule = "Robustness: the executors with the fewest defects over the shutdown probes, as the robustness section defines a defect."
	return pick, rule
}

func httpPick(h *results.HTTP) (pick, rule string) {
	var top results.HTTPServer
	for _, sv := range h.Servers {
		if sv.Peak.N > 0 && sv.Name != h.Reference && sv.Peak.Median > top.Peak.Median {
			top = sv
		}
	}
	var tied []string
	for _, sv := range h.Servers {
		if sv.Peak.N > 0 && sv.Name != h.Reference && sv.Peak.Hi >= top.Peak.Lo {
			tied = append(tied, sv.Name)
		}
	}
	switch {
	case top.Name == "":
		pick = "**Web server**: no server reached a peak."
	case len(tied) > 1:
		pick = fmt.Sprintf("**Web server**: no pick on peak throughput: %s are within each other's 95%% intervals (highest median `%s`, %s req/s; limit: %s).",
			names(tied), top.Name, num(top.Peak.Median), top.Limit)
	default:
		pick = fmt.Sprintf("**Web server**: pick `%s` for peak throughput (%s req/s; limit: %s).", top.Name, num(top.Peak.Median), top.Limit)
	}
	rule = "Web server: the pool with the highest median peak on `/`, unless other pools' 95% intervals reach its interval, in which case they are tied and the run does not rank them."
	return pick, rule
}

func ergonomicsPick(e *results.Ergonomics) (picks []string, rule string) {
	var fewest, native []string
	minLines, maxNative := -1, -1
	for _, l := range e.Libraries {
		switch {
		case minLines < 0 || l.Size.Lines < minLines:
			minLines, fewest = l.Size.Lines, []string{l.Library}
		case l.Size.Lines == minLines:
			fewest = append(fewest, l.Library)
		}
		switch {
		case l.Native > maxNative:
			maxNative, native = l.Native, []string{l.Library}
		case l.Native == maxNative:
			native = append(native, l.Library)
		}
	}
	picks = append(picks, fmt.Sprintf("**Simplest API**: pick %s: the %d jobs in %d lines. Most jobs done without a workaround (%d of %d): %s.",
		names(fewest), len(e.Jobs), minLines, maxNative, len(e.Jobs), names(native)))
	var rejecting []string
	for _, l := range e.Libraries {
		if has(e, l.Library, "bounded-queue") && has(e, l.Library, "nonblocking-submit") {
			rejecting = append(rejecting, l.Library)
		}
	}
	if len(rejecting) > 0 {
		picks = append(picks, fmt.Sprintf("**A queue that rejects when full** (load shedding): %s have both a bounded queue and a non-blocking submit.", names(rejecting)))
	}
	rule = "API: fewest lines over the ergonomics jobs, and most jobs done without a workaround; load shedding: a yes for both bounded queue and non-blocking submit in the feature matrix."
	return picks, rule
}

// has reports whether lib has feature in e's matrix.
func has(e *results.Ergonomics, lib, feature string) bool {
	for _, c := range e.Matrix {
		if c.Library == lib && c.Feature == feature {
			return c.Has
		}
	}
	return false
}
