package callflow

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
)

// ClickToCall is a collector's call to a debtor placed by dozvon: the
// collector's phone rings first, then the guard is asked, then the debtor
// is dialed and the two legs are bridged. The collector never gets the
// number: their phone shows the debtor's alias.
type ClickToCall struct {
	DebtorID  string
	Name      string          // the debtor's name, masked on the collector's display
	Phone     phonenum.Number // the number to dial (the API takes the debtor's first)
	Region    string          // the debtor's address region: legal hours
	Collector string          // the login whose phone rings first
	CallerID  string          // what the debtor's phone shows ("": the trunk's)
	Trunks    []string        // allowed trunks (empty: any)
	// RingTimeout bounds each leg's ringing (0: HandOffConfig.RingTimeout).
	RingTimeout time.Duration
	// Campaign and TaskID name the campaign task the call is for (a due
	// callback the collector took; 0: none): the call is listed under it.
	Campaign string
	TaskID   int64
}

// DeniedError is a call the 230-FZ guard refused; it wraps ErrDenied and
// carries the decision (its reason and next allowed time).
type DeniedError struct {
	Decision compliance.Decision
}

func (e *DeniedError) Error() string {
	return fmt.Sprintf("%s: %s", ErrDenied, e.Decision.Detail)
}

// Unwrap makes errors.Is(err, ErrDenied) hold.
func (e *DeniedError) Unwrap() error { return ErrDenied }

// ClickToCall rings the collector, reserves a human call with the guard and,
// when allowed, dials the debtor and bridges the legs. It returns the call's
// id once the debtor is being dialed; the rest of the call runs on life (the
// service's context: it outlives the request) and its report comes on the
// channel when the call has ended.
//
// Before anything reaches the debtor it can fail: ErrRecorderDown,
// ErrNoCollector (the collector's phone is not registered),
// ErrNoCollectorAnswer, or a *DeniedError — the collector has heard why
// and been hung up on, and no SIP request went to the debtor's number.
func (f *Flow) ClickToCall(life, ctx context.Context, req ClickToCall) (string, <-chan Report, error) {
	if err := f.recorderReady(); err != nil {
		return "", nil, err
	}
	hc := f.handOffConfig()
	if hc.Collectors == nil {
		return "", nil, fmt.Errorf("callflow: click-to-call: %w (no collectors' phones configured)", ErrNoCollector)
	}
	if req.DebtorID == "" || !req.Phone.IsValid() {
		return "", nil, errors.New("callflow: click-to-call: a debtor id and a valid number are required")
	}
	target, ok := hc.Collectors.Reach(req.Collector)
	if !ok {
		return "", nil, fmt.Errorf("callflow: click-to-call: %w (collector %s)", ErrNoCollector, req.Collector)
	}
	if got, _ := hc.claim(ctx, []handoff.Target{target}); len(got) == 0 {
		return "", nil, fmt.Errorf("callflow: click-to-call: %w (collector %s is on a call)", ErrNoCollector, req.Collector)
	}
	bridging := false
	defer func() {
		if !bridging { // the collector is free again unless the bridge goes on
			hc.free(ctx, target.Login)
		}
	}()
	ring := req.RingTimeout
	if ring <= 0 {
		ring = hc.ringTimeout()
	}
	user, display := alias(req.DebtorID, req.Name)
	leg, err := f.dialCollector(ctx, target, user, display, ring)
	if err != nil {
		return "", nil, fmt.Errorf("callflow: click-to-call: collector %s: %w: %w", req.Collector, ErrNoCollectorAnswer, err)
	}
	id := newCallID("outbound")
	res, dec, err := f.c.Guard.Reserve(ctx, compliance.Request{DebtorID: req.DebtorID, Phone: req.Phone, Channel: compliance.HumanCall, Region: req.Region, CallID: id})
	if err != nil || !dec.Allowed {
		if err == nil {
			err = &DeniedError{Decision: dec}
			f.sayAndHangUp(ctx, leg, "Звонок этому должнику сейчас запрещён. Причина и ближайшее разрешённое время — на странице.")
		} else {
			err = fmt.Errorf("callflow: click-to-call: compliance: %w", err)
			f.sayAndHangUp(ctx, leg, "")
		}
		return "", nil, err
	}
	done := make(chan Report, 1)
	bridging = true
	go func() {
		defer f.track()()
		defer hc.free(life, target.Login)
		done <- f.bridgeHuman(life, id, req, res, leg, target.Login, ring)
	}()
	return id, done, nil
}

