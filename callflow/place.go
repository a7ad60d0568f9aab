package callflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// Request is one outbound robot call.
type Request struct {
	// To is what to dial: a phone number (sent through the trunks) or a SIP
	// URI. A URI whose user part is a phone number is that number's call.
	To string
	// Phone is the debtor's number the call reaches, for the guard and the
	// record ("": the number in To, if any; none: a test call to a SIP URI).
	Phone    phonenum.Number
	DebtorID string // "": derived from the number
	Region   string // the debtor's address region: legal hours and the dialogue's zone
	// Script is the script's path (loaded through the flow's registry, so
	// an edit reaches the next call), or ScriptDoc the script itself.
	Script    string
	ScriptDoc *scripts.Script
	Vars      map[string]any
	Location  *time.Location // the dialogue's zone (nil: from Region)
	CallerID  string
	// Trunks are the allowed trunks in order of preference (empty: any).
	Trunks      []string
	TransferTo  string                // "": the flow's default
	NonHuman    *robot.NonHumanPolicy // nil: the flow's default
	Headers     map[string]string
	RingTimeout time.Duration // 0: the flow's default
	// Recognizer overrides the flow's recognizer for this call (a labelled
	// stand-in in simulations); a nil result falls back to the flow's.
	Recognizer func(callID string) asr.Recognizer
	Campaign   string
	TaskID     int64
	// Reservation is the guard's grant when the caller reserved already (the
	// scheduler, which reschedules denials itself); the caller then commits.
	// Nil: Place reserves and commits.
	Reservation *compliance.Reservation
}

// Report is what happened to one placed call.
type Report struct {
	ID       string
	Decision *compliance.Decision // the guard's decision (nil: not asked — no number, or reserved by the caller)
	Dial     telephony.DialInfo
	// DialErr says why the call was not answered (nil: answered).
	DialErr error
	Result  robot.CallResult
	RunErr  error // the dialogue's error, if it broke
	Kind    compliance.Kind
	// Record is the call as stored (zero when the call never left).
	Record   store.CallRecord
	Duration time.Duration // answered call's length
}

// ErrDenied marks a call the 230-FZ guard did not allow.
var ErrDenied = errors.New("denied by the 230-FZ guard")

// ErrNoTrunk: every allowed trunk is disabled or at its channel limit.
var ErrNoTrunk = errors.New("no trunk available (all disabled or at their channel limit)")

