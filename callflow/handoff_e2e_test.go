package callflow_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/handoff"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/telephony/sipguard"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// The collector's softphone "speaks" a tone of this pitch: the recording
// shows it apart from the robot's and the debtor's voices.
const collectorTone = 1000.0

// handoffScript qualifies the debtor by keypad and hands them off; when
// nobody takes the call the robot asks for a callback time. Its one prompt
// before the hand-off lets the simulated phone tell the robot's voice from
// the collector's by order alone.
const handoffScript = `name: handoff_test
version: "1"
language: ru
limits: {max_turns: 8, max_duration: 3m}
import: %s
start: identify
phrases:
  hi: {text: "Здравствуйте! Это робот компании Альфа, разговор записывается.", tags: [greeting, disclosure, creditor, recording]}
  ask: {text: "Нажмите один, чтобы поговорить со специалистом."}
  ask2: {text: "Чтобы поговорить со специалистом, нажмите единицу."}
  ask3: {text: "Поговорить со специалистом можно, нажав клавишу один."}
  ask_cb: {text: "Когда вам перезвонить?"}
  ask_cb2: {text: "Скажите, в какое время вам удобно поговорить?"}
  ask_cb3: {text: "Назовите удобное время для звонка."}
  bye: {text: "До свидания."}
nodes:
  - id: identify
    say: hi
    ask:
      prompt: ask
      reprompts: [ask2, ask3]
      timeout: 8s
      dtmf: {"1": "yes"}
    on:
      - {intent: "yes", goto: transfer}
    no_input: end
    no_match: end
  # no prompt and a quiet hold: the debtor's phone hears nothing between
  # its key press and the collector's voice
  - id: transfer
    transfer: {on_fail: ask_callback}
  - id: ask_callback
    ask: {prompt: ask_cb, reprompts: [ask_cb2, ask_cb3], timeout: 3s, max_attempts: 1, slots: [callback_at]}
    on:
      - {slot: callback_at, goto: end_cb}
    no_input: end_cb
    no_match: end_cb
  - {id: end_cb, say: bye, end: callback}
  - {id: end, say: bye, end: no_input}
`

// handoffRig is a rig with dozvon's UA accepting the collector's digest
// registration, a flow with the hand-off wired, and one debtor pinned to
// collector "alice".
type handoffRig struct {
	*rig
	ua     *telephony.UA
	flow   *callflow.Flow
	events *eventLog
	dir    *handoff.Directory
	script string
	phone  string // the debtor's number
}

const debtorPhone = "+79160000021"

