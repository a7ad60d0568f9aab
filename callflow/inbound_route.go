package callflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
)

// The slots that say how an inbound call was routed (issue 15, item 4).
const (
	SlotRoute       = "route"        // RouteCollector or RouteRobot
	SlotRouteReason = "route_reason" // why no collector took it (Reason* below)
	SlotRung        = "rung"         // the collectors whose phones rang, comma-separated
	SlotQueuedSec   = "queued_s"     // whole seconds the caller waited in the line
)

// Routes of an inbound call.
const (
	RouteCollector = "collector" // a collector took it (slot collector: who)
	RouteRobot     = "robot"     // the robot's inbound script took it
	RouteHungUp    = "hung_up"   // the caller hung up before anyone took it
)

// Why the robot, not a collector, took an inbound call.
const (
	ReasonUnknownCaller = "unknown_caller" // the number is nobody's (or several persons')
	ReasonNotPinned     = "not_pinned"     // a known debtor with no collector of their own
	ReasonPinnedOffline = "pinned_offline" // their collector's phone is not registered
	ReasonPinnedBusy    = "pinned_busy"    // their collector is on another call
	ReasonNoAnswer      = "no_answer"      // the phones rang out
	ReasonNobodyOnline  = "nobody_online"  // no collector's phone can ring: no line to wait in
	ReasonQueueTimeout  = "queue_timeout"  // waited the policy's longest wait
)

// Queued: an inbound caller is waiting in the line (Position: 1 is next).
const Queued EventKind = "queued"

// routing is how an inbound call was routed.
type routing struct {
	taker  string // the collector who took the call ("": none)
	reason string // why no collector took it
	rung   []string
	queued time.Duration
	waited bool         // the caller was in the line
	turns  []robot.Turn // what was said to the caller meanwhile
	gone   bool         // the caller hung up before anyone took the call
}

// slots are the routing as the call's record keeps it.
func (r routing) slots() map[string]string {
	s := map[string]string{SlotRoute: RouteRobot}
	switch {
	case r.taker != "":
		s[SlotRoute], s[SlotCollector] = RouteCollector, r.taker
	case r.gone:
		s[SlotRoute] = RouteHungUp
	}
	if r.reason != "" && r.taker == "" {
		s[SlotRouteReason] = r.reason
	}
	if len(r.rung) > 0 {
		s[SlotRung] = strings.Join(r.rung, ",")
	}
	if r.waited {
		s[SlotQueuedSec] = strconv.Itoa(int(r.queued.Seconds()))
	}
	return s
}

// The caller hears these while the phones ring or while they wait.
const (
	connectingPrompt = "Здравствуйте! Соединяю вас со специалистом, пожалуйста, оставайтесь на линии. Разговор записывается."
	allBusyPrompt    = "Здравствуйте! Все специалисты сейчас заняты. Разговор записывается."
	stayPrompt       = "Пожалуйста, оставайтесь на линии."
)

// positionText is what a waiting caller hears of their place in the line.
func positionText(pos int) string {
	ordinals := []string{"первый", "второй", "третий", "четвёртый", "пятый", "шестой", "седьмой", "восьмой", "девятый", "десятый"}
	if pos >= 1 && pos <= len(ordinals) {
		return "Вы " + ordinals[pos-1] + " в очереди."
	}
	return "Ваш номер в очереди: " + strconv.Itoa(pos) + "."
}

// inboundWhisper is what a collector hears before an inbound caller.
func inboundWhisper(vars map[string]any) string {
	w := whisperText(vars, nil)
	if w == "" {
		return "Входящий звонок, абонент не опознан."
	}
	return "Входящий звонок. " + w
}

// inboundRoute is one inbound call on its way to a person.
type inboundRoute struct {
	f    *Flow
	ho   *handOffCall
	pol  handoff.Policy
	r    routing
	stop func() // ends what the caller hears now
	seq  int
}

