// Package logsink is a log destination that tests read back: what a
// component logged (an alarm said once, no phone number in any line) is
// behaviour, and checking it needs the lines.
package logsink

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

// Buffer collects log output from any number of goroutines.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// New returns a debug-level text logger writing into a fresh Buffer.
func New() (*slog.Logger, *Buffer) {
	b := &Buffer{}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug})), b
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything logged so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Count is how many lines hold every one of parts.
func (b *Buffer) Count(parts ...string) int {
	n := 0
	for _, line := range strings.Split(b.String(), "\n") {
		all := line != ""
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