func newHandoffRig(t *testing.T, start time.Time, debtor testcalls.Behaviour, ring time.Duration) *handoffRig {
	t.Helper()
	needBaresip(t)
	r := newRig(t, start)
	uri := r.phones.Phone(debtorPhone, debtor)
	host := uri[strings.Index(uri, "@")+1:]
	ua, err := telephony.New(r.ctx, telephony.Config{Name: "dozvon", Listen: r.loop, RecordDir: t.TempDir(),
		Trunks: []telephony.Trunk{{Name: "main", Host: host}},
		// baresip 1.0 (libre) fails on a SHA-256 challenge: offer MD5 alone
		Security: sipguard.Config{Users: []sipguard.User{digestUser("alice", "s3cret")}, Algorithms: []string{sipguard.MD5}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := ua.Serve(r.ctx, nil); err != nil { // listen: the softphone registers
		t.Fatal(err)
	}
	dir, err := handoff.New(ua.Guard(), nil, []handoff.Endpoint{{Login: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.db.UpsertDebtor(r.ctx, store.Debtor{ID: "d1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{debtorPhone}}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.AssignCollector(r.ctx, "d1", "alice"); err != nil {
		t.Fatal(err)
	}
	events := &eventLog{}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: r.guard, Calls: r.db, Clock: r.clock, RingTimeout: 5 * time.Second, Events: events,
		Log:          testLog(t),
		Voice:        robot.VoiceConfig{Voice: r.voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return r.phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		HandOff:      callflow.HandOffConfig{Collectors: dir, Debtors: r.db, RingTimeout: ring},
	})
	if err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "handoff.yaml", handoffScript)
	return &handoffRig{rig: r, ua: ua, flow: flow, events: events, dir: dir, script: script, phone: debtorPhone}
}

// TestWarmHandOffOverSIP is the acceptance of the warm hand-off: the robot
// qualifies the debtor (by the stand-in recognizer), rings their pinned collector — baresip,
// registered to dozvon with digest auth and answering — whispers to them,
// pops the screen event, bridges the legs in dozvon; both voices are in the
// one stereo recording, the ledger has one conversation, and nothing the
// softphone got over SIP holds the debtor's number.
func TestWarmHandOffOverSIP(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	const said = "Да, я вас слушаю, говорите пожалуйста"
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{
			{Say: "Да, это я"}, // qualifies (the stand-in recognizer hears it): "yes" to "press one"
			// the hold is quiet: the next voice is the collector's, and the debtor answers over it
			{Interrupt: said, After: 300 * time.Millisecond},
		}}, 15*time.Second)
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 10*time.Second)
	waitRegistered(t, hr.dir, "alice")

	rep, err := hr.flow.Place(hr.ctx, callflow.Request{To: hr.phone, DebtorID: "d1", Region: "г. Москва", Script: hr.script,
		Vars: map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович"}, "debt": map[string]any{"amount": 15000.0}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Outcome != "transfer" || rep.Result.Slots["transfer_to"] != "alice" {
		t.Fatalf("outcome %q, transfer_to %q (reason %q), want transfer to alice", rep.Result.Outcome, rep.Result.Slots["transfer_to"], rep.Result.Reason)
	}
	if rep.Kind != compliance.Conversation {
		t.Errorf("ledger kind %q, want conversation", rep.Kind)
	}
	es, err := hr.db.LedgerEntries(hr.ctx, "d1")
	if err != nil || len(es) != 1 || es[0].Kind != string(compliance.Conversation) || es[0].State == store.StateOpen {
		t.Errorf("ledger: %+v (%v), want one committed conversation", es, err)
	}
	// the screen pop: the collector and the transcript so far, no number
	var pop *callflow.Event
	for _, e := range hr.events.of(rep.ID) {
		if e.Kind == callflow.HandOffAnswered {
			pop = &e
		}
	}
	if pop == nil || pop.Collector != "alice" || pop.DebtorID != "d1" || len(pop.Transcript) == 0 {
		t.Fatalf("screen-pop event: %+v", pop)
	}
	// the one recording: the debtor on the left, what they heard (robot,
	// then the collector) on the right; after the collector's voice starts,
	// the debtor's is there too
	wav, err := media.ReadWAVFile(rep.Record.RecordingPath)
	if err != nil || wav.Channels != 2 {
		t.Fatalf("recording %q: %v (%d channels)", rep.Record.RecordingPath, err, wav.Channels)
	}
	bridged := -1
	var debtorAfter int
	for f := 0; (f+1)*160*2 <= len(wav.Samples); f++ {
		left, right := channel(wav.Samples[f*320:(f+1)*320], 0), channel(wav.Samples[f*320:(f+1)*320], 1)
		if bridged < 0 && toneShare(right, collectorTone) > 0.8 && rms(right) > 300 {
			bridged = f
		}
		if bridged >= 0 && rms(left) > 300 {
			debtorAfter++
		}
	}
	if bridged < 0 || debtorAfter < 25 {
		t.Logf("debtor's phone: %+v", hr.phones.Reports())
		for _, tn := range rep.Result.Turns {
			t.Logf("turn %s %s %s %q %v–%v", tn.Node, tn.Who, tn.Kind, tn.Text, tn.Start.Format("05.000"), tn.End.Format("05.000"))
		}
		var prof []string
		for f := 0; (f+25)*320 <= len(wav.Samples); f += 25 {
			seg := wav.Samples[f*320 : (f+25)*320]
			prof = append(prof, fmt.Sprintf("%d:%.0f/%.0f/%.2f", f, rms(channel(seg, 0)), rms(channel(seg, 1)), toneShare(channel(seg, 1), collectorTone)))
		}
		t.Logf("profile left/right/tone per 0.5 s: %s", strings.Join(prof, " "))
		t.Fatalf("recording: collector's tone from frame %d, %d frames of the debtor's voice after it (want the tone and ≥ 25)", bridged, debtorAfter)
	}
	trace := sp.trace()
	if !strings.Contains(trace, "INVITE sip:") || !strings.Contains(trace, "debtor-d1") {
		t.Fatalf("the softphone got no INVITE from debtor-d1:\n%s", trace)
	}
	for _, digits := range []string{"9160000021", "916-000", "916 000"} {
		if strings.Contains(trace, digits) {
			t.Fatalf("the softphone's SIP traffic holds the debtor's number (%s):\n%s", digits, trace)
		}
	}
}

// TestHandOffNobodyAnswersRobotTakesCallback: the collector's phone rings
// out (baresip registered, not answering): after the hand-off's ring
// timeout the transfer node's on_fail runs on the same call — the robot
// asks for a callback time.
func TestHandOffNobodyAnswersRobotTakesCallback(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{Say: "Да, это я"}, {Say: "завтра в десять утра"}}}, 2*time.Second)
	sp := startBaresip(t, hr.ctx, hr.ua, "alice", "s3cret", time.Second, "manual")
	waitRegistered(t, hr.dir, "alice")
	rep, err := hr.flow.Place(hr.ctx, callflow.Request{To: hr.phone, DebtorID: "d1", Region: "г. Москва", Script: hr.script})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Outcome != "callback" || !containsNode(rep.Result.Path, "ask_callback") {
		t.Fatalf("outcome %q path %v, want the robot back at ask_callback", rep.Result.Outcome, rep.Result.Path)
	}
	if !strings.Contains(sp.trace(), "CANCEL sip:") {
		t.Fatal("the collector's phone was not rung (and cancelled)")
	}
}

