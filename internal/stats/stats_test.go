package stats

import "testing"

func TestSummarize(t *testing.T) {
	few := Summarize([]float64{5, 1, 3}, "ns")
	if few.N != 3 || few.Median != 3 || few.Lo != 3 || few.Hi != 3 || few.Unit != "ns" {
		t.Errorf("Summarize(3 values) = %+v; want median 3 and no interval", few)
	}
	enough := Summarize([]float64{10, 11, 12, 13, 14, 15, 16, 17}, "ns")
	if enough.N != 8 || enough.Lo >= enough.Median || enough.Hi <= enough.Median || enough.Lo < 10 || enough.Hi > 17 {
		t.Errorf("Summarize(8 values) = %+v; want an interval around the median within the samples", enough)
	}
	if s := Summarize(nil, "ns"); s.N != 0 || s.Unit != "ns" {
		t.Errorf("Summarize(nil) = %+v; want an empty summary in ns", s)
	}
	if r := Rules(); r.MinSamples != MinSamples || r.Confidence != Confidence {
		t.Errorf("Rules() = %+v; want the constants", r)
	}
}
