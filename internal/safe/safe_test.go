package safe

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// TestRecover: a panic in a worker goroutine is stopped there, handed over
// with its stack, and logged without its value (which may hold a phone
// number); a runtime error keeps the runtime's own words.
func TestRecover(t *testing.T) {
	t.Parallel()
	var nilMap map[string]int
	var idx []int
	for _, tc := range []struct {
		name    string
		fn      func()
		want    string // in Error() and the log
		secret  string // never in the log
		stackIn string
	}{
		{"string value", func() { panic("debtor +79161234567 Иванов") }, "a string value", "79161234567", "safe.TestRecover"},
		{"error value", func() { panic(errBoom{"Иванов Иван"}) }, "a safe.errBoom value", "Иванов", "safe.TestRecover"},
		{"runtime error", func() { nilMap["x"] = 1 }, "assignment to entry in nil map", "", "safe.TestRecover"},
		{"index", func() { _ = idx[3] }, "index out of range [3] with length 0", "", "safe.TestRecover"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(slog.NewTextHandler(&buf, nil))
			got := make(chan *Panic, 1)
			var wg sync.WaitGroup
			wg.Add(1)
			Go(log, "test worker", func() { defer wg.Done(); tc.fn() }, func(p *Panic) { got <- p })
			wg.Wait()
			p := <-got
			if !strings.Contains(p.Error(), tc.want) || !strings.HasPrefix(p.Error(), "panic in test worker: ") {
				t.Errorf("Error() = %q, want it to name the worker and %q", p.Error(), tc.want)
			}
			if !strings.Contains(string(p.Stack), tc.stackIn) {
				t.Errorf("stack lacks %q:\n%s", tc.stackIn, p.Stack)
			}
			out := buf.String()
			if !strings.Contains(out, tc.want) || !strings.Contains(out, "stack=") {
				t.Errorf("log %q lacks %q or the stack", out, tc.want)
			}
			if tc.secret != "" && strings.Contains(out, tc.secret) {
				t.Errorf("log leaks %q: %s", tc.secret, out)
			}
		})
	}
	if p := Run(nil, "calm", func() {}); p != nil {
		t.Errorf("Run without a panic returned %v", p)
	}
	if p := Run(slog.New(slog.DiscardHandler), "run", func() { panic(7) }); p == nil || p.Value != 7 {
		t.Errorf("Run = %v, want the panic with value 7", p)
	}
}

type errBoom struct{ who string }

func (e errBoom) Error() string { return "boom for " + e.who }
