package callflow_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/selfexec"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

// TestSweepOverSIP runs a small sweep for real: the scheduler, the guard, the
// callflow's Dialer with telephony and the robot on verify_contact.yaml, against
// testcalls' simulated phones over loopback SIP/RTP, reached through two
// trunks of which the preferred one fails (503): failover, health, cost.
func TestSweepOverSIP(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow
	r := newRig(t, start)
	ctx, db, clock, guard, voice, phones, loop := r.ctx, r.db, r.clock, r.guard, r.voice, r.phones, r.loop
	say := func(s ...string) []testcalls.Step {
		var out []testcalls.Step
		for _, x := range s {
			out = append(out, testcalls.Step{Say: x})
		}
		return out
	}
	behaviours := map[string]testcalls.Behaviour{
		"+79160000001": {Ring: 200 * time.Millisecond, Steps: say("да, это я", "да, удобно")},
		"+79160000002": {Ring: 200 * time.Millisecond, Steps: say("нет, вы ошиблись номером")},
		"+79160000003": {Ring: 200 * time.Millisecond, Steps: say("да, это я", "да, удобно")},
		"+79160000004": {Ring: 100 * time.Millisecond, Reject: 486},
		"+79160000005": {Ring: 200 * time.Millisecond, Steps: say("перестаньте мне звонить")},
		// the carrier answers 183 with SIT tones and its message, then lets it ring out
		"+79160000006": {EarlySIT: true, EarlyMedia: "Аппарат абонента выключен или находится вне зоны действия сети.", NoAnswer: true},
	}
	// Two trunks: "bad" (first by priority) answers every INVITE with 503, "good" reaches the phones.
	broken, err := testcalls.NewCallee(ctx, telephony.Config{Name: "broken", Listen: loop}, voice, nil)
	if err != nil {
		t.Fatal(err)
	}
	hostOf := func(uri string) string { return uri[strings.Index(uri, "@")+1:] }
	var goodHost, badHost string
	for p, b := range behaviours {
		goodHost = hostOf(phones.Phone(p, b))
		badHost = hostOf(broken.Phone(p, testcalls.Behaviour{Reject: 503}))
	}
	trunks := []telephony.Trunk{{Name: "bad", Host: badHost, Priority: 1, CostPerMinute: 0.5}, {Name: "good", Host: goodHost, Priority: 2, CostPerMinute: 1.2}}
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon", Listen: loop, RecordDir: t.TempDir(), Trunks: trunks}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var pol []callflow.TrunkPolicy
	for _, tr := range trunks {
		pol = append(pol, callflow.TrunkPolicy{Name: tr.Name, Priority: tr.Priority, CostPerMinute: tr.CostPerMinute})
	}
	book := callflow.NewTrunks(pol, nil)
	debtors := []store.Debtor{
		{ID: "ok", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: []string{"+79160000001"}},
		{ID: "second", Name: "Петрова Анна Сергеевна", Region: "г. Москва", Phones: []string{"+79160000002", "+79160000003"}},
		{ID: "busy", Name: "Сидоров Пётр Петрович", Region: "г. Москва", Phones: []string{"+79160000004"}},
		{ID: "refuse", Name: "Попов Андрей Николаевич", Region: "г. Москва", Phones: []string{"+79160000005"}},
		{ID: "off", Name: "Орлова Вера Павловна", Region: "г. Москва", Phones: []string{"+79160000006"}},
	}
	for _, d := range debtors {
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	cfg := scheduler.Config{Script: verifyContact, Retry: scheduler.RetryRules{MaxPerPhone: 2},
		CallerIDs: []scheduler.CallerID{{Number: "73830000000", Region: "Новосибирская область"}, {Number: "74950000000", Region: "г. Москва"}}}
	if _, err := scheduler.CreateCampaign(ctx, db, "e2e", "e2e", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: guard, Calls: db, Clock: clock, RingTimeout: 5 * time.Second, Trunks: book,
		Voice:        robot.VoiceConfig{Voice: voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	dialer := &callflow.Dialer{Flow: flow,
		Vars: func(c scheduler.Call) map[string]any {
			return map[string]any{"debtor": map[string]any{"name": c.Debtor.Name, "first_name": "Иван"}, "creditor": map[string]any{"name": "Альфа Финанс"}}
		},
	}
	var callerIDs []string
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clock, Channels: 5, CheckConfig: callflow.CheckCampaign,
		OnEvent: func(e scheduler.Event) {
			if e.Attempt != nil && e.Task.DebtorID == "ok" {
				callerIDs = append(callerIDs, e.Attempt.CallerID)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct{ state, outcome, result string }{
		"+79160000001": {store.TaskDone, "identified", "answered"},
		"+79160000002": {store.TaskDone, "wrong_person", "answered"},
		"+79160000003": {store.TaskDone, "identified", "answered"},
		"+79160000004": {store.TaskExhausted, "", "busy"},
		"+79160000005": {store.TaskDone, "refused", "answered"},
		// rang out, but the early media said the phone is off: retried by
		// the unreachable rule (+4 h, after this 2 h run), not as no answer
		"+79160000006": {store.TaskPending, "", "unreachable"},
	}
	tasks, _ := db.Tasks(ctx, "e2e")
	calls := 0
	for _, tk := range tasks {
		w := want[tk.Phone]
		if tk.State != w.state || tk.Outcome != w.outcome || tk.LastResult != w.result {
			t.Errorf("%s: %s %q %s (%s), want %+v", tk.Phone, tk.State, tk.Outcome, tk.LastResult, tk.Reason, w)
		}
		tc, _ := db.TaskCalls(ctx, tk.ID)
		calls += len(tc)
		for _, c := range tc {
			rec, err := db.Call(ctx, c.CallID)
			if err != nil {
				t.Errorf("call %s of %s not stored: %v", c.CallID, tk.Phone, err)
				continue
			}
			if c.Result == "answered" && (len(rec.Turns) == 0 || c.RecordingPath == "" || c.CostKop <= 0 || rec.CostKop != c.CostKop ||
				rec.Slots[callflow.SlotFirstAudio] == "") {
				t.Errorf("answered call %s: %d turns, recording %q, cost %d kop (record %d), first audio %q",
					c.CallID, len(rec.Turns), c.RecordingPath, c.CostKop, rec.CostKop, rec.Slots[callflow.SlotFirstAudio])
			}
			// the record is stamped on the ledger's clock (simulated here), not the wall clock
			if rec.Started.Before(start) || rec.Started.After(start.Add(3*time.Hour)) || rec.Ended.Before(rec.Started) {
				t.Errorf("call %s stamped %v–%v, want on the simulated clock from %v", c.CallID, rec.Started, rec.Ended, start)
			}
			switch {
			case tk.Phone == "+79160000006":
				if rec.Detection == nil || rec.Detection.Class != "announcement" || len(rec.Detection.Evidence) == 0 {
					t.Errorf("call %s to the switched-off phone: detection %+v, want the announcement with its evidence", c.CallID, rec.Detection)
				}
			case c.Result == "answered":
				// every outbound robot call keeps its first-phrase verdict
				if rec.Detection == nil || rec.Detection.Class != "human" || rec.Detection.AtMs <= 0 {
					t.Errorf("answered call %s: detection %+v, want a human verdict", c.CallID, rec.Detection)
				}
			}
			if c.Trunk != "good" {
				t.Errorf("call %s went out on trunk %q, want failover to good", c.CallID, c.Trunk)
			}
		}
	}
	if calls != 7 { // ok, second×2, busy×2 (+15 min), refuse, off
		t.Errorf("%d calls, want 7", calls)
	}
	if len(callerIDs) != 1 || callerIDs[0] != "74950000000" {
		t.Errorf("caller ID for a Moscow debtor: %v, want the Moscow number", callerIDs)
	}
	if book.Healthy("bad") || !book.Healthy("good") {
		t.Errorf("trunk health: bad %v, good %v", book.Healthy("bad"), book.Healthy("good"))
	}
	if bs, _ := db.Blocks(ctx, "refuse", clock.Now()); len(bs) != 1 || bs[0].Kind != "refusal" {
		t.Errorf("refusal block: %+v", bs)
	}
}

// TestEveryDoorStoresTheSameRecord: a call placed as `dozvon call` places it
// (Flow.Place), one placed by the scheduler (Dialer) and an inbound call
// (Flow.Answer) are each stored by the one record builder with the trunk's
// cost, the first-phrase verdict, the first-audio slot and the transcript,
// stamped on the ledger's clock, and each emits its events in order under
// the stored call's id, with no phone number in them.
func TestEveryDoorStoresTheSameRecord(t *testing.T) {
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	r := newRig(t, start)
	ctx, db, clk, guard, voice, phones, loop := r.ctx, r.db, r.clock, r.guard, r.voice, r.phones, r.loop
	yes := testcalls.Behaviour{Ring: 200 * time.Millisecond, Steps: []testcalls.Step{{Say: "да, это я"}, {Say: "да, удобно"}}}
	cliPhone, schedPhone := "+79160000011", "+79160000012"
	uri := phones.Phone(cliPhone, yes)
	phones.Phone(schedPhone, yes)
	host := uri[strings.Index(uri, "@")+1:]
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon", Listen: loop, RecordDir: t.TempDir(),
		Trunks: []telephony.Trunk{{Name: "main", Host: host, CostPerMinute: 1.2}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	events := &eventLog{}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: guard, Calls: db, Clock: clk, RingTimeout: 5 * time.Second, Events: events,
		Trunks:       callflow.NewTrunks([]callflow.TrunkPolicy{{Name: "main", CostPerMinute: 1.2}}, clk),
		Voice:        robot.VoiceConfig{Voice: voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	script := verifyContact
	vars := map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}}

	// The three doors at once, as in serve.
	ids := &idBook{}
	setID := ids.set
	d := store.Debtor{ID: "sched", Name: "Петрова Анна Сергеевна", Region: "г. Москва", Phones: []string{schedPhone}}
	if err := db.UpsertDebtor(ctx, d); err != nil {
		t.Fatal(err)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "doors", "doors", scheduler.Config{Script: script}, []store.Debtor{d}, start); err != nil {
		t.Fatal(err)
	}
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: &callflow.Dialer{Flow: flow, Vars: func(scheduler.Call) map[string]any { return vars }}, Clock: clk, Channels: 1,
		CheckConfig: callflow.CheckCampaign, OnEvent: func(e scheduler.Event) {
			if e.Attempt != nil {
				setID("scheduler", e.Attempt.CallID)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ua.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(ctx, cctx, in, callflow.AnswerRequest{Script: script, Vars: vars, Trunk: "main"})
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		setID("inbound", rep.ID)
	}); err != nil {
		t.Fatal(err)
	}
	ids.Go(func() { // 1. the CLI's door
		rep, err := flow.Place(ctx, callflow.Request{To: cliPhone, DebtorID: "cli", Region: "г. Москва", Script: script, Vars: vars})
		if err != nil || rep.DialErr != nil {
			t.Errorf("place: %v, dial %v", err, rep.DialErr)
		}
		setID("cli", rep.ID)
	})
	ids.Go(func() { // 2. the scheduler's door
		if err := s.Run(ctx, start.Add(time.Hour)); err != nil {
			t.Errorf("scheduler: %v", err)
		}
	})
	ids.Go(func() { // 3. the inbound door: the simulated phone calls the robot back
		if _, err := phones.Dial(ctx, ua.URI("robot"), testcalls.Behaviour{Greeting: "алло", Steps: yes.Steps}); err != nil {
			t.Errorf("dial in: %v", err)
		}
	})
	ids.Wait()
	ua.Wait()

	// the placed calls' reservations were marked answered the moment they were,
	// so a node dying mid-call would leave a conversation, not an attempt
	for _, debtor := range []string{"cli", "sched"} {
		es, err := db.LedgerEntries(ctx, debtor)
		if err != nil || len(es) != 1 || es[0].AnsweredAt.IsZero() || es[0].Kind != "conversation" {
			t.Errorf("%s's ledger: %+v %v, want one conversation marked answered", debtor, es, err)
		}
	}
	for _, door := range []string{"cli", "scheduler", "inbound"} {
		id := ids.get(door)
		rec, err := db.Call(ctx, id)
		if err != nil {
			t.Errorf("%s: call %q not stored: %v", door, id, err)
			continue
		}
		var caller int
		for _, tr := range rec.Turns {
			if tr.Who == robot.WhoCaller && tr.Kind == "speech" {
				caller++
			}
		}
		if rec.CostKop <= 0 || rec.Detection == nil || rec.Detection.Class != "human" || rec.Slots[callflow.SlotFirstAudio] == "" ||
			caller == 0 || rec.RecordingPath == "" || rec.Outcome != "identified" {
			t.Errorf("%s: stored cost %d kop, verdict %+v, first audio %q, %d caller turns of %d, recording %q, outcome %q",
				door, rec.CostKop, rec.Detection, rec.Slots[callflow.SlotFirstAudio], caller, len(rec.Turns), rec.RecordingPath, rec.Outcome)
		}
		if rec.Started.Before(start) || rec.Answered.Before(rec.Started) || rec.Ended.Before(rec.Answered) {
			t.Errorf("%s: stamped %v / %v / %v, want on the ledger's clock from %v", door, rec.Started, rec.Answered, rec.Ended, start)
		}
		evs := events.of(id)
		var kinds []string
		for i, e := range evs {
			kinds = append(kinds, string(e.Kind))
			if i > 0 && e.At.Before(evs[i-1].At) {
				t.Errorf("%s: event %s at %v before the previous one at %v", door, e.Kind, e.At, evs[i-1].At)
			}
			if s := fmt.Sprintf("%+v", e); strings.Contains(s, "916000001") {
				t.Errorf("%s: event %s holds a phone number: %s", door, e.Kind, s)
			}
		}
		// the end carries the call's media figures for the service's metrics
		if last := evs[max(len(evs)-1, 0):]; len(last) == 0 || last[0].Kind != callflow.Ended || last[0].SendLate == nil || last[0].SendLate.N == 0 ||
			last[0].Audio.Received <= 0 || last[0].Audio.Received.Milliseconds() != rec.AudioReceivedMs || last[0].Audio.Fed.Milliseconds() != rec.AudioFedMs {
			t.Errorf("%s: the end's media figures: %+v; stored received %d ms, fed %d ms", door, last, rec.AudioReceivedMs, rec.AudioFedMs)
		}
		k := strings.Join(kinds, " ")
		want := "started answered"
		if door != "inbound" { // the phones ring 200 ms before they answer
			want = "started ringing answered"
		}
		if !strings.HasPrefix(k, want) || !strings.HasSuffix(k, "outcome ended") ||
			!strings.Contains(k, "verdict") || !strings.Contains(k, "turn") {
			t.Errorf("%s: events %s", door, k)
		}
	}
}

// TestDeniedCallLeaksNoNumber: a call the guard refuses (03:00 in the
// debtor's zone) is logged through a plain text handler with no masking
// options; neither the log, nor the error, nor the events hold the number.
func TestDeniedCallLeaksNoNumber(t *testing.T) {
	ctx := t.Context()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	night := clock.Fixed(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) // 03:00 in Moscow
	db, guard := openLedger(t, night, log)
	events := &eventLog{}
	flow, err := callflow.New(callflow.Config{Guard: guard, Calls: db, Clock: night, Log: log, Events: events,
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"+7 913 123-45-67", "sip:89131234567@127.0.0.1:5999"} {
		rep, err := flow.Place(ctx, callflow.Request{To: to, Region: "г. Москва", Script: verifyContact})
		if !errors.Is(err, callflow.ErrDenied) || rep.Decision == nil || rep.Decision.Allowed {
			t.Fatalf("%s: %v, decision %+v: want a denial", to, err, rep.Decision)
		}
		all := logs.String() + err.Error() + rep.Decision.Detail
		for _, e := range events.ev {
			all += e.CallID + e.DebtorID + e.Outcome
		}
		if strings.Contains(strings.NewReplacer(" ", "", "-", "").Replace(all), "9131234567") {
			t.Fatalf("%s: the number leaked:\n%s", to, all)
		}
	}
}

// TestScriptEditReachesTheNextCall: a flow loads scripts by path through its
// registry, so an edit of the file reaches the next call of a running sweep
// (here two dials that the far end rejects, each stored with the version it
// was placed with).
func TestScriptEditReachesTheNextCall(t *testing.T) {
	ctx := t.Context()
	script := copyScript(t)
	db, guard := openLedger(t, nil, slog.New(slog.DiscardHandler))
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	busy := phones.Phone("busy-line", testcalls.Behaviour{Reject: 486})
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	flow, err := callflow.New(callflow.Config{UA: ua, Guard: guard, Calls: db,
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	var versions []string
	for i, edit := range []func(string) string{nil, func(s string) string { return strings.Replace(s, `version: "1.0"`, `version: "1.0.1"`, 1) }} {
		if edit != nil {
			editFile(t, script, edit)
		}
		rep, err := flow.Place(ctx, callflow.Request{To: busy, Script: script})
		if err != nil || rep.DialErr == nil || rep.Record.Result != string(telephony.Busy) {
			t.Fatalf("call %d: %v, dial %v, result %q: want a busy dial", i, err, rep.DialErr, rep.Record.Result)
		}
		rec, err := db.Call(ctx, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		versions = append(versions, rec.ScriptVersion)
	}
	if !strings.HasPrefix(versions[0], "1.0+") || !strings.HasPrefix(versions[1], "1.0.1+") {
		t.Fatalf("stored script versions %q, want 1.0 then the edit's 1.0.1", versions)
	}
}

// TestLongCallIsRenewed: the flow marks a placed call's reservation
// answered and renews it while the call lasts, so a call that outlives the
// reservation's TTL never lets it expire (here a 2 s TTL against a call of
// some 20 s; the guard's clock is fixed, the renewals run in real time).
func TestLongCallIsRenewed(t *testing.T) {
	t.Parallel()                                           // 25 s of calls that share nothing with the other tests
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	r := newRig(t, start)
	policy := compliance.DefaultPolicy()
	policy.ReservationTTL = 2 * time.Second
	fixed := clock.Fixed(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: r.db, Clock: fixed, Policy: &policy})
	if err != nil {
		t.Fatal(err)
	}
	phone := "+79160000021"
	uri := r.phones.Phone(phone, testcalls.Behaviour{Ring: 100 * time.Millisecond, Steps: []testcalls.Step{{Say: "да, это я"}, {Say: "да, удобно"}}})
	ua, err := telephony.New(r.ctx, telephony.Config{Name: "dozvon", Listen: r.loop,
		Trunks: []telephony.Trunk{{Name: "main", Host: uri[strings.Index(uri, "@")+1:]}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The first renewal hits a ledger hiccup: the call must keep renewing.
	flaky := &renewFailsOnce{Guard: guard}
	flow, err := callflow.New(callflow.Config{UA: ua, Guard: flaky, Calls: r.db, Clock: fixed, RingTimeout: 5 * time.Second,
		Voice:        robot.VoiceConfig{Voice: r.voice, LoadAudio: tts.LoadAudioFile},
		Recognizer:   func(callID string) asr.Recognizer { return r.phones.Board().Recognizer(callID) },
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}}
	rep, err := flow.Place(r.ctx, callflow.Request{To: phone, DebtorID: "long", Region: "г. Москва", Script: verifyContact, Vars: vars})
	if err != nil || rep.DialErr != nil || rep.Duration < 3*policy.ReservationTTL {
		t.Fatalf("place: %v, dial %v, %v long: want an answered call of several TTLs", err, rep.DialErr, rep.Duration)
	}
	audit, err := r.db.AuditLog(r.ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	renews := 0
	for _, a := range audit {
		actions = append(actions, a.Action)
		if a.Action == "renew" {
			renews++
		}
	}
	if renews < 2 || actions[1] != "answered" || actions[len(actions)-1] != "commit" || !flaky.failed.Load() {
		t.Fatalf("audit %v (a renewal failed: %v): want reserve, answered, renewals after the failed one, commit", actions, flaky.failed.Load())
	}
	es, err := r.db.LedgerEntries(r.ctx, "long")
	if err != nil || len(es) != 1 || es[0].State != "committed" || es[0].Kind != "conversation" {
		t.Fatalf("ledger %+v %v: want the conversation committed, never expired", es, err)
	}
}

// renewFailsOnce is the real guard whose first Renew fails as a ledger
// outage would.
type renewFailsOnce struct {
	*compliance.Guard
	failed atomic.Bool
}

func (g *renewFailsOnce) Renew(ctx context.Context, res compliance.Reservation) (compliance.Reservation, error) {
	if g.failed.CompareAndSwap(false, true) {
		return res, errors.New("ledger: database is locked (test double)")
	}
	return g.Guard.Renew(ctx, res)
}

// TestKill9MidCall: a process placing a call is killed with SIGKILL after the
// debtor answered; nobody commits its reservation. Once it expires on a
// surviving node it counts as a conversation, so the same day's next call is
// refused by the 1/day limit — not allowed, as it was when an expired
// reservation always counted as an attempt.
func TestKill9MidCall(t *testing.T) {
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	r := newRig(t, start)
	// the phone answers and listens: the call lasts until the child dies
	uri := r.phones.Phone(killedPhone, testcalls.Behaviour{Ring: 100 * time.Millisecond})
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "killed.db")
	db, err := store.Open(r.ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UpsertDebtor(r.ctx, store.Debtor{ID: killedDebtor, Region: "г. Москва", Phones: []string{killedPhone}}); err != nil {
		t.Fatal(err)
	}
	child, lines, err := selfexec.Start(r.ctx, childDSNEnv+"="+dsn, childHostEnv+"="+uri[strings.Index(uri, "@")+1:], childAtEnv+"="+start.Format(time.RFC3339))
	if err != nil {
		t.Fatal(err)
	}
	answered := false
	for !answered && lines.Scan() {
		answered = strings.HasPrefix(lines.Text(), "ANSWERED")
	}
	if !answered {
		_ = child.Process.Kill()
		t.Fatalf("the child never reported an answered call: %v", child.Wait())
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil { // kill -9: no deferred code, no commit
		t.Fatal(err)
	}
	_ = child.Wait()

	es, err := db.LedgerEntries(r.ctx, killedDebtor)
	if err != nil || len(es) != 1 || es[0].State != store.StateOpen || es[0].AnsweredAt.IsZero() {
		t.Fatalf("after the kill: %+v %v, want one open reservation marked answered", es, err)
	}
	// a surviving node, after the reservation's expiry
	later := clock.Fixed(es[0].ExpiresAt.Add(time.Minute))
	survivor, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: later, Holder: "survivor", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := survivor.ExpireStale(r.ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if es, err = db.LedgerEntries(r.ctx, killedDebtor); err != nil || es[0].Kind != string(compliance.Conversation) {
		t.Fatalf("expired entry %+v %v, want a conversation", es, err)
	}
	_, d, err := survivor.Reserve(r.ctx, compliance.Request{DebtorID: killedDebtor, Channel: compliance.RobotCall})
	if err != nil || d.Allowed || d.Reason != compliance.ReasonLimitDay {
		t.Fatalf("the same day's next call: %+v %v, want refused by the 1/day limit", d, err)
	}
}

// rig is what the end-to-end tests share: a store, a guard on a simulated
// clock, an espeak voice and simulated phones on loopback SIP.
type rig struct {
	ctx    context.Context
	db     *store.DB
	clock  *clock.Sim
	guard  *compliance.Guard
	voice  tts.Synthesizer
	phones *testcalls.Callee
	loop   []telephony.Listen
}

// newRig starts the rig with the clock at start; it skips the test when no
// voice is installed.
func newRig(t *testing.T, start time.Time) *rig {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the simulated phones need a voice (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	t.Cleanup(cancel)
	sim := clock.NewSim(start)
	db, guard := openLedger(t, sim, slog.New(slog.DiscardHandler))
	r := &rig{ctx: ctx, db: db, clock: sim, guard: guard, loop: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.voice = tts.NewCache(filepath.Join(t.TempDir(), "tts"), engine, "espeak-ru")
	if r.phones, err = testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: r.loop}, r.voice, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// eventLog is a test double Subscriber that keeps every event.
type eventLog struct {
	mu sync.Mutex
	ev []callflow.Event
}

func (l *eventLog) CallEvent(e callflow.Event) {
	l.mu.Lock()
	l.ev = append(l.ev, e)
	l.mu.Unlock()
}

func (l *eventLog) of(callID string) []callflow.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []callflow.Event
	for _, e := range l.ev {
		if e.CallID == callID {
			out = append(out, e)
		}
	}
	return out
}

// openLedger opens a store in a temporary directory and a guard on clk.
func openLedger(t *testing.T, clk clock.Clock, log *slog.Logger) (*store.DB, *compliance.Guard) {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return db, g
}

// idBook runs the doors at once and keeps each door's call id.
type idBook struct {
	sync.WaitGroup
	mu  sync.Mutex
	ids map[string]string
}

func (b *idBook) set(door, id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ids == nil {
		b.ids = map[string]string{}
	}
	b.ids[door] = id
}

func (b *idBook) get(door string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.ids[door]
}

// verifyContact is the portfolio-verification script the tests call with.
const verifyContact = "../scripts/verify_contact.yaml"

// copyScript copies verifyContact and its phrase base to a temporary
// directory (to be edited) and returns the copy's path.
func copyScript(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"verify_contact.yaml", "phrases.yaml"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(verifyContact), f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, filepath.Base(verifyContact))
}

// editFile rewrites a file through edit.
func editFile(t *testing.T, path string, edit func(string) string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(edit(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	childDSNEnv  = "DOZVON_CALLFLOW_CHILD_DSN"  // set: this test binary is the child that places one call
	childHostEnv = "DOZVON_CALLFLOW_CHILD_HOST" // the simulated phones' host:port (the child's trunk)
	childAtEnv   = "DOZVON_CALLFLOW_CHILD_AT"   // the child's clock starts here (RFC 3339) and runs in real time
	killedPhone  = "+79160000031"
	killedDebtor = "killed"
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(childDSNEnv); dsn != "" {
		os.Exit(runCallChild(dsn, os.Getenv(childHostEnv), os.Getenv(childAtEnv)))
	}
	os.Exit(m.Run())
}

// answeredPrinter is a test double Subscriber that tells the parent, on
// stdout, that the call was answered.
type answeredPrinter struct{}

func (answeredPrinter) CallEvent(e callflow.Event) {
	if e.Kind == callflow.Answered {
		fmt.Println("ANSWERED", e.CallID)
	}
}

// runCallChild is the child half of TestKill9MidCall: it places one robot
// call through the flow, on a clock that starts at at, and is killed during it.
func runCallChild(dsn, host, at string) int {
	ctx := context.Background()
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "child:", err); return 1 }
	t0, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return fail(err)
	}
	clk := clock.Start(clock.Fixed(t0))
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return fail(err)
	}
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Holder: "child"})
	if err != nil {
		return fail(err)
	}
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		return fail(err)
	}
	ua, err := telephony.New(ctx, telephony.Config{Name: "child", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}},
		Trunks: []telephony.Trunk{{Name: "main", Host: host}}}, nil)
	if err != nil {
		return fail(err)
	}
	flow, err := callflow.New(callflow.Config{UA: ua, Guard: guard, Calls: db, Clock: clk, Events: answeredPrinter{}, RingTimeout: 5 * time.Second,
		Voice:        robot.VoiceConfig{Voice: tts.NewCache(filepath.Join(os.TempDir(), "dozvon-kill-tts"), engine, "espeak-ru"), LoadAudio: tts.LoadAudioFile},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		return fail(err)
	}
	_, err = flow.Place(ctx, callflow.Request{To: killedPhone, DebtorID: killedDebtor, Region: "г. Москва", Script: verifyContact,
		Vars: map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}}})
	return fail(fmt.Errorf("the call ended before the parent killed us: %v", err))
}
