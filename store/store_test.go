package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

func TestCallRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 11, 23, 6, 0, 0, 123456789, time.UTC)
		c := store.CallRecord{
			ID: "call-1", Direction: "outbound", From: "+74950000000", To: "+79131234567", Trunk: "main",
			Started: t0, Answered: t0.Add(3 * time.Second), Ended: t0.Add(70 * time.Second),
			Result: "answered", SIPCode: 200, Outcome: "promise", Slots: map[string]string{"amount": "5000", "date": "2026-12-01"},
			ScriptName: "sweep", ScriptVersion: "3", RecordingPath: "var/rec/call-1.wav", AudioReceivedMs: 67000, AudioFedMs: 66980,
			Turns: []store.TurnRecord{
				{Seq: 1, Node: "greet", Who: "robot", Kind: "say", Text: "Здравствуйте!", Start: t0.Add(3 * time.Second), End: t0.Add(5 * time.Second)},
				{Seq: 2, Node: "greet", Who: "debtor", Kind: "hear", Text: "да, слушаю", Intent: "yes", Slots: map[string]string{"who": "debtor"},
					Start: t0.Add(5 * time.Second), End: t0.Add(6 * time.Second), BargedIn: true},
			},
			Detection: &store.DetectionRecord{Class: "voice_assistant", Confidence: 0.95, AtMs: 1580, SettledMs: 2400, Provisional: "machine",
				Evidence: []string{"speech starts at 0.08s", `text "я голосовой помощник" matches voice_assistant cues`}},
			CostKop: 117,
		}
		if err := db.SaveCall(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := db.Call(ctx, "call-1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
		}
		// Upsert: fewer turns, a new outcome, unanswered.
		c.Outcome, c.Answered, c.Turns, c.Slots, c.Detection = "hangup", time.Time{}, c.Turns[:1], nil, nil
		if err := db.SaveCall(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err = db.Call(ctx, "call-1")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("after upsert:\n got %+v\nwant %+v", got, c)
		}
		if _, err := db.Call(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing call: %v", err)
		}
		if err := db.SaveCall(ctx, store.CallRecord{}); err == nil {
			t.Fatal("empty id saved")
		}
		dup := c
		dup.Turns = []store.TurnRecord{{Seq: 1}, {Seq: 1}}
		if err := db.SaveCall(ctx, dup); err == nil || !strings.Contains(err.Error(), "seq 1") {
			t.Fatalf("duplicate turn seq: %v", err)
		}
		if got, _ := db.Call(ctx, "call-1"); len(got.Turns) != 1 {
			t.Fatalf("failed save changed the call: %d turns", len(got.Turns))
		}
	})
}

func TestDebtorsBlocksNumplan(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		d := store.Debtor{ID: "d1", Name: "Иванов И. И.", Region: "Республика Саха (Якутия)", District: "Оймяконский", Phones: []string{"+79141234567", "+79240000000"}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := db.Debtor(ctx, "d1")
		want := d
		want.PersonID = "d1" // upserted without a person: a person of its own
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("debtor: %+v %v", got, err)
		}
		now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "d1", Kind: "refusal", Since: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "d1", Kind: "inpatient", Since: now.Add(-48 * time.Hour), Until: now.Add(-24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		bs, err := db.Blocks(ctx, "d1", now)
		if err != nil || len(bs) != 1 || bs[0].Kind != "refusal" {
			t.Fatalf("blocks in force: %+v %v", bs, err)
		}
		rs := make([]store.NumRange, 1200)
		for i := range rs {
			rs[i] = store.NumRange{From: 9000000000 + int64(i)*1000, To: 9000000000 + int64(i)*1000 + 999, Capacity: 1000, Operator: `ООО "Т2 МОБАЙЛ"`, Region: "Москва и Московская область"}
		}
		if err := db.ReplaceNumplan(ctx, "DEF-9xx.csv", rs); err != nil {
			t.Fatal(err)
		}
		if err := db.ReplaceNumplan(ctx, "DEF-9xx.csv", rs[:10]); err != nil {
			t.Fatal(err)
		}
		back, err := db.NumRanges(ctx)
		if err != nil || !reflect.DeepEqual(back, rs[:10]) {
			t.Fatalf("numplan after replace: %d ranges, %v", len(back), err)
		}
		if err := db.ReplaceNumplan(ctx, "ABC-3xx.csv", rs[5:6]); err == nil {
			t.Fatal("overlapping range from another file accepted")
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{"mysql://x", "sqlite:", "/tmp/x.db"} {
		if _, err := store.Open(ctx, dsn); err == nil || !strings.Contains(err.Error(), "open store") {
			t.Errorf("%q: %v", dsn, err)
		}
	}
	// Reopening an existing store does not re-run migrations.
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "sub", "dozvon.db")
	for i := 0; i < 2; i++ {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
}
