package report

import (
	"fmt"
	"math"

	"poolbench/compare/results"
)

// num formats v with about three significant digits, never in scientific notation.
func num(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

// median formats a summary as "median [lo, hi]", or "median (n=N, no interval)" when it
// has fewer than the run's rules ask for an interval.
func median(s results.Summary, rules results.Rules) string {
	if s.N == 0 {
		return "–"
	}
	if s.N < rules.MinSamples {
		return fmt.Sprintf("%s (n=%d, no interval)", num(s.Median), s.N)
	}
	return fmt.Sprintf("%s [%s, %s]", num(s.Median), num(s.Lo), num(s.Hi))
}

// ratio formats a ratio such as 1.23x, or – when it is missing.
func ratio(r *float64) string {
	if r == nil {
		return "–"
	}
	return fmt.Sprintf("%.2fx", *r)
}

// ms formats a duration in microseconds as milliseconds.
func ms(us int64) string { return num(float64(us) / 1000) }

// pct formats a fraction as a percentage.
func pct(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }
