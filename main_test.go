package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"poolbench/pools"
)

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		wantStderr string
	}{
		{nil, 2, "no subcommand"},
		{[]string{"nope"}, 2, `unknown subcommand "nope"`},
		{[]string{"pools", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"pools", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"pools", "-h"}, 0, "usage: poolbench pools"},
		{[]string{"-h"}, 0, "usage: poolbench <subcommand>"},
		{[]string{"pools"}, 0, ""},
		{[]string{"compare", "--rounds=0"}, 2, "-rounds = 0; want >= 1"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != tc.code {
				t.Errorf("exit code = %d; want %d (err %v)", code, tc.code, err)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) {
				t.Errorf("stderr = %q; want it to contain %q", stderr.String(), tc.wantStderr)
			}
		})
	}
}

// buildPoolbench builds this module's binary into a temporary folder, for tests that run
// it as users and studies do; with -short they are skipped.
func buildPoolbench(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "poolbench")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestPoolsVersions builds poolbench and checks that `poolbench pools` reports, for each
// library, the version go.mod pins: the versions come from the binary's build info.
func TestPoolsVersions(t *testing.T) {
	bin := buildPoolbench(t)
	out, err := exec.Command(bin, "pools").Output()
	if err != nil {
		t.Fatalf("poolbench pools: %v", err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n")[1:] {
		f := strings.Fields(line)
		rows[f[0]] = f
	}
	for _, name := range pools.Names() {
		in, err := pools.Describe(name)
		if err != nil {
			t.Fatal(err)
		}
		row := rows[name]
		if len(row) < 3 || row[1] != in.Module {
			t.Errorf("pools row for %s = %q; want module %s", name, row, in.Module)
			continue
		}
		if in.Module == "poolbench" || in.Module == "go" {
			continue
		}
		want, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", in.Module).Output()
		if err != nil {
			t.Fatalf("go list -m %s: %v", in.Module, err)
		}
		if got := row[2]; got != strings.TrimSpace(string(want)) {
			t.Errorf("%s version = %s; go.mod pins %s", name, got, want)
		}
	}
}
