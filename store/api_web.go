package store

import "strings"

// likeEscape escapes LIKE's wildcards in s (with \ as the ESCAPE), so a
// filter typed by a user matches itself only.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
