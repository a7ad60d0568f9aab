package callflow_test

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
	"github.com/dozvon/dozvon/tts"
)

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

// TestEveryDoorStoresTheSameRecord: a call placed as `dozvon call` places it
// (Flow.Place), one placed by the scheduler (Dialer) and an inbound call
// (Flow.Answer) are each stored by the one record builder with the trunk's
// cost, the first-phrase verdict, the first-audio slot and the transcript,
// stamped on the ledger's clock, and each emits its events in order under
// the stored call's id, with no phone number in them.
func TestEveryDoorStoresTheSameRecord(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the robot and the simulated phones need a voice (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // Wednesday 11:00 in Moscow
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: slog.New(slog.DiscardHandler)})
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
	script := filepath.Join("..", "scripts", "verify_contact.yaml")
	vars := map[string]any{"debtor": map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"}}
	ids := map[string]string{} // door → call id

	// 1. The CLI's door.
	rep, err := flow.Place(ctx, callflow.Request{To: cliPhone, DebtorID: "cli", Region: "г. Москва", Script: script, Vars: vars})
	if err != nil || rep.DialErr != nil {
		t.Fatalf("place: %v, dial %v", err, rep.DialErr)
	}
	ids["cli"] = rep.ID

	// 2. The scheduler's door.
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
				ids["scheduler"] = e.Attempt.CallID
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	// 3. The inbound door: the simulated phone calls the robot back.
	if err := ua.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		rep, err := flow.Answer(ctx, cctx, in, callflow.AnswerRequest{Script: script, Vars: vars, Trunk: "main"})
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		ids["inbound"] = rep.ID
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := phones.Dial(ctx, ua.URI("robot"), testcalls.Behaviour{Greeting: "алло", Steps: yes.Steps}); err != nil {
		t.Fatal(err)
	}
	ua.Wait()

	for _, door := range []string{"cli", "scheduler", "inbound"} {
		id := ids[door]
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
		k := strings.Join(kinds, " ")
		if !strings.HasPrefix(k, "started answered") || !strings.HasSuffix(k, "outcome ended") ||
			!strings.Contains(k, "verdict") || !strings.Contains(k, "turn") {
			t.Errorf("%s: events %s", door, k)
		}
	}
}
