// Package compare runs poolbench's studies (throughput, HTTP, shutdown robustness and API
// ergonomics) and gathers what they measure into Results, which package report renders.
package compare

import (
	"os"
	"runtime"
	"strings"
	"time"

	"poolbench/pools"
)

// Schema is the version of the Results JSON layout. Bump it when a field changes meaning
// or is removed.
const Schema = 1

// Results is everything one run of poolbench compare measured.
type Results struct {
	Schema  int  `json:"schema"`
	Env     Env  `json:"env"`
	Partial bool `json:"partial"` // not every study finished: the run was stopped, or a study failed
	// One field per study, nil when the study did not run.
	Ergonomics *Ergonomics `json:"ergonomics,omitempty"`
	HTTP       *HTTP       `json:"http,omitempty"`
	Shutdown   *Shutdown   `json:"shutdown,omitempty"`
	Throughput *Throughput `json:"throughput,omitempty"`
}

// Env describes the machine and the run that produced a Results.
type Env struct {
	GoVersion  string        `json:"go_version"`
	OS         string        `json:"os"`
	Arch       string        `json:"arch"`
	CPU        string        `json:"cpu"`
	Cores      int           `json:"cores"`
	GOMAXPROCS int           `json:"gomaxprocs"`
	Executors  []pools.Info  `json:"executors"` // with each library's version from the build info
	Date       time.Time     `json:"date"`
	Command    string        `json:"command"`
	Duration   time.Duration `json:"duration_ns"`
}

// NewEnv describes this machine and process, for a run that starts now.
func NewEnv(args []string) Env {
	env := Env{
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
			env.Executors = append(env.Executors, in)
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
