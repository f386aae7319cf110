package results

// Summary is a median with its 95% confidence interval, as benchstat computes them.
type Summary struct {
	Median float64 `json:"median"`
	Lo     float64 `json:"lo"` // the interval's bounds; equal to Median when N < MinSamples
	Hi     float64 `json:"hi"`
	N      int     `json:"n"`
	Unit   string  `json:"unit"`
}

// Spread is the interval's width relative to the median: 0.1 means ±5%.
func (s Summary) Spread() float64 {
	if s.Median == 0 {
		return 0
	}
	return (s.Hi - s.Lo) / s.Median
}