// bridgeHuman dials the debtor under the reservation and bridges them with
// the collector's leg; the ledger gets the call (a conversation once
// answered) and the store its record, the debtor's leg recording both.
func (f *Flow) bridgeHuman(ctx context.Context, id string, req ClickToCall, res compliance.Reservation, leg *telephony.Call, login string, ring time.Duration) Report {
	sw := clock.Start(f.clk)
	rep := Report{ID: id}
	emit := &emitter{sub: f.c.Events, now: sw.Now, log: f.log, base: Event{CallID: id, Direction: "outbound", DebtorID: req.DebtorID, Campaign: req.Campaign, TaskID: req.TaskID}}
	emit.send(Event{Kind: Started})
	emit.send(Event{Kind: HandOffAnswered, Collector: login})
	// the collector hanging up while the debtor rings cancels the dial
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-leg.Done():
			cancel()
		case <-dctx.Done():
		}
	}()
	var rang atomic.Bool
	call, info, release, err := f.dial(dctx, telephony.DialRequest{To: req.Phone.String(), CallerID: req.CallerID, RingTimeout: ring,
		Permit: res.Permit(), OnProgress: func(int) {
			if !rang.Swap(true) {
				emit.send(Event{Kind: Ringing})
			}
		}}, req.Trunks)
	defer release()
	facts := callFacts{id: id, direction: "outbound", from: req.CallerID, to: req.Phone.String(), sw: sw, info: info, taskID: req.TaskID,
		out: robot.CallResult{Result: robot.Result{Slots: map[string]string{SlotCollector: login}}}}
	hctx, hcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer hcancel()
	if err != nil {
		_ = leg.Hangup(hctx)
		rep.Dial, rep.DialErr, rep.Kind = info, err, compliance.Attempt
		if errors.Is(err, ErrNoTrunk) { // nothing was dialed: the reservation is given back
			if rerr := f.c.Guard.Release(context.WithoutCancel(ctx), res); rerr != nil {
				f.log.Error("release reservation", "err", rerr)
			}
			emit.send(Event{Kind: Ended, Result: string(telephony.Failed)})
			return rep
		}
		f.commit(ctx, res, rep.Kind)
		facts.dialErr, facts.ended = err, time.Now()
		rep.Record = f.save(ctx, facts)
		emit.send(Event{Kind: Ended, Result: rep.Record.Result, SIPCode: rep.Record.SIPCode, At: rep.Record.Ended})
		return rep
	}
	rep.Dial = info
	f.hold(ctx, call.Done(), res)
	emit.send(Event{Kind: Answered, At: sw.At(info.Answered)})
	telephony.Join(ctx, call, leg)
	<-call.Done()
	rep.Kind = compliance.Conversation // a person talked with whoever answered the debtor's number
	f.commit(ctx, res, rep.Kind)
	facts.ended, facts.answered, facts.recording = time.Now(), info.Answered, call.RecordingPath()
	if f.c.Trunks != nil {
		facts.costKop = f.c.Trunks.CostKop(info.Trunk, facts.ended.Sub(info.Answered))
	}
	rep.Duration = call.Stats().Duration
	rep.Record = f.save(ctx, facts)
	emit.send(Event{Kind: Ended, Result: rep.Record.Result, SIPCode: rep.Record.SIPCode, At: rep.Record.Ended})
	return rep
}

// SlotCollector names the collector a human call was bridged to.
const SlotCollector = "collector"

// sayAndHangUp tells the collector why (text "": nothing) and hangs up.
func (f *Flow) sayAndHangUp(ctx context.Context, leg *telephony.Call, text string) {
	ctx = context.WithoutCancel(ctx)
	if text != "" && f.c.Voice.Voice != nil {
		if a, err := f.c.Voice.Voice.Synthesize(ctx, text); err == nil && a.Rate == 8000 {
			pb := leg.Play(a.PCM)
			select {
			case <-pb.Done():
			case <-leg.Done():
			case <-time.After(a.Duration() + 2*time.Second):
			}
		}
	}
	hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = leg.Hangup(hctx)
}
