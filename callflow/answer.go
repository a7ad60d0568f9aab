package callflow

import (
	"context"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
)

// Incoming is one inbound call as Answer needs it; *telephony.Inbound implements it.
type Incoming interface {
	From() string
	To() string
	Reject(code int, reason string) error
	Answer(ctx context.Context) (*telephony.Call, error)
}

// AnswerRequest says how to take one inbound call.
type AnswerRequest struct {
	Script   string         // the script's path, through the flow's registry
	Location *time.Location // the dialogue's zone (nil: Moscow)
	Vars     map[string]any
	DebtorID string // when the caller is known ("": unknown)
	// Trunk is the trunk the call came in on, when known: its tariff prices
	// the call ("": unknown, cost 0).
	Trunk string
}

// Answer answers an inbound call and runs the robot on it until it ends.
// With collectors' phones configured (SetHandOff) the call is routed first
// (inbound_route.go): rung through to the caller's pinned collector, or
// kept in the line for a free one, and the robot takes only what no
// collector took; the record's slots say how it went.
// Calls the debtor places to us are not creditor-initiated interactions, so
// the 230-FZ limits do not apply and the guard is not asked; the call is
// stored like any other, verdict and first audio included. ctx is the
// service's: the dialog's own context ends with the far end's BYE, and a
// hang-up must end the dialogue as "hangup", not "failed". An error means
// the call was rejected or could not be answered; nothing was stored.
func (f *Flow) Answer(ctx, dialog context.Context, in Incoming, req AnswerRequest) (Report, error) {
	defer f.track()()
	sw := clock.Start(f.clk)
	var rep Report
	if err := f.recorderReady(); err != nil {
		_ = in.Reject(503, "Service Unavailable")
		return rep, err
	}
	sc, err := f.c.Scripts.Get(req.Script)
	if sc == nil {
		_ = in.Reject(503, "Service Unavailable")
		return rep, fmt.Errorf("callflow: no usable script, call rejected: %w", err)
	}
	if err != nil {
		f.log.Warn("script edit is broken, keeping the last good version", "err", err)
	}
	rep.ID = newCallID("inbound")
	emit := &emitter{sub: f.c.Events, now: sw.Now, log: f.log, base: Event{CallID: rep.ID, Direction: "inbound", DebtorID: req.DebtorID}}
	emit.send(Event{Kind: Started})
	call, err := in.Answer(dialog)
	if err != nil {
		emit.send(Event{Kind: Ended, Result: string(telephony.Failed)})
		return rep, fmt.Errorf("callflow: answer: %w", err)
	}
	answered := call.Answered()
	emit.send(Event{Kind: Answered, At: sw.At(answered)})
	loc := req.Location
	if loc == nil {
		loc = compliance.DialogueZone("")
	}
	var out robot.CallResult
	var runErr error
	route := routing{}
	routed := f.handOffConfig().Collectors != nil
	if routed { // a person first, when the routing policy says so
		route = f.routeInbound(ctx, call, req, emit)
	}
	if route.taker != "" || route.gone {
		out = inboundResult(route)
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		_ = call.Hangup(hctx) // over already, unless the service is stopping
		cancel()
	} else {
		out, runErr = robot.RunCall(ctx, call, f.robotConfig(rep.ID, sw, sc, req.Vars, loc, "",
			f.recognizer(call.CallID(), nil), f.c.NonHuman, emit))
		if runErr != nil {
			f.log.Warn("robot call ended with an error", "call", rep.ID, "err", runErr)
		}
	}
	if routed {
		out = withRouting(out, route)
	}
	<-call.Done()
	rep.Dial = telephony.DialInfo{Result: telephony.Answered, Code: 200, Answered: answered, Trunk: req.Trunk}
	ended := time.Now()
	var cost int64
	if f.c.Trunks != nil && req.Trunk != "" {
		cost = f.c.Trunks.CostKop(req.Trunk, ended.Sub(answered))
	}
	stats := call.Stats()
	rep.Result, rep.RunErr, rep.Duration = out, runErr, stats.Duration
	rep.Record = f.save(ctx, callFacts{id: rep.ID, direction: "inbound", from: in.From(), to: in.To(), sw: sw, script: sc,
		info: rep.Dial, answered: answered, ended: ended, out: out, recording: call.RecordingPath(), costKop: cost})
	emit.send(Event{Kind: Outcome, Outcome: rep.Record.Outcome, Slots: rep.Record.Slots, At: rep.Record.Ended})
	emit.send(Event{Kind: Ended, Result: rep.Record.Result, SIPCode: rep.Record.SIPCode, EndReason: call.EndReason(),
		At: rep.Record.Ended, SendLate: stats.SendLate, Audio: out.Audio})
	return rep, nil
}
