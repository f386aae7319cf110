// Package compare runs poolbench's studies and gathers what they measure into a
// results.Results, which package report renders.
//
// It only orchestrates: each study is a package of its own (ergonomics, throughput, web,
// shutdown), the schema of what they measure is package results, and the plumbing they
// share is under internal/. compare runs the chosen studies in report order, describes the
// environment, and shows progress. docs/design.md walks the whole layout.
package compare

import (
	"os"
	"runtime"
	"strings"
	"time"

	"poolbench/compare/results"
	"poolbench/pools"
)

// NewEnv describes this machine and process, for a run that starts now.
func NewEnv(args []string) results.Env {
	env := results.Env{
		GoVersion:  runtime.Version(),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		CPU:        cpuModel(),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Date:       time.Now().UTC().Truncate(time.Second),
		Command:    strings.Join(append([]string{"poolbench"}, args...), " "),
	}
	for _, name := range pools.Names() {
		in, err := pools.Describe(name)
		if err == nil {
			env.Executors = append(env.Executors, results.Executor(in))
		}
	}
	return env
}

// cpuModel reads the CPU's model name from /proc/cpuinfo where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
