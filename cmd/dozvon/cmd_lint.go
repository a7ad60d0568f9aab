package main

import (
	"context"
	"fmt"

	"github.com/dozvon/dozvon/scripts"
)

// cmdLint checks dialogue scripts: dozvon lint FILE... It prints one
// "file:line: message" per finding and exits 1 when any is an error.
func cmdLint(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: dozvon lint SCRIPT.yaml...")
		return 2
	}
	errs, warns := 0, 0
	for _, f := range args {
		for _, d := range scripts.Lint(f) {
			fmt.Fprintln(e.stdout, d.String())
			if d.Warning {
				warns++
			} else {
				errs++
			}
		}
	}
	fmt.Fprintf(e.stderr, "lint: %d file(s), %d error(s), %d warning(s)\n", len(args), errs, warns)
	if errs > 0 {
		return 1
	}
	return 0
}
