package results

import (
	"slices"
	"testing"
)

func TestWorkloadSizes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		w     Workload
		procs int
		want  []int
	}{
		{"GOMAXPROCS alone", Workload{PerProc: true}, 4, []int{4}},
		{"GOMAXPROCS and a large pool", Workload{PerProc: true, Fixed: []int{10000}}, 2, []int{2, 10000}},
		{"a fixed size alone", Workload{Fixed: []int{1000}}, 64, []int{1000}},
		{"GOMAXPROCS equal to a fixed size counts once", Workload{PerProc: true, Fixed: []int{8}}, 8, []int{8}},
		{"smallest first", Workload{PerProc: true, Fixed: []int{100}}, 128, []int{100, 128}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.w.Sizes(tc.procs); !slices.Equal(got, tc.want) {
				t.Errorf("Sizes(%d) = %v; want %v", tc.procs, got, tc.want)
			}
		})
	}
}
