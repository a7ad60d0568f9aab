package detect

import (
	"testing"
	"time"
)

// TestKeypadIsAPerson: a caller who presses a key and says nothing is a
// person (a keypad campaign), not silence; without the key the same quiet
// line is silence; a key after a verdict changes nothing.
func TestKeypadIsAPerson(t *testing.T) {
	tests := []struct {
		name  string
		keyAt time.Duration // -1: no key
		want  Class
	}{
		{"a key, then a quiet line", time.Second, Human},
		{"a key at once", 0, Human},
		{"no key: silence", -1, Silence},
		{"a key after the silence verdict", 9 * time.Second, Silence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{})
			silent := make([]int16, evalFrame)
			for now := time.Duration(0); now < 10*time.Second; now += 20 * time.Millisecond {
				if tt.keyAt >= 0 && now == tt.keyAt {
					c.Keypad()
				}
				c.Frame(silent, false)
			}
			d, ok := c.Decision()
			if !ok || !d.Settled || d.Class != tt.want {
				t.Fatalf("decision %+v (%v), want settled %s", d, ok, tt.want)
			}
		})
	}
}
