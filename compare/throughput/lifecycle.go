package throughput

import (
	"context"
	"fmt"

	"poolbench/pools"
)

// Cycle builds pool with Config{Workers: workers, Queue: BatchSize}, the configuration the
// throughput runs use, and shuts it down at once with no task submitted: the cost of a
// pool made for one request or one job, before any work. BenchmarkLifecycle and the
// throughput study both time it.
func Cycle(ctx context.Context, pool string, workers int) error {
	e, err := pools.New(pool, pools.Config{Workers: workers, Queue: BatchSize})
	if err != nil {
		return fmt.Errorf("compare: lifecycle: %w", err)
	}
	if err := e.Shutdown(ctx); err != nil {
		return fmt.Errorf("compare: lifecycle: %s: Shutdown: %w", pool, err)
	}
	return nil
}
