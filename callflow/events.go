package callflow

import (
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/robot"
)

// EventKind names a moment in a call's life.
type EventKind string

// The events of one call, in the order they can happen. Every call has
// Started and Ended; an outbound call that rings has Ringing; an answered
// one Answered and Outcome; Verdict and Turn come as the robot hears them.
const (
	Started  EventKind = "started"
	Ringing  EventKind = "ringing"
	Answered EventKind = "answered"
	Verdict  EventKind = "verdict" // a first-phrase verdict: provisional, then settled
	TurnTook EventKind = "turn"    // one transcript turn
	Outcome  EventKind = "outcome" // how the dialogue ended
	// HandOffAnswered: a collector answered a hand-off or a click-to-call
	// (the screen pop of their page: the debtor, the transcript so far).
	HandOffAnswered EventKind = "handoff"
	Ended           EventKind = "ended"
)

// Event is one moment of one call. It holds no phone number: subscribers
// (a collector's live page among them) get the debtor's id, never the number.
type Event struct {
	Kind      EventKind
	CallID    string // the call's id, the same from Started to Ended and in the store
	At        time.Time
	Direction string // outbound | inbound
	Campaign  string // "" outside a campaign
	TaskID    int64
	DebtorID  string
	// Verdict: the first-phrase decision; its evidence has names and long numbers masked.
	Detection *detect.Decision
	// TurnTook: the turn (the caller's words are personal data: a subscriber
	// that shows them must be entitled to).
	Turn *robot.Turn
	// Outcome and Ended: the dialogue's outcome and its slots.
	Outcome string
	Slots   map[string]string
	// Ended: the telephony result and SIP code; for an answered call, who
	// ended it (telephony's end reason: local, remote, media_timeout, media).
	Result    string
	SIPCode   int
	EndReason string
	// Ended, when the call had media: how late its frames left against the
	// media clock, and how much of the far end's audio arrived and was fed
	// to the recognizer (the service's metrics).
	SendLate *media.LatenessHistogram
	Audio    robot.AudioStats
	// HandOffAnswered: the collector's login and the transcript so far
	// (personal data, as Turn: for entitled subscribers only).
	Collector  string
	Transcript []robot.Turn
	// Queued: the caller's place in the inbound line (1: next).
	Position int
}

// Subscriber sees call events. CallEvent is called from the call's own
// goroutines and must return quickly (hand the event to a queue).
type Subscriber interface {
	CallEvent(Event)
}

// Subscribers sends each event to every subscriber in turn.
type Subscribers []Subscriber

// CallEvent implements Subscriber.
func (s Subscribers) CallEvent(e Event) {
	for _, sub := range s {
		sub.CallEvent(e)
	}
}

// emitter stamps and sends one call's events.
type emitter struct {
	sub  Subscriber
	base Event // identity fields
	now  func() time.Time
	log  *slog.Logger
}

func (e *emitter) send(ev Event) {
	if e == nil || e.sub == nil {
		return
	}
	ev.CallID, ev.Direction, ev.Campaign, ev.TaskID, ev.DebtorID = e.base.CallID, e.base.Direction, e.base.Campaign, e.base.TaskID, e.base.DebtorID
	if ev.At.IsZero() {
		ev.At = e.now()
	}
	// a subscriber's panic loses it this event; the call goes on
	defer safe.Recover(e.log, "callflow event subscriber", nil)
	e.sub.CallEvent(ev)
}

func (e *emitter) turn(t robot.Turn) { e.send(Event{Kind: TurnTook, Turn: &t}) }

func (e *emitter) verdict(d detect.Decision) { e.send(Event{Kind: Verdict, Detection: &d}) }
