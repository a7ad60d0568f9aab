package callflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/testcalls"
)

// explodingRecognizer is a test double around the simulated phones'
// recognizer: a stream panics when it would hand back the word "взрыв" — a
// recognizer bug striking one call.
type explodingRecognizer struct{ asr.Recognizer }

func (r explodingRecognizer) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	s, err := r.Recognizer.NewStream(ctx, cfg)
	return explodingStream{s}, err
}

type explodingStream struct{ asr.Stream }

func (s explodingStream) Final() (asr.Result, error) {
	res, err := s.Stream.Final()
	if strings.Contains(res.Text, "взрыв") {
		panic("recognizer fault")
	}
	return res, err
}

// panickingSubscriber is a test double event subscriber that panics on every
// event of one debtor's calls.
type panickingSubscriber struct{ debtor string }

func (p panickingSubscriber) CallEvent(e callflow.Event) {
	if e.DebtorID == p.debtor {
		panic("subscriber fault")
	}
}

// TestPanicsInASweep: a sweep over real SIP where, while the other calls
// run, the recognizer panics on one call and the event subscriber panics on
// every event of another. The recognizer's call is stored "failed" and its
// task is due again by the failed rule (5 min on; the run stops before);
// the subscriber's call, and the
// third, run to "identified" as if nothing happened; the process lives on.
func TestPanicsInASweep(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow
	r := newRig(t, start)
	ctx, db := r.ctx, r.db
	yes := testcalls.Behaviour{Ring: 100 * time.Millisecond, Steps: []testcalls.Step{{Say: "да, это я"}, {Say: "да, удобно"}}}
	people := []struct {
		id, name, phone string
		b               testcalls.Behaviour
	}{
		{"ok", "Иванов Иван Иванович", "+79160000031", yes},
		{"boom", "Петрова Анна Сергеевна", "+79160000032", testcalls.Behaviour{Ring: 100 * time.Millisecond, Steps: []testcalls.Step{{Say: "взрыв"}}}},
		{"sub", "Сидоров Пётр Петрович", "+79160000033", yes},
	}
	var debtors []store.Debtor
	var host string
	for _, p := range people {
		uri := r.phones.Phone(p.phone, p.b)
		host = uri[strings.Index(uri, "@")+1:]
		d := store.Debtor{ID: p.id, Name: p.name, Region: "г. Москва", Phones: []string{p.phone}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, d)
	}
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon", Listen: r.loop, RecordDir: t.TempDir(),
		Trunks: []telephony.Trunk{{Name: "t", Host: host}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := scheduler.Config{Script: verifyContact, Retry: scheduler.RetryRules{MaxPerPhone: 2}}
	if _, err := scheduler.CreateCampaign(ctx, db, "panics", "panics", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	flow, err := callflow.New(callflow.Config{
		UA: ua, Guard: r.guard, Calls: db, Clock: r.clock, RingTimeout: 5 * time.Second, Events: panickingSubscriber{debtor: "sub"},
		Voice: robot.VoiceConfig{Voice: r.voice},
		Recognizer: func(callID string) asr.Recognizer {
			return explodingRecognizer{r.phones.Board().Recognizer(callID)}
		},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	dialer := &callflow.Dialer{Flow: flow, Vars: func(c scheduler.Call) map[string]any {
		return map[string]any{"debtor": map[string]any{"name": c.Debtor.Name, "first_name": "Иван"}}
	}}
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: r.guard, Dialer: dialer, Clock: r.clock, Channels: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	tasks, _ := db.Tasks(ctx, "panics")
	for _, tk := range tasks {
		calls, _ := db.TaskCalls(ctx, tk.ID)
		if len(calls) == 0 {
			t.Errorf("%s: never called", tk.Phone)
			continue
		}
		rec, err := db.Call(ctx, calls[0].CallID)
		if err != nil {
			t.Errorf("%s: call %s not stored: %v", tk.Phone, calls[0].CallID, err)
			continue
		}
		switch tk.DebtorID {
		case "boom":
			if rec.Result != "answered" || rec.Outcome != "failed" {
				t.Errorf("boom: record %s %q, want an answered call that failed", rec.Result, rec.Outcome)
			}
			// to be retried by the failed rule: 5 min on
			if tk.State != store.TaskPending || tk.Outcome != "failed" || !strings.Contains(tk.Reason, "dialogue failed") ||
				!tk.DueAt.Equal(calls[0].At.Add(5*time.Minute)) {
				t.Errorf("boom: task %s %q (%s) due %v, want pending after a failed dialogue, due 5 min after %v",
					tk.State, tk.Outcome, tk.Reason, tk.DueAt, calls[0].At)
			}
		default:
			if tk.State != store.TaskDone || tk.Outcome != "identified" || rec.Outcome != "identified" {
				t.Errorf("%s: task %s %q (%s), record %q, want done identified", tk.DebtorID, tk.State, tk.Outcome, tk.Reason, rec.Outcome)
			}
		}
	}
}