// TestClickToCallForbiddenTime: at 23:00 in the debtor's zone the guard
// refuses the human call after the collector's phone rang: the answer
// carries the reason and the next allowed time, and no INVITE reached the
// debtor's phone.
func TestClickToCallForbiddenTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC) // 23:00 in Moscow
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 100 * time.Millisecond}, 10*time.Second)
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 2*time.Second)
	waitRegistered(t, hr.dir, "alice")
	num, _ := phonenum.Parse(hr.phone)
	_, _, err := hr.flow.ClickToCall(hr.ctx, hr.ctx, callflow.ClickToCall{DebtorID: "d1", Name: "Иванов Иван Иванович", Phone: num, Region: "г. Москва", Collector: "alice"})
	var denied *callflow.DeniedError
	if !errors.As(err, &denied) || !errors.Is(err, callflow.ErrDenied) {
		t.Fatalf("click-to-call at 23:00: %v, want a denial", err)
	}
	if denied.Decision.Reason == "" || denied.Decision.NextAllowedAt.IsZero() || !denied.Decision.NextAllowedAt.After(start) {
		t.Fatalf("denial: reason %q, next allowed %v", denied.Decision.Reason, denied.Decision.NextAllowedAt)
	}
	if reps := hr.phones.Reports(); len(reps) != 0 {
		t.Fatalf("the debtor's phone got %d INVITE(s): %+v", len(reps), reps)
	}
	if !strings.Contains(sp.trace(), "INVITE sip:") {
		t.Fatal("the collector's phone did not ring first")
	}
}

// TestClickToCallBridges: at an allowed time the collector's phone rings
// first, then the debtor's; the legs are bridged and recorded, the ledger
// has one human conversation, and the softphone never got the number.
func TestClickToCallBridges(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	hr := newHandoffRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{Interrupt: "Алло, слушаю вас", After: 300 * time.Millisecond}}}, 10*time.Second)
	sp := startSoftphone(t, hr.ctx, hr.ua, "alice", "s3cret", 6*time.Second)
	waitRegistered(t, hr.dir, "alice")
	num, _ := phonenum.Parse(hr.phone)
	id, done, err := hr.flow.ClickToCall(hr.ctx, hr.ctx, callflow.ClickToCall{DebtorID: "d1", Name: "Иванов Иван Иванович", Phone: num, Region: "г. Москва", Collector: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	var rep callflow.Report
	select {
	case rep = <-done:
	case <-hr.ctx.Done():
		t.Fatal("the click-to-call did not end")
	}
	if rep.ID != id || rep.Record.Result != "answered" || rep.Kind != compliance.Conversation || rep.Record.Slots[callflow.SlotCollector] != "alice" {
		t.Fatalf("report %+v", rep)
	}
	es, err := hr.db.LedgerEntries(hr.ctx, "d1")
	if err != nil || len(es) != 1 || es[0].Channel != string(compliance.HumanCall) || es[0].Kind != string(compliance.Conversation) {
		t.Errorf("ledger: %+v (%v), want one human-call conversation", es, err)
	}
	wav, err := media.ReadWAVFile(rep.Record.RecordingPath)
	if err != nil || wav.Channels != 2 {
		t.Fatalf("recording %q: %v", rep.Record.RecordingPath, err)
	}
	tone, voice := toneAndVoice(wav.Samples)
	if tone < 25 || voice < 25 {
		var ml, mr float64
		for f := 0; (f+1)*320 <= len(wav.Samples); f++ {
			ml = max(ml, rms(channel(wav.Samples[f*320:(f+1)*320], 0)))
			mr = max(mr, rms(channel(wav.Samples[f*320:(f+1)*320], 1)))
		}
		t.Logf("recording %s: %d samples, max rms left %.0f right %.0f", rep.Record.RecordingPath, len(wav.Samples), ml, mr)
		t.Fatalf("recording: %d frames of the collector's tone, %d of the debtor's voice (want ≥ 25 each)", tone, voice)
	}
	if trace := sp.trace(); strings.Contains(trace, "9160000021") || !strings.Contains(trace, "debtor-d1") {
		t.Fatalf("the softphone's SIP traffic: want the alias debtor-d1 and never the number:\n%s", trace)
	}
}

func containsNode(path []string, node string) bool {
	for _, p := range path {
		if p == node {
			return true
		}
	}
	return false
}
