package callflow_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"sync"
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
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// A collector reached on their own mobile through a trunk (issue 15 item
// 1): the simulated mobile network is a SIP user agent behind trunk
// "mobile" that answers for the collector's number and "speaks" the
// collector's tone.

const (
	collectorMobile = "+79035550101"
	agencyNumber    = "+74950000000"
)

// mobileInvite is what the mobile network saw of one INVITE.
type mobileInvite struct {
	To, FromUser string
	Headers      map[string]string
}

// mobileNetwork is a test double carrier: it answers the collector's
// number and plays a tone for talk, then hangs up; it keeps the identity
// headers of every INVITE it got.
type mobileNetwork struct {
	ua *telephony.UA
	mu sync.Mutex
	in []mobileInvite
}

func startMobileNetwork(t *testing.T, ctx context.Context, loop []telephony.Listen, number string, talk time.Duration) *mobileNetwork {
	t.Helper()
	ua, err := telephony.New(ctx, telephony.Config{Name: "mobile", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &mobileNetwork{ua: ua}
	tone := make([]int16, int(talk.Seconds()*8000))
	for i := range tone {
		tone[i] = int16(8000 * math.Sin(2*math.Pi*collectorTone*float64(i)/8000))
	}
	err = ua.Serve(ctx, func(ctx context.Context, in *telephony.Inbound) {
		inv := mobileInvite{To: in.To(), FromUser: in.From(), Headers: map[string]string{}}
		for _, h := range []string{"From", "To", "Contact", "P-Asserted-Identity", "Remote-Party-ID", "Diversion", "Subject", "Call-Info"} {
			inv.Headers[h] = in.Header(h)
		}
		m.mu.Lock()
		m.in = append(m.in, inv)
		m.mu.Unlock()
		if in.To() != number {
			_ = in.Reject(404, "Not Found")
			return
		}
		_ = in.Ringing()
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		pb := call.Play(tone)
		select {
		case <-pb.Done():
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
			_ = call.Hangup(hctx)
			cancel()
		case <-call.Done():
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *mobileNetwork) invites() []mobileInvite {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mobileInvite(nil), m.in...)
}

// host is the mobile network's address, a trunk's host.
func (m *mobileNetwork) host() string { return m.ua.Addr() }

// newMobileRig is the hand-off rig with collector "erin" on her mobile
// (collectorMobile through trunk "mobile") and the debtor d1 pinned to her.
func newMobileRig(t *testing.T, start time.Time, debtor testcalls.Behaviour, talk time.Duration, erinPhone string) (*handoffRig, *mobileNetwork) {
	t.Helper()
	r := newRig(t, start)
	uri := r.phones.Phone(debtorPhone, debtor)
	host := uri[strings.Index(uri, "@")+1:]
	mob := startMobileNetwork(t, r.ctx, r.loop, collectorMobile, talk)
	ua, err := telephony.New(r.ctx, telephony.Config{Name: "dozvon", Listen: r.loop, RecordDir: t.TempDir(),
		Trunks: []telephony.Trunk{{Name: "main", Host: host, Priority: 1}, {Name: "mobile", Host: mob.host(), Priority: 2}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := handoff.New(nil, nil, []handoff.Endpoint{{Login: "erin", Phone: erinPhone, Trunk: "mobile"}})
	if err != nil {
		t.Fatal(err)
	}
	dir.SetPage("erin", true) // on duty: her own mobile rings only while her page is open
	if err := r.db.UpsertDebtor(r.ctx, store.Debtor{ID: "d1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{debtorPhone}}); err != nil {
		t.Fatal(err)
	}
	if err := r.db.AssignCollector(r.ctx, "d1", "erin"); err != nil {
		t.Fatal(err)
	}
	events := &eventLog{}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: r.guard, Calls: r.db, Clock: r.clock, RingTimeout: 5 * time.Second, Events: events,
		Log:          testLog(t),
		Voice:        robot.VoiceConfig{Voice: r.voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return r.phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		HandOff:      callflow.HandOffConfig{Collectors: dir, Debtors: r.db, RingTimeout: 10 * time.Second, CallerID: agencyNumber},
	})
	if err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "handoff.yaml", handoffScript)
	return &handoffRig{rig: r, ua: ua, flow: flow, events: events, dir: dir, script: script, phone: debtorPhone}, mob
}

// checkMobileInvite: the collector's mobile was rung through the trunk,
// showed the agency's number, and nothing it got names the debtor's number.
func checkMobileInvite(t *testing.T, mob *mobileNetwork) {
	t.Helper()
	ins := mob.invites()
	if len(ins) != 1 || ins[0].To != collectorMobile {
		t.Fatalf("the mobile network got %+v, want one INVITE to %s", ins, collectorMobile)
	}
	if ins[0].FromUser != agencyNumber {
		t.Errorf("the collector's mobile shows %q, want the agency's number %s", ins[0].FromUser, agencyNumber)
	}
	for h, v := range ins[0].Headers {
		if strings.Contains(v, "9160000021") || strings.Contains(v, "916000") {
			t.Errorf("the collector's mobile got the debtor's number in %s: %q", h, v)
		}
	}
}

// TestWarmHandOffToExternalMobile: the robot qualifies the debtor and hands
// them to their pinned collector, whose phone is her mobile behind a trunk;
// the mobile shows the agency's number, the legs are bridged and recorded,
// and the ledger has the debtor's one conversation — the collector's leg is
// no contact with a debtor and is counted nowhere.
func TestWarmHandOffToExternalMobile(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	hr, mob := newMobileRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{Say: "Да, это я"}, {Interrupt: "Да, я вас слушаю, говорите пожалуйста", After: 300 * time.Millisecond}}},
		8*time.Second, collectorMobile)
	rep, err := hr.flow.Place(hr.ctx, callflow.Request{To: hr.phone, DebtorID: "d1", Region: "г. Москва", Script: hr.script,
		Vars: map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович"}, "debt": map[string]any{"amount": 15000.0}}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Result.Outcome != "transfer" || rep.Result.Slots["transfer_to"] != "erin" {
		t.Fatalf("outcome %q, transfer_to %q (reason %q), want transfer to erin", rep.Result.Outcome, rep.Result.Slots["transfer_to"], rep.Result.Reason)
	}
	es, err := hr.db.LedgerEntries(hr.ctx, "d1")
	if err != nil || len(es) != 1 || es[0].Kind != string(compliance.Conversation) || es[0].Phone != debtorPhone {
		t.Errorf("ledger: %+v (%v), want the debtor's one conversation and nothing for the collector's leg", es, err)
	}
	checkMobileInvite(t, mob)
	wav, err := media.ReadWAVFile(rep.Record.RecordingPath)
	if err != nil || wav.Channels != 2 {
		t.Fatalf("recording %q: %v", rep.Record.RecordingPath, err)
	}
	if tone, _ := toneAndVoice(wav.Samples); tone < 25 {
		t.Errorf("recording: %d frames of the collector's tone, want ≥ 25", tone)
	}
}

// TestClickToCallExternalMobile: click-to-call rings the collector's mobile
// through its trunk first, then the debtor; the legs are bridged, the
// ledger has one human call, and the mobile never got the number.
func TestClickToCallExternalMobile(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	hr, mob := newMobileRig(t, start, testcalls.Behaviour{Ring: 200 * time.Millisecond,
		Steps: []testcalls.Step{{Interrupt: "Алло, слушаю вас", After: 300 * time.Millisecond}}}, 6*time.Second, collectorMobile)
	num, _ := phonenum.Parse(hr.phone)
	_, done, err := hr.flow.ClickToCall(hr.ctx, hr.ctx, callflow.ClickToCall{DebtorID: "d1", Name: "Иванов Иван Иванович", Phone: num, Region: "г. Москва", Collector: "erin", Trunks: []string{"main"}})
	if err != nil {
		t.Fatal(err)
	}
	var rep callflow.Report
	select {
	case rep = <-done:
	case <-hr.ctx.Done():
		t.Fatal("the click-to-call did not end")
	}
	if rep.Record.Result != "answered" || rep.Kind != compliance.Conversation || rep.Record.Slots[callflow.SlotCollector] != "erin" {
		t.Fatalf("report %+v", rep)
	}
	es, err := hr.db.LedgerEntries(hr.ctx, "d1")
	if err != nil || len(es) != 1 || es[0].Channel != string(compliance.HumanCall) {
		t.Errorf("ledger: %+v (%v), want one human call", es, err)
	}
	checkMobileInvite(t, mob)
	wav, err := media.ReadWAVFile(rep.Record.RecordingPath)
	if err != nil || wav.Channels != 2 {
		t.Fatalf("recording %q: %v", rep.Record.RecordingPath, err)
	}
	if tone, voice := toneAndVoice(wav.Samples); tone < 25 || voice < 25 {
		t.Errorf("recording: %d frames of the collector's tone, %d of the debtor's voice (want ≥ 25 each)", tone, voice)
	}
}

// TestCollectorNumberThatIsADebtorsIsNotDialed: a collector configured
// with a number stored for a debtor is never rung — the guard refuses the
// staff permit — and nothing reaches either phone.
func TestCollectorNumberThatIsADebtorsIsNotDialed(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	hr, mob := newMobileRig(t, start, testcalls.Behaviour{Ring: 100 * time.Millisecond}, time.Second, debtorPhone)
	num, _ := phonenum.Parse(hr.phone)
	_, _, err := hr.flow.ClickToCall(hr.ctx, hr.ctx, callflow.ClickToCall{DebtorID: "d1", Phone: num, Region: "г. Москва", Collector: "erin"})
	if !errors.Is(err, compliance.ErrNotStaffNumber) {
		t.Fatalf("click-to-call with a debtor's number as the collector's: %v, want ErrNotStaffNumber", err)
	}
	if reps := hr.phones.Reports(); len(reps) != 0 {
		t.Errorf("the debtor's phone got %d INVITE(s)", len(reps))
	}
	if ins := mob.invites(); len(ins) != 0 {
		t.Errorf("the mobile network got %d INVITE(s)", len(ins))
	}
}