// routeInbound tries to bring an answered inbound call to a person: the
// caller's pinned collector when their phone is registered and free, else,
// when the policy wants a person for this caller, the line (their position
// announced every AnnounceEvery while hold audio plays) until a collector
// is free or QueueMaxWait has passed. It returns with the call bridged and
// over (taker set), the caller gone, or the call left to the robot (reason
// set). The caller never hears dead air: a prompt comes first.
func (f *Flow) routeInbound(ctx context.Context, call *telephony.Call, req AnswerRequest, emit *emitter) routing {
	h := f.handOffConfig()
	pol := h.Inbound.OrDefaults()
	h.RingTimeout = pol.RingTimeout
	ir := &inboundRoute{f: f, pol: pol, stop: func() {},
		ho: &handOffCall{f: f, cfg: h, call: call, debtor: req.DebtorID, vars: req.Vars, emit: emit}}
	defer func() { ir.stop() }()
	known := req.DebtorID != ""
	pinned := ""
	if known {
		pinned = ir.ho.pinned(ctx)
	}
	switch t, online := h.Collectors.Reach(pinned); {
	case !known:
		ir.r.reason = ReasonUnknownCaller
	case pinned == "":
		ir.r.reason = ReasonNotPinned
	case !online:
		ir.r.reason = ReasonPinnedOffline
	case h.Lines != nil && h.Lines.Busy(pinned):
		ir.r.reason = ReasonPinnedBusy
	default:
		ir.say(ctx, "connect", connectingPrompt)
		done, err := ir.connect(ctx, []handoff.Target{t})
		if done {
			return ir.r
		}
		if errors.Is(err, ErrNoCollector) { // claimed by another call meanwhile
			ir.r.reason = ReasonPinnedBusy
		}
	}
	if !pol.WantsPerson(known) || h.Lines == nil {
		return ir.r
	}
	ir.wait(ctx)
	return ir.r
}

// connect rings targets and, when one answers, bridges the call (done:
// a collector took it or the caller is gone). err says why not: wrapping
// ErrNoCollectorAnswer when the phones rang out, ErrNoCollector when
// another call claimed them first (nothing rang).
func (ir *inboundRoute) connect(ctx context.Context, ts []handoff.Target) (done bool, err error) {
	taker, err := ir.ho.connect(ctx, ts, inboundWhisper(ir.ho.vars), ir.r.turns, func() { ir.stop() })
	if !errors.Is(err, ErrNoCollector) {
		for _, t := range ts {
			ir.r.rung = append(ir.r.rung, t.Login)
		}
	}
	switch {
	case err == nil:
		ir.r.taker = taker
		return true, nil
	case errors.Is(err, robot.ErrCallerGone) || ctx.Err() != nil:
		ir.r.gone = true
		return true, err
	case errors.Is(err, ErrNoCollector):
		return false, err
	}
	ir.f.log.Info("inbound: no collector took the call", "call", ir.ho.emit.base.CallID, "err", err)
	ir.r.reason = ReasonNoAnswer
	return false, err
}

