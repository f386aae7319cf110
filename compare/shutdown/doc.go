// Package shutdown is the shutdown-robustness study: probes that drive each executor through
// shutdown, deadlines, panics, runtime.Goexit, leaks and races, and Shutdown or Submit called
// from a task, each in a child process with a hard timeout.
//
// The probe table (probes.go) is the one definition of every probe: its setup, its verdict
// words worst first, its rounds and its time limits, and isDefect, the one rule for which
// verdicts are defects. The probe bodies (probe.go) run inside the child (`poolbench
// probe-child`) through the pools.Executor interface and print one Observation per round;
// the parent (shutdown.go) turns those, or the child's crash or hang, into a typed verdict
// whose every word comes with its frequency and 95% Wilson interval (wilson, the one place
// it is computed). TestAntsRace (antsrace_test.go) is a reproducer of ants' lost wakeup
// that runs only when asked.
package shutdown
