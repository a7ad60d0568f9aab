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
	var mu sync.Mutex
	var rep callflow.Report
	stored := false
	if err := uaB.Serve(hr.ctx, func(cctx context.Context, in *telephony.Inbound) {
		req, err := callflow.KnownCaller(cctx, hr.db, "Альфа Финанс", in.From(), callflow.AnswerRequest{Script: inboundScript})
		if err != nil {
			t.Errorf("known caller: %v", err)
		}
		r, err := flowB.Answer(hr.ctx, cctx, in, req)
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		mu.Lock()
		rep, stored = r, true
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
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
	waitFor(t, "the call stored", func() bool { mu.Lock(); defer mu.Unlock(); return stored })
	s := rep.Record.Slots
	if rep.Record.Outcome != "transfer" || s[callflow.SlotCollector] != "alice" || s[callflow.SlotRung] != "alice" {
		t.Fatalf("node B's call: outcome %q, slots %v: want taken by alice, registered to node A", rep.Record.Outcome, s)
	}
	if !strings.Contains(sp.trace(), "debtor-d1") {
		t.Fatalf("alice's softphone got no INVITE for d1:\n%s", sp.trace())
	}
	waitFor(t, "node A sees alice free once node B's call ended", func() bool { return !linesA.Busy("alice") })
}
