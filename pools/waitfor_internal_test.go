package pools

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWaitForPanic checks that a panic in the library's wait reaches waitFor's caller, on
// the caller's goroutine, as it reaches a user who calls the wait there.
func TestWaitForPanic(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("waitFor recovered %v; want the wait's panic, boom", r)
		}
	}()
	err := waitFor(context.Background(), func() { panic("boom") })
	t.Errorf("waitFor() = %v; want it to panic", err)
}

func TestWaitForDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := waitFor(ctx, func() { <-release }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waitFor() = %v; want context.DeadlineExceeded", err)
	}
	if err := waitFor(context.Background(), func() {}); err != nil {
		t.Errorf("waitFor(quick) = %v; want nil", err)
	}
}
