package callflow_test

import (
	"bytes"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
)

// TestDeniedCallLeaksNoNumber: a call the guard refuses (03:00 in the
// debtor's zone) is logged through a plain text handler with no masking
// options; neither the log, nor the error, nor the events hold the number.
func TestDeniedCallLeaksNoNumber(t *testing.T) {
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	night := clock.Fixed(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)) // 03:00 in Moscow
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: night, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	events := &eventLog{}
	flow, err := callflow.New(callflow.Config{Guard: guard, Calls: db, Clock: night, Log: log, Events: events,
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"+7 913 123-45-67", "sip:89131234567@127.0.0.1:5999"} {
		rep, err := flow.Place(ctx, callflow.Request{To: to, Region: "г. Москва", Script: filepath.Join("..", "scripts", "verify_contact.yaml")})
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
