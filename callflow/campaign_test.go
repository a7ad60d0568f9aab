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
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// TestCampaignNonHuman: a campaign's non_human setting is read and checked
// by the call path, and a bad one keeps the campaign from parsing, with an
// error that names the campaign (moved from scheduler's TestParseConfig when
// the scheduler stopped importing robot).
func TestCampaignNonHuman(t *testing.T) {
	nh, err := scheduler.ParseConfig(store.Campaign{ID: "nh", Config: `{"script":"s","non_human":{"actions":{"voice_assistant":"message","machine":"hangup"},"min_confidence":0.6}}`},
		callflow.CheckCampaign)
	if err != nil {
		t.Fatal(err)
	}
	p, err := callflow.ParseNonHuman(nh.NonHuman)
	if err != nil || p.Actions[detect.VoiceAssistant] != robot.NonHumanMessage || p.MinConfidence != 0.6 {
		t.Fatalf("non_human: %+v, %v", p, err)
	}
	if p, err := callflow.ParseNonHuman(nil); err != nil || len(p.Actions) != 0 {
		t.Fatalf("empty non_human: %+v, %v", p, err)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"script":"s","non_human":{"actions":{"robot":"hangup"}}}`, `unknown label "robot"`},
		{`{"script":"s","non_human":{"actions":{"voice_assistant":"sing"}}}`, `unknown action "sing"`},
		{`{"script":"s","non_human":{"actions":{"voice_assistant":"message"},"message":"Перезвоните, у вас долг по кредиту."}}`, "mentions the debt"},
		{`{"script":"s","non_human":{"actoins":{}}}`, `unknown field "actoins"`},
		{`{"script":"s","non_human":[1]}`, "non_human"},
	} {
		_, err := scheduler.ParseConfig(store.Campaign{ID: "c7", Config: bad.json}, callflow.CheckCampaign)
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "campaign c7") {
			t.Errorf("%s: %v, want an error naming campaign c7 and %q", bad.json, err, bad.want)
		}
	}
	// Without the call path's check the scheduler takes the setting as it is.
	if _, err := scheduler.ParseConfig(store.Campaign{ID: "c8", Config: `{"script":"s","non_human":{"actions":{"robot":"hangup"}}}`}); err != nil {
		t.Fatalf("scheduler alone: %v", err)
	}
}

// TestFlowChecksTheCampaignScript: a campaign whose script does not load is
// refused before its tasks are dialed, with the script's error.
func TestFlowChecksTheCampaignScript(t *testing.T) {
	flow, err := callflow.New(callflow.Config{NewSegmenter: func() (robot.Segmenter, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := flow.CheckCampaign(scheduler.Config{Script: verifyContact}); err != nil {
		t.Fatalf("a good script: %v", err)
	}
	err = flow.CheckCampaign(scheduler.Config{Script: "no/such/script.yaml"})
	if err == nil || !strings.Contains(err.Error(), "no/such/script.yaml") {
		t.Fatalf("a missing script: %v, want an error naming it", err)
	}
	if _, err := scheduler.ParseConfig(store.Campaign{ID: "c9", Config: `{"script":"no/such/script.yaml"}`}, flow.CheckCampaign); err == nil ||
		!strings.Contains(err.Error(), "campaign c9") {
		t.Fatalf("scheduler with the flow's check: %v", err)
	}
}

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
