package main

import (
	"context"
	"fmt"
)

// cmdPhones is not built yet; its owner replaces this file.
func cmdPhones(ctx context.Context, e env, args []string) int {
	fmt.Fprintln(e.stderr, "dozvon: this command is not built yet")
	return 2
}
