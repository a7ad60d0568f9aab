package scheduler

import (
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

func TestDecide(t *testing.T) {
	now := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	rules := DefaultRetryRules()
	cb := now.Add(26 * time.Hour)
	for _, c := range []struct {
		name            string
		a               Attempt
		attempts, total int
		state           string
		due             time.Time
		effect          effect
		skip, next      bool
	}{
		{"busy +15m", Attempt{Result: ResultBusy}, 1, 1, store.TaskPending, now.Add(15 * time.Minute), effectNone, false, true},
		{"no answer +2h", Attempt{Result: ResultNoAnswer}, 1, 1, store.TaskPending, now.Add(2 * time.Hour), effectNone, false, true},
		{"failed +5m", Attempt{Result: ResultFailed}, 1, 1, store.TaskPending, now.Add(5 * time.Minute), effectNone, false, true},
		{"machine next day", Attempt{Result: ResultAnswered, Outcome: "machine", Disposition: NonHuman}, 1, 1, store.TaskPending, now.Add(24 * time.Hour), effectNone, false, true},
		{"assistant next day", Attempt{Result: ResultAnswered, Outcome: "assistant", Disposition: NonHuman}, 1, 1, store.TaskPending, now.Add(24 * time.Hour), effectNone, false, true},
		{"carrier announcement after answer is unreachable", Attempt{Result: ResultAnswered, Outcome: "machine", Disposition: Announcement}, 1, 1, store.TaskPending, now.Add(4 * time.Hour), effectNone, false, true},
		{"phone limit", Attempt{Result: ResultBusy}, 5, 5, store.TaskExhausted, time.Time{}, effectNone, false, true},
		{"debtor limit", Attempt{Result: ResultBusy}, 2, 10, store.TaskExhausted, time.Time{}, effectNone, true, false},
		{"identified", Attempt{Result: ResultAnswered, Outcome: "identified", Disposition: Reached}, 1, 1, store.TaskDone, time.Time{}, effectConfirm, true, false},
		{"promise", Attempt{Result: ResultAnswered, Outcome: "promise_to_pay", Disposition: Reached}, 1, 1, store.TaskDone, time.Time{}, effectConfirm, true, false},
		{"wrong person", Attempt{Result: ResultAnswered, Outcome: "wrong_person", Disposition: WrongPerson}, 1, 1, store.TaskDone, time.Time{}, effectQuarantine, false, true},
		{"refused", Attempt{Result: ResultAnswered, Outcome: "refused", Disposition: Refused}, 1, 1, store.TaskDone, time.Time{}, effectRefusal, true, false},
		{"callback at the named time", Attempt{Result: ResultAnswered, Outcome: "callback", Disposition: CallbackAsked,
			CallbackAt: cb}, 5, 10, store.TaskPending, cb, effectConfirm, true, false},
		{"callback without a time", Attempt{Result: ResultAnswered, Outcome: "callback", Disposition: CallbackAsked}, 1, 1, store.TaskPending, now.Add(2 * time.Hour), effectConfirm, true, false},
		{"callback in the past: after the no-answer pause", Attempt{Result: ResultAnswered, Outcome: "callback", Disposition: CallbackAsked,
			CallbackAt: now.Add(-time.Hour)}, 1, 1, store.TaskPending, now.Add(2 * time.Hour), effectConfirm, true, false},
		{"dialogue failed +5m", Attempt{Result: ResultAnswered, Outcome: "failed", Disposition: DialogueFailed}, 1, 1, store.TaskPending, now.Add(5 * time.Minute), effectNone, false, true},
		{"third party: retry", Attempt{Result: ResultAnswered, Outcome: "third_party", Disposition: NotReached}, 1, 1, store.TaskPending, now.Add(2 * time.Hour), effectNone, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := decide(rules, store.Task{PinnedTo: "x"}, c.a, now, c.attempts, c.total, "Орлов")
			u := v.update
			if u.State != c.state || !u.DueAt.Equal(c.due) || v.effect != c.effect || (u.SkipOthers != "") != c.skip || (!u.NextPhoneAt.IsZero()) != c.next || !u.Attempted {
				t.Fatalf("got state %s due %v effect %d skip %q next %v", u.State, u.DueAt, v.effect, u.SkipOthers, u.NextPhoneAt)
			}
			if c.a.Disposition == CallbackAsked && u.PinnedTo != "Орлов" {
				t.Fatalf("callback pinned to %q", u.PinnedTo)
			}
		})
	}
}
