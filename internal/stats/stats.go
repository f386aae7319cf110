// Package stats summarises samples the way benchstat does, into the results schema.
package stats

import (
	"golang.org/x/perf/benchmath"

	"poolbench/compare/results"
)

// MinSamples is the fewest samples that give a summary an interval.
const MinSamples = 6

// Confidence is the level of every interval.
const Confidence = 0.95

// Rules are the rules Summarize applies, for a run to write into its results.
func Rules() results.Rules { return results.Rules{MinSamples: MinSamples, Confidence: Confidence} }

// Summarize summarises values, in unit, with golang.org/x/perf/benchmath's
// distribution-free median and 95% interval. Fewer than MinSamples values give no
// interval: Lo and Hi are the median.
func Summarize(values []float64, unit string) results.Summary {
	if len(values) == 0 {
		return results.Summary{Unit: unit}
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &benchmath.DefaultThresholds), Confidence)
	sum := results.Summary{Median: s.Center, Lo: s.Lo, Hi: s.Hi, N: len(values), Unit: unit}
	if len(values) < MinSamples {
		sum.Lo, sum.Hi = sum.Median, sum.Median
	}
	return sum
}
