package main

import (
	"context"
	"fmt"
)

// cmdCall is not built yet; its owner replaces this file.
func cmdCall(ctx context.Context, e env, args []string) int {
	fmt.Fprintln(e.stderr, "dozvon: this command is not built yet")
	return 2
}
