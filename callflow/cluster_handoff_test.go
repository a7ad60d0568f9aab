package callflow_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// TestInboundReachesACollectorRegisteredToAnotherNode: two nodes on one
// store. Alice's softphone (baresip) registers to node A; her debtor calls
// node B, which rings her at node A's registration and bridges the call.
// While she talks on node B's call, node A sees her busy; when the call
// ends, node A sees her free.
func TestInboundReachesACollectorRegisteredToAnotherNode(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	hr := newHandoffRig(t, start, testcalls.Behaviour{}, 10*time.Second)
	pol := handoff.Policy{RingTimeout: 10 * time.Second, Queue: handoff.QueueNone}
	share := func(name string, dir *handoff.Directory) *handoff.Lines {
		lines := handoff.NewSharedLines(hr.db, name, 0, nil, testLog(t))
		go handoff.Share(hr.ctx, dir, hr.db, lines, handoff.ShareConfig{Node: name, Every: 100 * time.Millisecond, Log: testLog(t)})
		return lines
	}
	// Node A: the rig's UA, where alice registers; it takes no calls here.
	linesA := share("node-a", hr.dir)
	hr.flow.SetHandOff(callflow.HandOffConfig{Collectors: hr.dir, Debtors: hr.db, Lines: linesA, Inbound: pol})
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 4*time.Second)
	waitRegistered(t, hr.dir, "alice")

	// Node B: its own UA (no softphone registers to it) and flow.
	b := startPeerNode(t, hr, share, pol)
	dirB, uaB := b.dir, b.ua
	waitFor(t, "node B sees alice's registration at node A", func() bool { return dirB.Presence("alice").Registered })

	// d1, pinned to alice, calls node B and talks; node A sees alice busy meanwhile.
	called := make(chan error, 1)
	go func() {
		_, err := hr.phones.DialAs(hr.ctx, uaB.URI("agency"), hr.phone, testcalls.Behaviour{Steps: []testcalls.Step{{Say: "Да, я по поводу платежа"}}})
		called <- err
	}()
	waitFor(t, "node A sees alice busy on node B's call", func() bool { return linesA.Busy("alice") })
	if err := <-called; err != nil {
		t.Fatalf("d1 dials node B: %v", err)
	}
	rep := b.report(t)
	s := rep.Record.Slots
	if rep.Record.Outcome != "transfer" || s[callflow.SlotCollector] != "alice" || s[callflow.SlotRung] != "alice" {
		t.Fatalf("node B's call: outcome %q, slots %v: want taken by alice, registered to node A", rep.Record.Outcome, s)
	}
	if !strings.Contains(sp.trace(), "debtor-d1") {
		t.Fatalf("alice's softphone got no INVITE for d1:\n%s", sp.trace())
	}
	waitFor(t, "node A sees alice free once node B's call ended", func() bool { return !linesA.Busy("alice") })
}

// peerNode is a second node over the rig's store: its own UA, directory,
// shared lines and flow, answering inbound calls with inboundScript.
type peerNode struct {
	ua  *telephony.UA
	dir *handoff.Directory

	mu     sync.Mutex
	rep    callflow.Report
	stored bool
}

// startPeerNode starts node B; share starts its presence and lines sharing.
func startPeerNode(t *testing.T, hr *handoffRig, share func(string, *handoff.Directory) *handoff.Lines, pol handoff.Policy) *peerNode {
	t.Helper()
	uaB, err := telephony.New(hr.ctx, telephony.Config{Name: "dozvon-b", Listen: hr.loop, RecordDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dirB, err := handoff.New(uaB.Guard(), nil, []handoff.Endpoint{{Login: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	linesB := share("node-b", dirB)
	flowB, err := callflow.New(callflow.Config{
		UA: uaB, Guard: hr.guard, Calls: hr.db, Clock: hr.clock, RingTimeout: 5 * time.Second, Events: hr.events,
		Log:          testLog(t),
		Voice:        robot.VoiceConfig{Voice: hr.voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return hr.phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		HandOff:      callflow.HandOffConfig{Collectors: dirB, Debtors: hr.db, Lines: linesB, Inbound: pol},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := &peerNode{ua: uaB, dir: dirB}
	if err := uaB.Serve(hr.ctx, func(cctx context.Context, in *telephony.Inbound) {
		req, err := callflow.KnownCaller(cctx, hr.db, "Альфа Финанс", in.From(), callflow.AnswerRequest{Script: inboundScript})
		if err != nil {
			t.Errorf("known caller: %v", err)
		}
		r, err := flowB.Answer(hr.ctx, cctx, in, req)
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		n.mu.Lock()
		n.rep, n.stored = r, true
		n.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// report waits for node B's call to be stored and returns its report.
func (n *peerNode) report(t *testing.T) callflow.Report {
	t.Helper()
	waitFor(t, "the call stored", func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.stored })
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.rep
}

// TestInboundReachesACollectorWhoseNodeIsGone: alice's softphone (baresip)
// registered to node A, whose registrar keeps its bindings in the shared
// store; node A publishes no presence (it died, or restarted with an empty
// registrar). Her debtor calls node B, which finds her binding in the store,
// rings her there and bridges the call.
func TestInboundReachesACollectorWhoseNodeIsGone(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	hr := newHandoffRig(t, start, testcalls.Behaviour{}, 10*time.Second)
	pol := handoff.Policy{RingTimeout: 10 * time.Second, Queue: handoff.QueueNone}
	hr.ua.KeepRegistrationsIn(handoff.NewRegistrations(hr.db, "node-a", nil))
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 4*time.Second)
	waitRegistered(t, hr.dir, "alice")
	waitFor(t, "alice's binding in the store", func() bool {
		rs, err := hr.db.Registrations(hr.ctx, time.Now())
		return err == nil && len(rs) == 1 && rs[0].User == "alice" && rs[0].Node == "node-a"
	})
	share := func(name string, dir *handoff.Directory) *handoff.Lines {
		lines := handoff.NewSharedLines(hr.db, name, 0, nil, testLog(t))
		go handoff.Share(hr.ctx, dir, hr.db, lines, handoff.ShareConfig{Node: name, Every: 100 * time.Millisecond, Log: testLog(t)})
		return lines
	}
	b := startPeerNode(t, hr, share, pol)
	waitFor(t, "node B sees alice's stored registration", func() bool { return b.dir.Presence("alice").Registered })

	if _, err := hr.phones.DialAs(hr.ctx, b.ua.URI("agency"), hr.phone, testcalls.Behaviour{Steps: []testcalls.Step{{Say: "Да, я по поводу платежа"}}}); err != nil {
		t.Fatalf("d1 dials node B: %v", err)
	}
	rep := b.report(t)
	if s := rep.Record.Slots; rep.Record.Outcome != "transfer" || s[callflow.SlotCollector] != "alice" {
		t.Fatalf("node B's call: outcome %q, slots %v: want taken by alice through her stored registration", rep.Record.Outcome, s)
	}
	if !strings.Contains(sp.trace(), "debtor-d1") {
		t.Fatalf("alice's softphone got no INVITE for d1:\n%s", sp.trace())
	}
}
