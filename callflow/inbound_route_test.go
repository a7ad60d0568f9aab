package callflow_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// inboundScript is the bundled script for inbound calls no collector takes.
const inboundScript = "../scripts/inbound.yaml"

// inboundRig is the hand-off rig answering inbound calls as serve does: the
// caller looked up by their number, then Flow.Answer with the routing policy.
type inboundRig struct {
	*handoffRig
	alice   *softphone // nil when the test starts no softphone
	mu      sync.Mutex
	reports map[string]callflow.Report // by the caller's number
}

func newInboundRig(t *testing.T, pol handoff.Policy, talk time.Duration) *inboundRig {
	t.Helper()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	hr := newHandoffRig(t, start, testcalls.Behaviour{}, pol.RingTimeout)
	ir := &inboundRig{handoffRig: hr, reports: map[string]callflow.Report{}}
	hr.flow.SetHandOff(callflow.HandOffConfig{Collectors: hr.dir, Debtors: hr.db, Lines: handoff.NewLines(), Inbound: pol})
	if err := hr.ua.Serve(hr.ctx, func(cctx context.Context, in *telephony.Inbound) {
		req, err := callflow.KnownCaller(cctx, hr.db, "Альфа Финанс", in.From(), callflow.AnswerRequest{Script: inboundScript})
		if err != nil {
			t.Errorf("known caller: %v", err)
		}
		rep, err := hr.flow.Answer(hr.ctx, cctx, in, req)
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		ir.mu.Lock()
		ir.reports[in.From()] = rep
		ir.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	if talk > 0 {
		sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", talk)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("alice's softphone:\n%s", sp.trace())
			}
		})
		ir.alice = sp
		waitRegistered(t, hr.dir, "alice")
	}
	return ir
}

// call dials the agency from number with b and returns the stored report.
func (ir *inboundRig) call(t *testing.T, from string, b testcalls.Behaviour) callflow.Report {
	t.Helper()
	if _, err := ir.phones.DialAs(ir.ctx, ir.ua.URI("agency"), from, b); err != nil {
		t.Fatalf("%s dials in: %v", from, err)
	}
	var rep callflow.Report
	waitFor(t, from+"'s call stored", func() bool {
		ir.mu.Lock()
		defer ir.mu.Unlock()
		var ok bool
		rep, ok = ir.reports[from]
		return ok
	})
	return rep
}

// debtor adds a debtor with one phone, pinned to collector ("": nobody).
func (ir *inboundRig) debtor(t *testing.T, id, phone, collector string) {
	t.Helper()
	if err := ir.db.UpsertDebtor(ir.ctx, store.Debtor{ID: id, Name: "Петров Пётр Петрович", Region: "г. Москва", Phones: []string{phone}}); err != nil {
		t.Fatal(err)
	}
	if collector != "" {
		if err := ir.db.AssignCollector(ir.ctx, id, collector); err != nil {
			t.Fatal(err)
		}
	}
}

