package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// CallSaver keeps call records; *store.DB implements it.
type CallSaver interface {
	SaveCall(ctx context.Context, c store.CallRecord) error
}

// RobotDialer is the real Dialer: it dials through the telephony UA and runs
// the campaign's script with the robot on the answered call, then stores the
// call record. It does not touch the guard: the scheduler reserved before.
type RobotDialer struct {
	UA *telephony.UA
	// Target turns a task into what to dial: by default the phone number
	// (sent through the UA's trunks); a simulation maps it to a SIP URI.
	Target func(c Call) string
	// Vars builds the script variables for a debtor (nil: name and debt only).
	Vars func(c Call) map[string]any
	// Voice is the audio side shared by all calls; Recognizer is per call.
	Voice        robot.VoiceConfig
	Recognizer   func(callID string) asr.Recognizer // nil: Voice.Recognizer for every call
	NewSegmenter func() (robot.Segmenter, error)
	Location     func(c Call) *time.Location // the debtor's zone for time expressions (nil: Moscow)
	Now          func() time.Time            // the robot's clock for "tomorrow at ten" (nil: time.Now)
	RingTimeout  time.Duration
	Transfer     string // operator number or URI for transfers
	Calls        CallSaver
	Log          *slog.Logger
	// Trunks, when set, chooses the trunk for each number (priority, channel
	// limits, health) and fails over on the trunk's faults; nil leaves the
	// choice and failover to the UA. Costs are recorded only with Trunks.
	Trunks *Trunks

	mu      sync.Mutex
	scripts map[string]*scripts.Script
}

// script loads a campaign's script once.
func (d *RobotDialer) script(path string) (*scripts.Script, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.scripts[path]; ok {
		return s, nil
	}
	s, err := scripts.Load(path)
	if err != nil {
		return nil, err
	}
	if d.scripts == nil {
		d.scripts = map[string]*scripts.Script{}
	}
	d.scripts[path] = s
	return s, nil
}

func (d *RobotDialer) cost(trunk string, talk time.Duration) int64 {
	if d.Trunks == nil || talk <= 0 {
		return 0
	}
	return int64(math.Round(d.Trunks.Cost(trunk) * 100 * talk.Seconds() / 60))
}

// errNoTrunk: every trunk is disabled or at its channel limit.
var errNoTrunk = errors.New("no trunk available (all disabled or at their channel limit)")

// dial places the call: straight through the UA, or over d.Trunks with failover.
// release must be called when the call is over.
func (d *RobotDialer) dial(ctx context.Context, req telephony.DialRequest, allowed []string, viaTrunks bool) (call *telephony.Call, info telephony.DialInfo, release func(), err error) {
	if !viaTrunks || d.Trunks == nil {
		if len(allowed) > 0 {
			req.Trunk = allowed[0]
		}
		call, info, err = d.UA.Dial(ctx, req)
		return call, info, func() {}, err
	}
	var tried []string
	for {
		name, ok := d.Trunks.Acquire(allowed, tried)
		if !ok {
			if len(tried) == 0 {
				return nil, info, func() {}, errNoTrunk
			}
			return nil, info, func() {}, err // the last trunk's failure
		}
		req.Trunk = name
		call, info, err = d.UA.Dial(ctx, req)
		var de *telephony.DialError
		if err != nil && errors.As(err, &de) && de.Retryable() && ctx.Err() == nil {
			d.Trunks.Release(name, true)
			tried = append(tried, name)
			continue
		}
		if err != nil {
			d.Trunks.Release(name, false)
			return nil, info, func() {}, err
		}
		return call, info, func() { d.Trunks.Release(name, false) }, nil
	}
}

