package callflow_test

import (
	"context"
	"github.com/dozvon/dozvon/clock"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
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
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the simulated phones need a voice (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow
	clock := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	voice := tts.NewCache(filepath.Join(t.TempDir(), "tts"), engine, "espeak-ru")
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	phones, err := testcalls.NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, voice, nil)
	if err != nil {
		t.Fatal(err)
	}
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
	cfg := scheduler.Config{Script: filepath.Join("..", "scripts", "verify_contact.yaml"), Retry: scheduler.RetryRules{MaxPerPhone: 2},
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

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