// TestInboundReachesPeople is item 4's acceptance: a pinned debtor calling
// in reaches their collector (baresip registered with digest auth and
// answering) through a bridge recorded as one stereo file, and the INVITE
// the softphone got carries no debtor number; an unknown number and a
// debtor whose collector is offline reach the robot's inbound script. Each
// call is stored with how it was routed, and no ledger entry is made (the
// debtor called us).
func TestInboundReachesPeople(t *testing.T) {
	t.Parallel()
	ir := newInboundRig(t, handoff.Policy{RingTimeout: 10 * time.Second, Queue: handoff.QueueNone}, 8*time.Second)
	ir.debtor(t, "d2", "+79160000022", "bob") // bob has no phone registered

	// 1. d1, pinned to alice: rung through. The caller talks over the
	// connecting prompt; the collector's phone "speaks" a tone once bridged.
	rep := ir.call(t, debtorPhone, testcalls.Behaviour{Steps: []testcalls.Step{{Interrupt: "Да, я по поводу платежа", After: 300 * time.Millisecond}}})
	s := rep.Record.Slots
	if rep.Record.Outcome != "transfer" || s[callflow.SlotRoute] != callflow.RouteCollector || s[callflow.SlotCollector] != "alice" || s[callflow.SlotRung] != "alice" {
		t.Fatalf("pinned caller: outcome %q, slots %v: want taken by alice", rep.Record.Outcome, s)
	}
	var pop *callflow.Event
	for _, e := range ir.events.of(rep.ID) {
		if e.Kind == callflow.HandOffAnswered {
			pop = &e
		}
	}
	if pop == nil || pop.Collector != "alice" || pop.DebtorID != "d1" || pop.Direction != "inbound" {
		t.Fatalf("screen pop of the inbound call: %+v", pop)
	}
	wav, err := media.ReadWAVFile(rep.Record.RecordingPath)
	if err != nil || wav.Channels != 2 {
		t.Fatalf("recording %q: %v", rep.Record.RecordingPath, err)
	}
	// one file: the caller on the left, what they heard (the prompt, then
	// the collector) on the right
	tone, caller := toneAndVoice(wav.Samples)
	if tone < 25 || caller < 25 {
		t.Fatalf("recording: %d frames of the collector's tone, %d of the caller's voice (want ≥ 25 each)", tone, caller)
	}
	trace := ir.alice.trace()
	if !strings.Contains(trace, "INVITE sip:") || !strings.Contains(trace, "debtor-d1") {
		t.Fatalf("alice's softphone got no INVITE from debtor-d1:\n%s", trace)
	}
	for _, digits := range []string{"9160000021", "916-000", "916 000"} {
		if strings.Contains(trace, digits) {
			t.Fatalf("alice's softphone's SIP traffic holds the debtor's number (%s):\n%s", digits, trace)
		}
	}

	// 2. an unknown number: the robot's inbound script asks who it is
	// and takes a callback time; nothing rings.
	invites := strings.Count(ir.alice.trace(), "INVITE sip:")
	rep = ir.call(t, "+79160009999", testcalls.Behaviour{Steps: []testcalls.Step{{Say: "Сидоров Олег Петрович"}, {Say: "завтра в десять утра"}}})
	s = rep.Record.Slots
	if rep.Record.Outcome != "callback" || rep.Record.ScriptName != "inbound" || s[callflow.SlotRoute] != callflow.RouteRobot ||
		s[callflow.SlotRouteReason] != callflow.ReasonUnknownCaller || s["callback_at"] == "" || s["caller_name"] == "" {
		t.Fatalf("unknown caller: script %q outcome %q slots %v: want the inbound script's callback", rep.Record.ScriptName, rep.Record.Outcome, s)
	}
	if n := strings.Count(ir.alice.trace(), "INVITE sip:"); n != invites {
		t.Fatalf("an unknown caller rang alice (%d INVITEs, %d before)", n, invites)
	}

	// 3. d2, pinned to bob whose phone is offline: the robot, which knows them.
	rep = ir.call(t, "+79160000022", testcalls.Behaviour{Steps: []testcalls.Step{{Say: "Да, это я"}, {Say: "нет"}, {Say: "завтра в десять утра"}}})
	s = rep.Record.Slots
	if rep.Record.Outcome != "callback" || s[callflow.SlotRouteReason] != callflow.ReasonPinnedOffline || s[callflow.SlotRung] != "" || !containsNode(pathOf(rep), "offer_details") {
		t.Fatalf("pinned to an offline collector: outcome %q slots %v path %v: want the robot, who identified them", rep.Record.Outcome, s, pathOf(rep))
	}

	for _, d := range []string{"d1", "d2"} {
		if es, err := ir.db.LedgerEntries(ir.ctx, d); err != nil || len(es) != 0 {
			t.Errorf("%s's ledger after calling in: %+v %v, want nothing (debtor-initiated)", d, es, err)
		}
	}
	for _, id := range []string{rep.ID} {
		if rec, err := ir.db.Call(ir.ctx, id); err != nil || rec.Slots[callflow.SlotRoute] != callflow.RouteRobot {
			t.Errorf("stored call %s: %+v %v, want its route", id, rec.Slots, err)
		}
	}
}

// TestInboundQueue: alice is on a call with d1 when d2 and then d3 call
// in; both wait in the line, hear their positions (first, second), and
// reach alice in the order they came once she is free.
func TestInboundQueue(t *testing.T) {
	t.Parallel()
	ir := newInboundRig(t, handoff.Policy{RingTimeout: 10 * time.Second, Queue: handoff.QueueKnown, QueueMaxWait: 90 * time.Second, AnnounceEvery: time.Minute}, 6*time.Second)
	ir.debtor(t, "d2", "+79160000022", "alice")
	ir.debtor(t, "d3", "+79160000023", "alice")
	var wg sync.WaitGroup
	reps := map[string]callflow.Report{}
	var mu sync.Mutex
	dial := func(from string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := ir.call(t, from, testcalls.Behaviour{})
			mu.Lock()
			reps[from] = rep
			mu.Unlock()
		}()
	}
	dial(debtorPhone)
	waitFor(t, "alice took d1's call", func() bool { return ir.eventOf("d1", callflow.HandOffAnswered) != nil })
	dial("+79160000022")
	waitFor(t, "d2 queued", func() bool { return ir.eventOf("d2", callflow.Queued) != nil })
	dial("+79160000023")
	waitFor(t, "d3 queued", func() bool { return ir.eventOf("d3", callflow.Queued) != nil })
	wg.Wait()

	if p := ir.eventOf("d2", callflow.Queued).Position; p != 1 {
		t.Errorf("d2 first heard position %d, want 1", p)
	}
	if p := ir.eventOf("d3", callflow.Queued).Position; p != 2 {
		t.Errorf("d3 first heard position %d, want 2", p)
	}
	var order []string
	for _, e := range ir.events.all() {
		if e.Kind == callflow.HandOffAnswered {
			order = append(order, e.DebtorID+":"+e.Collector)
		}
	}
	if strings.Join(order, " ") != "d1:alice d2:alice d3:alice" {
		t.Fatalf("alice took %v, want d1, then d2, then d3", order)
	}
	for from, want := range map[string]string{"+79160000022": "Вы первый в очереди", "+79160000023": "Вы второй в очереди"} {
		rep := reps[from]
		rec, err := ir.db.Call(ir.ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		said := ""
		for _, tn := range rec.Turns {
			said += tn.Text + " "
		}
		if !strings.Contains(said, want) || rec.Slots[callflow.SlotRoute] != callflow.RouteCollector || rec.Slots[callflow.SlotQueuedSec] == "" {
			t.Errorf("%s: stored turns %q, slots %v: want %q, taken by a collector after a wait", from, said, rec.Slots, want)
		}
	}
}

