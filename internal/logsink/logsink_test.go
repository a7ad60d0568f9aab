package logsink

import (
	"sync"
	"testing"
)

func TestBufferCountsLinesFromManyGoroutines(t *testing.T) {
	log, buf := New()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { log.Info("alarm", "n", i%2) })
	}
	wg.Wait()
	if got := buf.Count("alarm"); got != 20 {
		t.Errorf("Count(alarm) = %d, want 20", got)
	}
	if got := buf.Count("alarm", "n=1"); got != 10 {
		t.Errorf("Count(alarm, n=1) = %d, want 10", got)
	}
	if got := buf.Count("absent"); got != 0 {
		t.Errorf("Count(absent) = %d", got)
	}
}