// Dial implements Dialer.
func (d *RobotDialer) Dial(ctx context.Context, c Call) (Attempt, error) {
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	sc, err := d.script(c.Script)
	if err != nil {
		return Attempt{}, fmt.Errorf("robot dial: %w", err)
	}
	to := c.Task.Phone
	if d.Target != nil {
		to = d.Target(c)
	}
	started := time.Now()
	a := Attempt{CallerID: c.CallerID, Started: started}
	call, info, release, err := d.dial(ctx, telephony.DialRequest{To: to, CallerID: c.CallerID, RingTimeout: d.RingTimeout, Permit: c.Reservation.Permit(),
		Headers: map[string]string{"X-Campaign": c.Task.CampaignID}}, c.Trunks, !strings.HasPrefix(to, "sip:") && !strings.HasPrefix(to, "sips:"))
	if errors.Is(err, errNoTrunk) {
		return Attempt{}, fmt.Errorf("robot dial: %w", err) // never left: the reservation is released
	}
	defer release()
	a.Trunk, a.SIPCode, a.Answered = info.Trunk, info.Code, info.Answered
	rec := store.CallRecord{ID: fmt.Sprintf("task-%d-%d", c.Task.ID, started.UnixNano()), Direction: "outbound", From: c.CallerID, To: c.Task.Phone,
		Trunk: info.Trunk, Started: started, ScriptName: sc.Name, ScriptVersion: sc.VersionString()}
	if err != nil {
		var de *telephony.DialError
		switch {
		case errors.As(err, &de):
			a.Result, a.SIPCode = string(de.Result), de.Code
			if de.Result == telephony.Cancelled {
				a.Result = ResultFailed
			}
		default:
			a.Result = ResultFailed
		}
		if dec, ok := robot.EarlyAnnouncement(ctx, info, d.Voice.Recognizer); ok {
			// a carrier message before answer: the phone is off or out of
			// reach, whatever the ring timeout or the trunk made of it
			log.Info("carrier announcement in early media: unreachable", "was", a.Result, "evidence", dec.Evidence)
			a.Result = ResultUnreachable
			a.Slots = map[string]string{robot.SlotDetectedClass: string(detect.Announcement)}
			rec.Detection = DetectionRecord(&dec)
		}
		a.Ended = time.Now()
		rec.Result, rec.SIPCode, rec.Ended, rec.Slots = a.Result, a.SIPCode, a.Ended, a.Slots
		a.CallID = rec.ID
		d.save(ctx, rec, log)
		return a, nil
	}
	rec.ID = call.ID()
	a.CallID, a.Result = call.ID(), ResultAnswered
	vars := map[string]any{"debtor": map[string]any{"name": c.Debtor.Name}}
	if d.Vars != nil {
		vars = d.Vars(c)
	}
	voice := d.Voice
	if d.Recognizer != nil {
		voice.Recognizer = d.Recognizer(call.CallID())
	}
	loc := time.Local
	if d.Location != nil {
		loc = d.Location(c)
	} else if l, err := time.LoadLocation("Europe/Moscow"); err == nil {
		loc = l
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	transfer := d.Transfer
	if c.TransferTo != "" {
		transfer = c.TransferTo
	}
	out, runErr := robot.RunCall(ctx, call, robot.CallConfig{Script: sc, Vars: vars, Now: now, Location: loc,
		TransferTarget: transfer, Voice: voice, NewSegmenter: d.NewSegmenter, Log: log.With("call", call.ID()),
		OnNonHuman: c.NonHuman})
	<-call.Done()
	a.Ended = time.Now()
	a.Outcome, a.Slots, a.Kind = out.Outcome, out.Slots, robot.LedgerKind(out.Result)
	if a.Outcome == "" {
		a.Outcome = scripts.OutcomeFailed
	}
	a.RecordingPath = call.RecordingPath()
	a.CostKop = d.cost(info.Trunk, a.Ended.Sub(info.Answered))
	rec.Answered, rec.Ended, rec.Result, rec.SIPCode = info.Answered, a.Ended, ResultAnswered, info.Code
	rec.Outcome, rec.Slots, rec.RecordingPath = string(out.Outcome), out.Slots, a.RecordingPath
	rec.Detection = DetectionRecord(out.Detection)
	rec.AudioReceivedMs, rec.AudioFedMs = out.Audio.Received.Milliseconds(), out.Audio.Fed.Milliseconds()
	for _, t := range out.Turns {
		rec.Turns = append(rec.Turns, store.TurnRecord{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: t.Text,
			Intent: t.Intent, Slots: t.Slots, Start: t.Start, End: t.End, BargedIn: t.BargedIn})
	}
	d.save(ctx, rec, log)
	if runErr != nil {
		log.Warn("robot call ended with an error", "call", call.ID(), "err", runErr)
	}
	return a, nil
}

// DetectionRecord is a first-phrase verdict as the store keeps it with its
// call (nil for none).
func DetectionRecord(d *detect.Decision) *store.DetectionRecord {
	if d == nil {
		return nil
	}
	return &store.DetectionRecord{Class: string(d.Class), Confidence: d.Confidence, AtMs: d.At.Milliseconds(),
		SettledMs: d.SettledAt.Milliseconds(), Provisional: string(d.Provisional), Evidence: d.Evidence}
}

func (d *RobotDialer) save(ctx context.Context, rec store.CallRecord, log *slog.Logger) {
	if d.Calls == nil {
		return
	}
	if err := d.Calls.SaveCall(context.WithoutCancel(ctx), rec); err != nil {
		log.Error("store call", "call", rec.ID, "err", err)
	}
}
