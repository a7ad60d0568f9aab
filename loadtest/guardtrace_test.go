package loadtest

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// The trace's means: a reservation's over every decision, a commit's over
// the decisions that committed, the Go work as the batch less its round
// trips and SQLite's commit.
func TestTraceSumsMeans(t *testing.T) {
	ms := func(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }
	t0 := time.Unix(1000, 0)
	op := func(wait, batch float64, trips ...float64) compliance.OpTrace {
		var rts []time.Duration
		for _, r := range trips {
			rts = append(rts, ms(r))
		}
		return compliance.OpTrace{Wait: ms(wait), Batch: ms(batch), Ops: 1, Store: store.BatchTrace{RoundTrips: rts}}
	}
	var s traceSums
	gc := &gcWindow{}
	s.add(decisionTrace{start: t0, end: t0.Add(ms(10)), reserve: op(1, 4, 1, 1, 1), reserveCall: ms(5),
		commit: op(0, 2, 1, 0.5), commitCall: ms(2)}, gc)
	s.add(decisionTrace{start: t0, end: t0.Add(ms(6)), reserve: op(3, 2, 0.5, 0.5, 0.5), reserveCall: ms(5),
		commitCall: -1}, gc)
	want := "total 8.00 = queue 2.00 + reserve 5.00 [wait 2.00, batch 3.00 (1.0 ops; round trips 3.0: 0.75+0.75+0.75; " +
		"sqlite commit+sync+queued 0.00, of it fdatasync 0.00; go 0.75)] + commit 1.00 of 50% [wait 0.00, batch 2.00 " +
		"(1.0 ops; round trips 2.0: 1.00+0.50; sqlite commit+sync+queued 0.00, of it fdatasync 0.00; go 0.50)]; gc pauses inside 0.00"
	if got := s.String(); got != want {
		t.Errorf("trace means:\n got %s\nwant %s", got, want)
	}
}