// wait keeps the caller in the line until a collector is free (then rings
// them: the first in the line is rung first), the caller hangs up, or the
// longest wait has passed.
func (ir *inboundRoute) wait(ctx context.Context) {
	h := ir.ho.cfg
	if len(h.Collectors.Targets("")) == 0 {
		ir.r.reason = ReasonNobodyOnline
		return
	}
	call := ir.ho.call
	place := h.Lines.Join(ctx)
	defer place.Leave(ctx)
	ir.r.waited = true
	joined := time.Now()
	defer func() { ir.r.queued = time.Since(joined) }()
	maxWait := time.NewTimer(ir.pol.QueueMaxWait)
	defer maxWait.Stop()
	// registrations come and go without an event: presence is polled
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	tried := map[string]bool{}
	lastPos, announced := 0, time.Time{}
	for {
		changed := h.Lines.Changed() // before looking: no change is missed
		pos := place.Position(ctx)
		if pos == 1 {
			online := h.Collectors.Targets("")
			var free []handoff.Target
			for _, t := range online {
				if !tried[t.Login] && !h.Lines.Busy(t.Login) {
					free = append(free, t)
				}
			}
			if len(free) > 0 {
				done, err := ir.connect(ctx, free)
				if done {
					return
				}
				if errors.Is(err, ErrNoCollector) {
					continue // another call claimed them first: look again
				}
				for _, t := range free {
					tried[t.Login] = true
				}
				if allTried(online, tried) {
					return // everyone online let it ring: the robot takes a callback time
				}
				continue
			}
		}
		if pos != lastPos || time.Since(announced) >= ir.pol.AnnounceEvery {
			ir.announce(ctx, pos, lastPos == 0)
			lastPos, announced = pos, time.Now()
		}
		select {
		case <-call.Done():
			ir.r.gone = true
			return
		case <-ctx.Done():
			ir.r.gone = true
			return
		case <-maxWait.C:
			ir.r.reason = ReasonQueueTimeout
			return
		case <-changed:
		case <-tick.C:
		}
	}
}

// allTried reports whether every collector online was rung for this caller.
func allTried(online []handoff.Target, tried map[string]bool) bool {
	for _, t := range online {
		if !tried[t.Login] {
			return false
		}
	}
	return true
}

// announce tells a waiting caller their position (first: that everyone is
// busy, too), then hold audio plays on.
func (ir *inboundRoute) announce(ctx context.Context, pos int, first bool) {
	ir.ho.emit.send(Event{Kind: Queued, Position: pos})
	text := positionText(pos) + " " + stayPrompt
	if first {
		text = allBusyPrompt + " " + text
	}
	ir.say(ctx, "queue", text)
}

// say plays text to the caller (then hold audio), keeping it as a robot
// turn of the call's transcript and on the live stream.
func (ir *inboundRoute) say(ctx context.Context, node, text string) {
	ir.stop()
	var pcm []int16
	start := time.Now()
	end := start
	if v := ir.f.c.Voice.Voice; v != nil {
		a, err := v.Synthesize(ctx, text)
		if err == nil && a.Rate == 8000 {
			pcm, end = a.PCM, start.Add(a.Duration())
		} else {
			ir.f.log.Warn("inbound: prompt not synthesised", "err", err, "rate", a.Rate)
		}
	}
	ir.seq++
	t := robot.Turn{Seq: ir.seq, Node: node, Who: robot.WhoRobot, Kind: robot.TurnKindSay, Text: text, Start: start, End: end}
	ir.r.turns = append(ir.r.turns, t)
	ir.ho.emit.turn(t)
	ir.stop = ir.ho.hold(pcm, ir.ho.cfg.HoldAudio)
}

// inboundResult is the call's result when no robot ran: a collector took
// it, or the caller hung up waiting.
func inboundResult(r routing) robot.CallResult {
	out := robot.CallResult{Result: robot.Result{Turns: r.turns, Reason: "hung up before a collector took the call"}}
	out.Outcome = scripts.OutcomeHangup
	if r.taker != "" {
		out.Outcome, out.Reason = scripts.OutcomeTransfer, fmt.Sprintf("taken by collector %s", r.taker)
		out.Slots = map[string]string{scripts.SlotTransferTo: r.taker}
	}
	return out
}

// withRouting adds the routing to the robot's result: its slots, and what
// the caller heard before the robot, first in the transcript.
func withRouting(out robot.CallResult, r routing) robot.CallResult {
	if out.Slots == nil {
		out.Slots = map[string]string{}
	}
	for k, v := range r.slots() {
		out.Slots[k] = v
	}
	if len(r.turns) > 0 {
		turns := make([]robot.Turn, 0, len(r.turns)+len(out.Turns))
		turns = append(turns, r.turns...)
		for _, t := range out.Turns {
			t.Seq += len(r.turns)
			turns = append(turns, t)
		}
		out.Turns = turns
	}
	return out
}
