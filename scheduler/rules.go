package scheduler

import (
	"fmt"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// Telephony results an Attempt can carry (telephony.Result values).
const (
	ResultAnswered    = "answered"
	ResultBusy        = "busy"
	ResultNoAnswer    = "no_answer"
	ResultRejected    = "rejected"
	ResultUnreachable = "unreachable"
	ResultFailed      = "failed"
	ResultDenied      = "denied" // not dialed: the 230-FZ guard said no
)

// Disposition is what an answered call means for its task, in the
// scheduler's own words; the dialer maps the dialogue's outcome onto it, so
// the retry rules do not depend on any script's vocabulary.
type Disposition string

// Dispositions of an answered call.
const (
	Reached        Disposition = "reached"      // the debtor was reached and the call did its job: done
	Refused        Disposition = "refused"      // the debtor refused interaction (230-FZ art. 8): done, block filed
	WrongPerson    Disposition = "wrong_person" // the number is not the debtor's: quarantined
	CallbackAsked  Disposition = "callback"     // call again at Attempt.CallbackAt (zero: after the no-answer pause)
	NonHuman       Disposition = "non_human"    // a voice assistant or an answering machine
	Announcement   Disposition = "announcement" // a carrier message after answer: as unreachable as a 480
	DialogueFailed Disposition = "failed"       // the dialogue broke
	NotReached     Disposition = "not_reached"  // a third party, a hang-up, silence: the debtor not reached yet
)

// Attempt is what one dial of a task produced.
type Attempt struct {
	Result        string      // a Result… constant
	SIPCode       int         // final SIP code, when known
	Outcome       string      // for answered calls: how the dialogue ended (the script's outcome, stored)
	Disposition   Disposition // for answered calls: what the outcome means for the task (empty: NotReached)
	CallbackAt    time.Time   // for CallbackAsked: when the debtor asked to be called
	Slots         map[string]string
	Kind          compliance.Kind // how the call counts for 230-FZ; empty: attempt
	CallID        string
	Trunk         string
	CallerID      string
	Started       time.Time
	Answered      time.Time
	Ended         time.Time
	CostKop       int64 // telephony cost of the call
	RecordingPath string
}

// effect is a change to the debtor's data an outcome calls for.
type effect int

const (
	effectNone effect = iota
	effectConfirm
	effectQuarantine
	effectRefusal // also confirms the number: the debtor answered
)

// verdict is the scheduler's decision after an attempt: the task update plus its side effects.
type verdict struct {
	update store.TaskUpdate
	effect effect
}

// decide applies the retry rules to an attempt on task t. attempts is the
// number of calls placed to this phone including this one; debtorAttempts the
// same for the debtor over all phones; collector is the debtor's responsible
// collector (callbacks are pinned to them).
func decide(rules RetryRules, t store.Task, a Attempt, now time.Time, attempts, debtorAttempts int, collector string) verdict {
	u := store.TaskUpdate{Attempted: true, LastResult: a.Result, Outcome: a.Outcome, Slots: a.Slots, PinnedTo: t.PinnedTo}
	retry := func(after Duration, why string) verdict {
		u.Reason = why
		switch {
		case debtorAttempts >= rules.MaxPerDebtor:
			u.State, u.Reason = store.TaskExhausted, fmt.Sprintf("%s; %d calls to the debtor: limit reached", why, debtorAttempts)
			u.SkipOthers = "the debtor's call limit was reached"
		case attempts >= rules.MaxPerPhone:
			u.State, u.Reason = store.TaskExhausted, fmt.Sprintf("%s; %d calls to this phone: limit reached", why, attempts)
			u.NextPhoneAt = now
		default:
			u.State, u.DueAt = store.TaskPending, now.Add(time.Duration(after))
			u.NextPhoneAt = now // meanwhile the debtor's next phone is tried
		}
		return verdict{update: u}
	}
	switch a.Result {
	case ResultBusy:
		return retry(rules.Busy, "busy")
	case ResultNoAnswer:
		return retry(rules.NoAnswer, "no answer")
	case ResultRejected:
		return retry(rules.Rejected, "rejected")
	case ResultUnreachable:
		return retry(rules.Unreachable, "unreachable")
	case ResultAnswered:
	default:
		return retry(rules.Failed, "call failed")
	}
	reached := "the debtor was reached on another phone"
	switch a.Disposition {
	case Reached:
		u.State, u.SkipOthers = store.TaskDone, reached
		return verdict{update: u, effect: effectConfirm}
	case Refused:
		u.State, u.SkipOthers, u.Reason = store.TaskDone, "the debtor refused interaction", "refused: refusal block filed"
		return verdict{update: u, effect: effectRefusal}
	case WrongPerson:
		u.State, u.Reason, u.NextPhoneAt = store.TaskDone, "wrong person: number quarantined", now
		return verdict{update: u, effect: effectQuarantine}
	case CallbackAsked:
		at := a.CallbackAt
		if !at.After(now) {
			at = now.Add(time.Duration(rules.NoAnswer))
		}
		// A callback is a promise to the debtor: it does not count against the retry limits.
		u.State, u.DueAt, u.PinnedTo, u.SkipOthers = store.TaskPending, at, collector, reached
		u.Reason = store.CallbackReasonPrefix + at.UTC().Format(time.RFC3339)
		if collector != "" {
			u.Reason += ", pinned to " + collector
		}
		return verdict{update: u, effect: effectConfirm}
	case Announcement:
		// a carrier message after answer ("аппарат абонента выключен")
		// says the same as a 480: the phone is off or out of reach
		return retry(rules.Unreachable, "carrier announcement: unreachable")
	case NonHuman:
		return retry(rules.Machine, a.Outcome)
	case DialogueFailed:
		return retry(rules.Failed, "dialogue failed")
	default: // third party, hangup, no input, unrecognized: the number may be right, the debtor not reached
		return retry(rules.NoAnswer, a.Outcome)
	}
}
