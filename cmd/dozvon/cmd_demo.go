package main

import (
	"context"
	"fmt"
)

// cmdDemo is not built yet; its owner replaces this file.
func cmdDemo(ctx context.Context, e env, args []string) int {
	fmt.Fprintln(e.stderr, "dozvon: this command is not built yet")
	return 2
}
