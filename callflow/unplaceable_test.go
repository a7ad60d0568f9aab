package callflow_test

import (
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
)

// TestUnplaceableCallIsDecided: the call path reserves a foreign number or a
// debtor of unreadable region like any other — at 05:00 UTC (07:00 in
// Kaliningrad) that is a denial in every Russian zone, not an error and not
// a dial without the guard; a destination that is neither a SIP URI nor a
// number is the one error, naming the field.
func TestUnplaceableCallIsDecided(t *testing.T) {
	early := clock.Fixed(time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC))
	_, guard := openLedger(t, early, slog.New(slog.DiscardHandler))
	flow, err := callflow.New(callflow.Config{Guard: guard, Clock: early, Log: slog.New(slog.DiscardHandler),
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, to, region, wantErr string
	}{
		{"foreign number", "+44 20 7946 0958", "", ""},
		{"foreign SIP user", "sip:+442079460958@127.0.0.1:5999", "", ""},
		{"unknown Russian range", "+7 916 123 45 67", "", ""},
		{"garbage region", "+7 916 123 45 68", "Нарния", ""},
		{"malformed number", "+7 916 12x 45 67", "", "callflow: request to: parse phone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := flow.Place(t.Context(), callflow.Request{To: c.to, Region: c.region, Script: verifyContact})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) || errors.Is(err, callflow.ErrDenied) {
					t.Fatalf("err %v, want %q", err, c.wantErr)
				}
				return
			}
			if !errors.Is(err, callflow.ErrDenied) || rep.Decision == nil || !slices.Equal(rep.Decision.Zones, compliance.RussianZones()) {
				t.Fatalf("err %v, decision %+v: want a denial in every Russian zone", err, rep.Decision)
			}
		})
	}
}