// Place places one robot call. An error means the call never left — the
// guard said no (ErrDenied), the guard or the script failed, no trunk was
// free (ErrNoTrunk) or recording does not work (ErrRecorderDown, asked
// before the guard) — and nothing was dialed or stored. Otherwise the report says what
// happened, the ledger has it (when Place reserved) and the store has the record.
func (f *Flow) Place(ctx context.Context, req Request) (rep Report, err error) {
	defer f.track()()
	if err := f.recorderReady(); err != nil {
		return rep, err
	}
	sw := clock.Start(f.clk)
	sc := req.ScriptDoc
	if sc == nil {
		var serr error
		sc, serr = f.c.Scripts.Get(req.Script)
		if sc == nil {
			return rep, fmt.Errorf("callflow: %w", serr)
		}
		if serr != nil {
			f.log.Warn("script edit is broken, keeping the last good version", "err", serr)
		}
	}
	nonHuman := f.c.NonHuman
	if req.NonHuman != nil {
		nonHuman = *req.NonHuman
	}
	phone := req.Phone
	if !phone.IsValid() {
		var ok bool
		if phone, ok = PhoneOf(req.To); !ok && !strings.HasPrefix(req.To, "sip:") && !strings.HasPrefix(req.To, "sips:") {
			// neither a SIP URI nor a number: malformed, and the only thing here that is an error
			_, perr := phonenum.Parse(req.To)
			return rep, fmt.Errorf("callflow: request to: %w", perr)
		}
	}
	debtor := req.DebtorID
	if debtor == "" && phone.IsValid() {
		debtor = phoneDebtor(phone)
	}
	rep.ID = newCallID("outbound")
	emit := &emitter{sub: f.c.Events, now: sw.Now, log: f.log, base: Event{CallID: rep.ID, Direction: "outbound",
		Campaign: req.Campaign, TaskID: req.TaskID, DebtorID: debtor}}

	res, owned := req.Reservation, false
	if res == nil && phone.IsValid() {
		r, dec, err := f.c.Guard.Reserve(ctx, compliance.Request{DebtorID: debtor, Phone: phone, Channel: compliance.RobotCall, Region: req.Region})
		rep.Decision = &dec
		if err != nil {
			return rep, fmt.Errorf("callflow: compliance: %w", err)
		}
		if !dec.Allowed {
			return rep, fmt.Errorf("%w: %s", ErrDenied, dec.Detail)
		}
		res, owned = &r, true
	}
	var permit compliance.Reservation
	if res != nil {
		permit = *res
	}
	ring := req.RingTimeout
	if ring == 0 {
		ring = f.c.RingTimeout
	}
	emit.send(Event{Kind: Started})
	var rang atomic.Bool
	call, info, release, err := f.dial(ctx, telephony.DialRequest{To: req.To, CallerID: req.CallerID, RingTimeout: ring,
		Headers: req.Headers, Permit: permit.Permit(),
		OnProgress: func(int) {
			if !rang.Swap(true) {
				emit.send(Event{Kind: Ringing})
			}
		}}, req.Trunks)
	defer release()
	if errors.Is(err, ErrNoTrunk) {
		if owned { // nothing was dialed: the reservation is given back
			if rerr := f.c.Guard.Release(context.WithoutCancel(ctx), *res); rerr != nil {
				f.log.Error("release reservation", "err", rerr)
			}
		}
		return rep, fmt.Errorf("callflow: %w", err)
	}
	to := req.To
	if phone.IsValid() {
		to = phone.String()
	}
	facts := callFacts{id: rep.ID, direction: "outbound", from: req.CallerID, to: to, sw: sw, info: info, script: sc, taskID: req.TaskID}
	if err != nil {
		rep.Dial, rep.DialErr, rep.Kind = info, err, compliance.Attempt
		if dec, ok := robot.EarlyAnnouncement(ctx, info, f.recognizer("", req.Recognizer)); ok {
			// a carrier message before answer: the phone is off or out of
			// reach, whatever the ring timeout or the trunk made of it
			f.log.Info("carrier announcement in early media: unreachable", "was", info.Result, "evidence", dec.Evidence)
			var de *telephony.DialError
			if errors.As(err, &de) {
				rep.DialErr = &telephony.DialError{Result: telephony.Unreachable, Code: de.Code, Trunk: de.Trunk,
					Reason: fmt.Sprintf("%s; carrier announcement in early media (%s)", de.Reason, strings.Join(dec.Evidence, "; "))}
			}
			rep.Dial.Result = telephony.Unreachable
			rep.Result.Slots = map[string]string{robot.SlotDetectedClass: string(detect.Announcement)}
			rep.Result.Detection = &dec
			facts.early = &dec
		}
		facts.dialErr, facts.ended = err, time.Now()
		if owned {
			f.commit(ctx, *res, rep.Kind)
		}
		rep.Record = f.save(ctx, facts)
		emit.send(Event{Kind: Ended, Result: rep.Record.Result, SIPCode: rep.Record.SIPCode, At: rep.Record.Ended})
		return rep, nil
	}
	rep.Dial = info
	if res != nil { // before the event: once anyone hears of the answer, the ledger knows it
		f.hold(ctx, call.Done(), *res)
	}
	emit.send(Event{Kind: Answered, At: sw.At(info.Answered)})
	loc := req.Location
	if loc == nil {
		loc = compliance.DialogueZone(req.Region)
	}
	rc := f.robotConfig(rep.ID, sw, sc, req.Vars, loc, req.TransferTo, f.recognizer(call.CallID(), req.Recognizer), nonHuman, emit)
	ho := f.handOffFor(call, info.Trunk, debtor, req.Vars, emit)
	rc.HandOff = ho.hook()
	out, runErr := robot.RunCall(ctx, call, rc)
	<-call.Done()
	facts.ended, facts.answered = time.Now(), info.Answered
	facts.out, facts.recording = out, call.RecordingPath()
	if f.c.Trunks != nil {
		facts.costKop = f.c.Trunks.CostKop(info.Trunk, facts.ended.Sub(info.Answered))
	}
	rep.Result, rep.RunErr = out, runErr
	stats := call.Stats()
	rep.Duration = stats.Duration
	rep.Kind = robot.LedgerKind(out.Result)
	if ho.tookPlace() { // a person talked with the debtor: a conversation, whatever the robot heard
		rep.Kind = compliance.Conversation
	}
	if owned {
		f.commit(ctx, *res, rep.Kind)
	}
	if runErr != nil {
		f.log.Warn("robot call ended with an error", "call", rep.ID, "err", runErr)
	}
	rep.Record = f.save(ctx, facts)
	emit.send(Event{Kind: Outcome, Outcome: rep.Record.Outcome, Slots: rep.Record.Slots, At: rep.Record.Ended})
	emit.send(Event{Kind: Ended, Result: rep.Record.Result, SIPCode: rep.Record.SIPCode, EndReason: call.EndReason(),
		At: rep.Record.Ended, SendLate: stats.SendLate, Audio: out.Audio})
	return rep, nil
}

