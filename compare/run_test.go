package compare

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"poolbench/compare/results"
)

// TestRunGoesOnAfterAFailedStudy runs ergonomics and http with no binary for http's
// children: http fails, ergonomics still lands, and the results are marked partial.
func TestRunGoesOnAfterAFailedStudy(t *testing.T) {
	var progress bytes.Buffer
	res := results.Results{Schema: results.Schema}
	err := Run(context.Background(), []string{"http", "ergonomics"}, Options{Pools: []string{"custom"}, Progress: NewProgress(&progress)}, &res)
	if err == nil || !strings.Contains(err.Error(), "compare: http:") {
		t.Fatalf("Run() = %v; want the http study's error", err)
	}
	if res.Ergonomics == nil || !res.Partial {
		t.Errorf("Run() left Ergonomics = %v, Partial = %v; want results and partial", res.Ergonomics != nil, res.Partial)
	}
	if !strings.Contains(progress.String(), "study 1/2 ergonomics: 3/3") {
		t.Errorf("progress = %q; want the first study named with its place", progress.String())
	}
}

func TestRunRejectsUnknownStudy(t *testing.T) {
	res := results.Results{}
	if err := Run(context.Background(), []string{"nope"}, Options{}, &res); err == nil || !strings.Contains(err.Error(), `unknown study "nope"`) {
		t.Fatalf("Run(nope) = %v; want an unknown-study error", err)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := results.Results{}
	if err := Run(ctx, []string{"ergonomics"}, Options{}, &res); !errors.Is(err, context.Canceled) || !res.Partial {
		t.Fatalf("Run() with a cancelled ctx = %v, partial %v; want context.Canceled and partial", err, res.Partial)
	}
}

func TestProgress(t *testing.T) {
	var plain bytes.Buffer
	p := NewProgress(&plain)
	p.Study(1, 2)
	p.Step("work", 4)
	p.Add(2)
	p.Finish()
	lines := strings.Split(strings.TrimSpace(plain.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "study 1/2 work: 2/4, elapsed ") || !strings.Contains(lines[1], "step ETA ") {
		t.Errorf("plain progress = %q; want one line per update with done/total, elapsed and ETA", plain.String())
	}

	var live bytes.Buffer
	p = &Progress{w: &live, live: true}
	p.Step("work", 4)
	p.Add(4)
	p.Finish()
	if got := live.String(); !strings.Contains(got, "\r\033[Kwork [########################] 4/4") || !strings.HasSuffix(got, "\n") {
		t.Errorf("live progress = %q; want a redrawn line with a full bar, ended by a newline", got)
	}
	var nilProgress *Progress
	nilProgress.Step("x", 1) // reports nothing, and does not panic
	nilProgress.Add(1)
	nilProgress.Finish()
}
