// Package selfexec starts the running test binary again as a child process,
// with extra environment that makes its TestMain play a part (a node to kill
// with SIGKILL in crash tests) instead of running the tests.
package selfexec

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
)

// Start starts the child with env added to this process's environment; its
// stderr is this process's, its stdout comes back line by line.
func Start(ctx context.Context, env ...string) (*exec.Cmd, *bufio.Scanner, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("selfexec: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("selfexec: %w", err)
	}
	return cmd, bufio.NewScanner(out), nil
}