// dial places the call: straight through the UA for a SIP URI or without a
// trunk book, else over the trunks with failover. release must be called
// when the call is over.
func (f *Flow) dial(ctx context.Context, req telephony.DialRequest, allowed []string) (call *telephony.Call, info telephony.DialInfo, release func(), err error) {
	uri := strings.HasPrefix(req.To, "sip:") || strings.HasPrefix(req.To, "sips:")
	if uri || f.c.Trunks == nil {
		if len(allowed) > 0 && !uri {
			req.Trunk = allowed[0]
		}
		call, info, err = f.c.UA.Dial(ctx, req)
		return call, info, func() {}, err
	}
	var tried []string
	for {
		name, ok := f.c.Trunks.Acquire(allowed, tried)
		if !ok {
			if len(tried) == 0 {
				return nil, info, func() {}, ErrNoTrunk
			}
			return nil, info, func() {}, err // the last trunk's failure
		}
		req.Trunk = name
		call, info, err = f.c.UA.Dial(ctx, req)
		var de *telephony.DialError
		if err != nil && errors.As(err, &de) && de.Retryable() && ctx.Err() == nil {
			f.c.Trunks.Release(name, true)
			tried = append(tried, name)
			continue
		}
		if err != nil {
			f.c.Trunks.Release(name, false)
			return nil, info, func() {}, err
		}
		return call, info, func() { f.c.Trunks.Release(name, false) }, nil
	}
}

// commit records how the call counts (the guard retries a failing ledger);
// a reservation left open expires into an attempt, or into a conversation
// once answered (hold marks it), never into nothing.
func (f *Flow) commit(ctx context.Context, res compliance.Reservation, kind compliance.Kind) {
	if err := f.c.Guard.Commit(context.WithoutCancel(ctx), res, kind); err != nil {
		f.log.Error("compliance commit failed (the reservation will expire: a conversation if answered, else an attempt)", "reservation", res.ID, "err", err)
	}
}

// hold marks the reservation answered in the ledger and renews it while the
// call lasts, so only a dead holder's reservation ever expires.
func (f *Flow) hold(ctx context.Context, done <-chan struct{}, res compliance.Reservation) {
	ctx = context.WithoutCancel(ctx)
	if err := f.c.Guard.Answered(ctx, res); err != nil {
		f.log.Error("compliance: marking the call answered failed", "reservation", res.ID, "err", err)
	}
	safe.Go(f.log, "callflow reservation renewal", func() {
		for {
			// renew halfway to the expiry, read on the guard's clock but
			// waited in real time (a simulation's clock stands still in calls)
			wait := max(res.ExpiresAt.Sub(f.clk.Now())/2, time.Second)
			select {
			case <-done:
				return
			case <-time.After(wait):
			}
			r, err := f.c.Guard.Renew(ctx, res)
			if errors.Is(err, compliance.ErrReservationClosed) {
				f.log.Error("compliance: the call's reservation was closed under it", "reservation", res.ID, "err", err)
				return
			}
			if err != nil {
				// A ledger hiccup: try again. The answered mark already makes
				// an expiry count as a conversation; renewing keeps it open.
				f.log.Warn("compliance: renewing the reservation failed, retrying", "reservation", res.ID, "err", err)
				continue
			}
			res = r
		}
	}, nil)
}

// save builds the call's record and keeps it.
func (f *Flow) save(ctx context.Context, x callFacts) store.CallRecord {
	rec := record(x)
	if f.c.Calls != nil {
		if err := f.c.Calls.SaveCall(context.WithoutCancel(ctx), rec); err != nil {
			f.log.Error("store call", "call", rec.ID, "err", err)
		}
	}
	return rec
}
