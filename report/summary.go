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
	if len(e.Libraries) == 0 {
		return []string{"**Simplest API**: no library was studied."}, e.Rules.Tie
	}
	fewest, maxNative := -1, -1
	var native []string
	for _, l := range e.Libraries {
		if n := l.Size.LinesWithoutErrChecks(); fewest < 0 || n < fewest {
			fewest = n
		}
		switch {
		case l.Native > maxNative:
			maxNative, native = l.Native, []string{l.Library}
		case l.Native == maxNative:
			native = append(native, l.Library)
		}
	}
	limit := max(float64(fewest)*(1+e.Rules.TieRatio), float64(fewest+e.Rules.TieLines))
	var tied, counts []string
	for _, l := range e.Libraries {
		if n := l.Size.LinesWithoutErrChecks(); float64(n) <= limit {
			tied = append(tied, l.Library)
			counts = append(counts, fmt.Sprintf("`%s` %d", l.Library, n))
		}
	}
	pick := fmt.Sprintf("**Simplest API**: pick `%s`: the %d jobs in %d lines without error checks.", tied[0], len(e.Jobs), fewest)
	if len(tied) > 1 {
		pick = fmt.Sprintf("**Simplest API**: no single pick: %s are tied on the %d jobs' lines without error checks (%s; a tie is at most %.1f lines).",
			names(tied), len(e.Jobs), strings.Join(counts, ", "), limit)
	}
	picks = append(picks, pick+fmt.Sprintf(" Most jobs done without a workaround (%d of %d): %s.", maxNative, len(e.Jobs), names(native)))

	var queued, bare, capped []string
	for _, l := range e.Libraries {
		nb := has(e, l.Library, "nonblocking-submit")
		switch {
		case nb && has(e, l.Library, "bounded-queue"):
			queued = append(queued, l.Library)
		case nb:
			bare = append(bare, l.Library)
		}
		if has(e, l.Library, "submit-wait-cap") {
			capped = append(capped, l.Library)
		}
	}
	var ways []string
	if len(queued) > 0 {
		ways = append(ways, fmt.Sprintf("a bounded queue, then refusal at once when it is full: %s", names(queued)))
	}
	if len(bare) > 0 {
		ways = append(ways, fmt.Sprintf("refusal at once as soon as every worker is busy, with no queue: %s", names(bare)))
	}
	if len(capped) > 0 {
		ways = append(ways, fmt.Sprintf("a cap on the callers waiting in Submit, the next refused: %s", names(capped)))
	}
	if len(ways) > 0 {
		picks = append(picks, "**Load shedding** (refusing work when full): "+strings.Join(ways, "; ")+
			". An unbounded queue that never blocks refuses nothing, so it sheds no load.")
	}
	rule = e.Rules.Tie + " Most jobs native: the examples that need no workaround. Load shedding: from the feature matrix, as its definitions say: " +
		fmt.Sprintf("%s with %s; %s without %s; %s.", featureName(e, "bounded-queue"), featureName(e, "nonblocking-submit"),
			featureName(e, "nonblocking-submit"), featureName(e, "bounded-queue"), featureName(e, "submit-wait-cap"))
	return picks, rule
}

// featureName is the name of e's feature id, as the run wrote it.
func featureName(e *results.Ergonomics, id string) string {
	for _, f := range e.Features {
		if f.ID == id {
			return f.Name
		}
	}
	return id
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
