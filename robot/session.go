package robot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/scripts"
)

// Session runs one dialogue script over one Conversation.
type Session struct {
	Script   *scripts.Script
	Vars     map[string]any // the call's variables: debtor.*, debt.*, creditor.*, campaign.*
	Clock    clock.Clock    // "today", "tomorrow at ten" and max_duration are read on it (nil: the wall clock)
	Location *time.Location // the debtor's zone: prompts and time slots are resolved in it
	Conv     Conversation
	Log      *slog.Logger
	// TransferTarget is where transfer nodes without their own "to" send the call.
	TransferTarget string
	// HandOff, when set, takes the call over at a transfer node instead of a
	// blind transfer (REFER): a warm hand-off to a person.
	HandOff HandOff
	// Verbalizer renders money and dates in prompts; nil means scripts.Spoken.
	Verbalizer scripts.Verbalizer
	// OnTurn, when set, sees each transcript turn as it is taken, from the
	// dialogue's goroutine; it must return quickly.
	OnTurn func(Turn)
	// Intents, when set, is asked for an intent where the rules find none
	// and no slot is filled (intentstat.Model), and, when it is also an
	// Overruler, where the rules matched only weakly; nil keeps the rules alone.
	Intents IntentModel
}

// ErrNoScript is returned by Run when the session has no script or no conversation.
var ErrNoScript = errors.New("robot: session needs a script and a conversation")

// Run plays the script until an outcome. It never panics: a panic inside the
// dialogue is recovered, logged, and the result is Outcome "failed".
func (s *Session) Run(ctx context.Context) (res Result, err error) {
	res = Result{Slots: map[string]string{}}
	if s.Script == nil || s.Conv == nil {
		res.Outcome = scripts.OutcomeFailed
		return res, ErrNoScript
	}
	res.ScriptName, res.ScriptVersion = s.Script.Name, s.Script.VersionString()
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := newDialogue(s, log, &res)
	defer safe.Recover(log.With("script", s.Script.Name), "robot dialogue", func(p *safe.Panic) {
		res.Outcome = scripts.OutcomeFailed
		res.Reason = p.Error()
		err = fmt.Errorf("robot: run script %q: at node %q: %w", s.Script.Name, d.node, p)
		_ = s.Conv.Hangup(context.WithoutCancel(ctx))
	})
	err = d.run(ctx)
	for k, v := range d.slots {
		res.Slots[k] = v
	}
	if err != nil {
		res.Outcome = scripts.OutcomeFailed
		if res.Reason == "" {
			res.Reason = err.Error()
		}
		_ = s.Conv.Hangup(context.WithoutCancel(ctx))
		return res, fmt.Errorf("robot: run script %q: %w", s.Script.Name, err)
	}
	log.Info("dialogue ended", "script", s.Script.Name, "version", res.ScriptVersion,
		"outcome", res.Outcome, "turns", len(res.Turns), "reason", res.Reason)
	return res, nil
}
