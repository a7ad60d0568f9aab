package loadtest

import (
	"maps"
	"sync"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
)

// endedCall is what the full bench keeps of one call from its events.
type endedCall struct {
	outcome, result, endReason string
	sendLate                   *media.LatenessHistogram
	audio                      robot.AudioStats
	heard                      int // caller turns with recognised words
}

// pathTap hears every call event on its way to the events hub: it counts
// the calls up, stamps each event's emission (the hub's subscriber matches
// it for the delivery delay) and keeps each ended call's figures.
type pathTap struct {
	next callflow.Subscriber // the hub
	live *liveCalls

	mu     sync.Mutex
	sent   map[string][]time.Time // per call: emission times not yet delivered, in order
	heard  map[string]int
	silent map[string]int // caller turns that timed out without input, by script node
	out    map[string]string
	ended  []endedCall
	delays []time.Duration
}

func newPathTap(next callflow.Subscriber, live *liveCalls) *pathTap {
	return &pathTap{next: next, live: live, sent: map[string][]time.Time{}, heard: map[string]int{}, silent: map[string]int{}, out: map[string]string{}}
}

// stored reports whether the hub makes an envelope of e (events.FromCall
// skips a verdict or turn without its decision or turn).
func stored(e callflow.Event) bool {
	switch e.Kind {
	case callflow.Verdict:
		return e.Detection != nil
	case callflow.TurnTook:
		return e.Turn != nil
	}
	return true
}

// CallEvent implements callflow.Subscriber.
func (t *pathTap) CallEvent(e callflow.Event) {
	t.mu.Lock()
	if stored(e) {
		t.sent[e.CallID] = append(t.sent[e.CallID], time.Now())
	}
	switch e.Kind {
	case callflow.Started:
		t.live.n.Add(1)
	case callflow.TurnTook:
		if e.Turn != nil && e.Turn.Who == "caller" && e.Turn.Kind == "speech" && e.Turn.Text != "" {
			t.heard[e.CallID]++
		}
		if e.Turn != nil && e.Turn.Who == "caller" && e.Turn.Kind == "no_input" {
			t.silent[e.Turn.Node]++
		}
	case callflow.Outcome:
		t.out[e.CallID] = e.Outcome
	case callflow.Ended:
		t.live.n.Add(-1)
		t.ended = append(t.ended, endedCall{outcome: t.out[e.CallID], result: e.Result, endReason: e.EndReason,
			sendLate: e.SendLate, audio: e.Audio, heard: t.heard[e.CallID]})
		delete(t.out, e.CallID)
		delete(t.heard, e.CallID)
	}
	t.mu.Unlock()
	t.next.CallEvent(e)
}

// watch reads the hub's live stream until it closes and times each event
// from its emission: the queue, the batched store write and the fan-out.
// The hub keeps one call's events in order, so a call's first undelivered
// stamp is the one this envelope was made from.
func (t *pathTap) watch(sub *events.Subscription) {
	defer sub.Close()
	for env := range sub.C() {
		now := time.Now()
		t.mu.Lock()
		if q := t.sent[env.Call]; len(q) > 0 {
			t.delays = append(t.delays, now.Sub(q[0]))
			if len(q) == 1 {
				delete(t.sent, env.Call)
			} else {
				t.sent[env.Call] = q[1:]
			}
		}
		t.mu.Unlock()
	}
}

// results returns the ended calls and the event delays so far.
func (t *pathTap) results() ([]endedCall, []time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]endedCall(nil), t.ended...), append([]time.Duration(nil), t.delays...)
}

// noInputTurns returns the caller turns that timed out, by script node.
func (t *pathTap) noInputTurns() map[string]int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return maps.Clone(t.silent)
}
