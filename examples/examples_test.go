package examples_test

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no example leaves a goroutine behind. IgnoreCurrent is taken before
// any example runs, so it only ignores what libraries start at import (ants' default pool).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreCurrent(),
		// pond v1's StopAndWaitFor leaves a goroutine blocked for ever on an unbuffered send
		// when its deadline passes (pond.go:342-345): a finding of Example_pond_shutdown.
		goleak.IgnoreTopFunction("github.com/alitto/pond.(*WorkerPool).StopAndWaitFor.func1"),
		// So does its TaskGroupWithContext.Wait when a task fails, as Wait returns on the
		// group's context before its tasks are done (group.go:74-76): Example_pond_results.
		goleak.IgnoreTopFunction("github.com/alitto/pond.(*TaskGroupWithContext).Wait.func1"))
}

// square is the task of the results job. It fails on a negative input, so that one batch
// gives results and another the first error.
func square(v int) (int, error) {
	if v < 0 {
		return 0, fmt.Errorf("square(%d): negative input", v)
	}
	return v * v, nil
}
