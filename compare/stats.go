package compare

import (
	"golang.org/x/perf/benchmath"
)

// MinSamples is the fewest samples that give a summary an interval.
const MinSamples = 6

// Summary is a median with its 95% confidence interval, as benchstat computes them.
type Summary struct {
	Median float64 `json:"median"`
	Lo     float64 `json:"lo"` // the interval's bounds; equal to Median when N < MinSamples
	Hi     float64 `json:"hi"`
	N      int     `json:"n"`
	Unit   string  `json:"unit"`
}

// Summarize summarises values, in unit, with golang.org/x/perf/benchmath's
// distribution-free median and 95% interval. Fewer than MinSamples values give no
// interval: Lo and Hi are the median.
func Summarize(values []float64, unit string) Summary {
	if len(values) == 0 {
		return Summary{Unit: unit}
	}
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(values, &benchmath.DefaultThresholds), 0.95)
	sum := Summary{Median: s.Center, Lo: s.Lo, Hi: s.Hi, N: len(values), Unit: unit}
	if len(values) < MinSamples {
		sum.Lo, sum.Hi = sum.Median, sum.Median
	}
	return sum
}

// Spread is the interval's width relative to the median: 0.1 means ±5%.
func (s Summary) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return (s.Hi - s.Lo) / s.Median
}
