package callflow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// Dialer is the scheduler's dialer: each task the scheduler reserved is
// placed through the flow, and the call's report becomes the task's attempt.
type Dialer struct {
	Flow *Flow
	// Target turns a task into what to dial: by default the phone number
	// (sent through the trunks); a simulation maps it to a SIP URI.
	Target func(c scheduler.Call) string
	// Vars builds the script variables for a debtor (nil: the name only).
	Vars func(c scheduler.Call) map[string]any
	// Recognizer overrides the flow's recognizer per call (a simulation's
	// labelled stand-in); nil: the flow's.
	Recognizer  func(callID string) asr.Recognizer
	RingTimeout time.Duration // 0: the flow's
}

var _ scheduler.Dialer = (*Dialer)(nil)

// Dial implements scheduler.Dialer.
func (d *Dialer) Dial(ctx context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	to := c.Task.Phone
	if d.Target != nil {
		to = d.Target(c)
	}
	vars := map[string]any{"debtor": map[string]any{"name": c.Debtor.Name}}
	if d.Vars != nil {
		vars = d.Vars(c)
	}
	var nonHuman *robot.NonHumanPolicy // nil: the flow's default
	if len(c.NonHuman) > 0 {
		nh, err := ParseNonHuman(c.NonHuman)
		if err != nil {
			return scheduler.Attempt{}, fmt.Errorf("robot dial: %w", err)
		}
		nonHuman = &nh
	}
	phone, err := phonenum.Parse(c.Task.Phone)
	if err != nil {
		return scheduler.Attempt{}, fmt.Errorf("robot dial: task %d: %w", c.Task.ID, err)
	}
	res := c.Reservation
	rep, err := d.Flow.Place(ctx, Request{
		To: to, Phone: phone, DebtorID: c.Task.DebtorID, Region: c.Debtor.Region, Script: c.Script, Vars: vars,
		CallerID: c.CallerID, Trunks: c.Trunks, TransferTo: c.TransferTo, NonHuman: nonHuman,
		Headers: map[string]string{"X-Campaign": c.Task.CampaignID}, Recognizer: d.Recognizer,
		RingTimeout: d.RingTimeout, Campaign: c.Task.CampaignID, TaskID: c.Task.ID, Reservation: &res,
	})
	if err != nil {
		return scheduler.Attempt{}, fmt.Errorf("robot dial: %w", err) // never left: the reservation is released
	}
	return attemptOf(rep, c.CallerID), nil
}

// attemptOf is a placed call as the scheduler's retry rules see it.
func attemptOf(rep Report, callerID string) scheduler.Attempt {
	a := recordAttempt(rep.Record)
	a.Kind, a.CallerID = rep.Kind, callerID
	if rep.DialErr != nil {
		if a.Result == string(telephony.Cancelled) {
			a.Result = scheduler.ResultFailed
		}
		return a
	}
	if a.Outcome == "" {
		a.Outcome = string(scripts.OutcomeFailed)
	}
	a.Disposition, a.CallbackAt = Disposition(rep.Result.Result)
	return a
}

// recordAttempt is a stored call's figures as an attempt, before what its
// outcome means.
func recordAttempt(r store.CallRecord) scheduler.Attempt {
	return scheduler.Attempt{Result: r.Result, SIPCode: r.SIPCode, Outcome: r.Outcome, Slots: r.Slots,
		CallID: r.ID, Trunk: r.Trunk, Started: r.Started, Answered: r.Answered, Ended: r.Ended,
		CostKop: r.CostKop, RecordingPath: r.RecordingPath}
}

// Recover implements scheduler.Recoverer: a call its node saved but never
// counted is the attempt its stored record says, its outcome read as a
// live call's would be.
func (d *Dialer) Recover(rec store.CallRecord) scheduler.Attempt {
	a := recordAttempt(rec)
	if rec.Answered.IsZero() {
		return a // the result alone (busy, no answer…) drives the retry rules
	}
	if a.Outcome == "" {
		a.Outcome = string(scripts.OutcomeFailed)
	}
	a.Disposition, a.CallbackAt = Disposition(robot.Result{Outcome: scripts.Outcome(rec.Outcome), Slots: rec.Slots})
	return a
}

// Disposition maps a dialogue's outcome onto what it means for the task.
func Disposition(r robot.Result) (scheduler.Disposition, time.Time) {
	switch r.Outcome {
	case scripts.OutcomeIdentified, scripts.OutcomePromiseToPay, scripts.OutcomeRestructuring, scripts.OutcomeMeeting, scripts.OutcomeTransfer:
		return scheduler.Reached, time.Time{}
	case scripts.OutcomeRefused:
		return scheduler.Refused, time.Time{}
	case scripts.OutcomeWrongPerson:
		return scheduler.WrongPerson, time.Time{}
	case scripts.OutcomeCallback:
		at, _ := time.Parse(time.RFC3339, r.Slots[scripts.SlotCallbackAt]) // zero when missing or malformed
		return scheduler.CallbackAsked, at
	case scripts.OutcomeAssistant, scripts.OutcomeMachine:
		if r.Slots[robot.SlotDetectedClass] == string(detect.Announcement) {
			return scheduler.Announcement, time.Time{}
		}
		return scheduler.NonHuman, time.Time{}
	case scripts.OutcomeFailed, "":
		return scheduler.DialogueFailed, time.Time{}
	default: // third_party, hangup, no_input, unrecognized
		return scheduler.NotReached, time.Time{}
	}
}

// ParseNonHuman reads a campaign's non_human setting (empty: hang up on
// every non-human class) and checks it.
func ParseNonHuman(raw json.RawMessage) (robot.NonHumanPolicy, error) {
	var p robot.NonHumanPolicy
	if len(raw) == 0 {
		return p, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("non_human: %w", err)
	}
	// the names are checked per call too, against that debtor's variables
	if err := p.Validate(nil); err != nil {
		return p, err
	}
	return p, nil
}

// CheckCampaign checks the parts of a campaign's config that belong to the
// call path (scheduler.Options.CheckConfig).
func CheckCampaign(c scheduler.Config) error {
	_, err := ParseNonHuman(c.NonHuman)
	return err
}

// CheckCampaign is the package's CheckCampaign plus the campaign's script:
// it must load, or every task of the campaign would fail one by one.
func (f *Flow) CheckCampaign(c scheduler.Config) error {
	if err := CheckCampaign(c); err != nil {
		return err
	}
	if sc, err := f.Script(c.Script); sc == nil {
		return err
	}
	return nil
}