// TestInboundCallerLeavesTheLine: a caller who hangs up while waiting
// leaves the line (the next moves up) and the call is stored as such.
func TestInboundCallerLeavesTheLine(t *testing.T) {
	t.Parallel()
	ir := newInboundRig(t, handoff.Policy{RingTimeout: 5 * time.Second, Queue: handoff.QueueAll, QueueMaxWait: time.Minute, AnnounceEvery: time.Minute}, 0)
	// alice's phone is not registered but a desk phone is "online" and busy
	desk := handoff.Endpoint{Login: "desk", URI: "sip:desk@127.0.0.1:9"}
	if err := ir.dir.Add(desk); err != nil {
		t.Fatal(err)
	}
	h := callflow.HandOffConfig{Collectors: ir.dir, Debtors: ir.db, Lines: handoff.NewLines(),
		Inbound: handoff.Policy{RingTimeout: 5 * time.Second, Queue: handoff.QueueAll, QueueMaxWait: time.Minute, AnnounceEvery: time.Minute}}
	h.Lines.Claim(t.Context(), []handoff.Target{{Login: "desk"}})
	ir.flow.SetHandOff(h)
	rep := ir.call(t, "+79160009998", testcalls.Behaviour{Steps: []testcalls.Step{{HangupAfter: 500 * time.Millisecond}}})
	s := rep.Record.Slots
	if rep.Record.Outcome != "hangup" || s[callflow.SlotRoute] != callflow.RouteHungUp || s[callflow.SlotQueuedSec] == "" || h.Lines.Waiting() != 0 {
		t.Fatalf("caller hung up in the line: outcome %q slots %v, %d still waiting", rep.Record.Outcome, s, h.Lines.Waiting())
	}
	if _, err := ir.db.Call(ir.ctx, rep.ID); err != nil {
		t.Fatalf("the call was not stored: %v", err)
	}
}

// all is every event so far, in order.
func (l *eventLog) all() []callflow.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]callflow.Event(nil), l.ev...)
}

func pathOf(rep callflow.Report) []string { return rep.Result.Path }

// eventOf is the first event of kind for debtor's calls (nil: none yet).
func (ir *inboundRig) eventOf(debtor string, kind callflow.EventKind) *callflow.Event {
	for _, e := range ir.events.all() {
		if e.DebtorID == debtor && e.Kind == kind {
			return &e
		}
	}
	return nil
}

// waitFor polls cond (the events have no channel to wait on) for at most
// a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestClickToCallRefusesABusyCollector: a collector on a call (here an
// inbound caller's) is not rung for a click-to-call; nothing is dialled.
func TestClickToCallRefusesABusyCollector(t *testing.T) {
	dir, err := handoff.New(nil, nil, []handoff.Endpoint{{Login: "desk", URI: "sip:desk@127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	lines := handoff.NewLines()
	lines.Claim(t.Context(), []handoff.Target{{Login: "desk"}})
	flow, err := callflow.New(callflow.Config{NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		HandOff: callflow.HandOffConfig{Collectors: dir, Lines: lines}})
	if err != nil {
		t.Fatal(err)
	}
	num, _ := phonenum.Parse(debtorPhone)
	_, _, err = flow.ClickToCall(t.Context(), t.Context(), callflow.ClickToCall{DebtorID: "d1", Phone: num, Collector: "desk"})
	if !errors.Is(err, callflow.ErrNoCollector) || !strings.Contains(err.Error(), "on a call") {
		t.Fatalf("click-to-call to a busy collector: %v, want ErrNoCollector (on a call)", err)
	}
	if !lines.Busy("desk") {
		t.Fatal("the refused click-to-call freed the collector another call holds")
	}
}
