package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
)

func TestParseCPU(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    []int
		wantErr string
	}{
		{"1,2,4", []int{1, 2, 4}, ""},
		{"64, 8 ,1", []int{64, 8, 1}, ""},
		{"2", []int{2}, ""},
		{"0", nil, `"0" is not a GOMAXPROCS value`},
		{"-1", nil, "not a GOMAXPROCS value"},
		{"two", nil, `"two" is not`},
		{"1,,2", nil, `"" is not`},
		{"", nil, `"" is not`},
		{"2,2", nil, "2 is listed twice"},
		{"20000", nil, "exceeds 10000"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			got, err := parseCPU(tc.value)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "-cpu: ") {
					t.Errorf("parseCPU(%q) = %v, %v; want an error naming -cpu and %q", tc.value, got, err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("parseCPU(%q) = %v, %v; want %v", tc.value, got, err, tc.want)
			}
		})
	}
}

// TestCompareBadCPU checks that a bad -cpu ends compare with exit status 2 before any
// study runs.
func TestCompareBadCPU(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"compare", "--cpu", "1,0", "--out", t.TempDir()}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "-cpu") {
		t.Errorf("compare --cpu 1,0: exit %d, stderr %q; want 2 and a message naming -cpu", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("compare --cpu 1,0 wrote %q; want nothing", stdout.String())
	}
}
