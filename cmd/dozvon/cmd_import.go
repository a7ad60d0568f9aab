package main

import (
	"context"
	"fmt"
)

// cmdImport is not built yet; its owner replaces this file.
func cmdImport(ctx context.Context, e env, args []string) int {
	fmt.Fprintln(e.stderr, "dozvon: this command is not built yet")
	return 2
}
