package events

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
)

// TestFromCall maps every callflow event to its envelope: jambonz statuses,
// AMD verdicts, turns and outcomes, with no phone number left in them.
func TestFromCall(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	base := callflow.Event{CallID: "c1", At: at, Direction: "outbound", Campaign: "spring", DebtorID: "d1"}
	with := func(f func(*callflow.Event)) callflow.Event { e := base; f(&e); return e }
	tests := []struct {
		name     string
		ev       callflow.Event
		wantType string
		wantData string // substring of the data JSON
		noShow   bool
	}{
		{"started", with(func(e *callflow.Event) { e.Kind = callflow.Started }), TypeCallStatus, `"status":"trying"`, false},
		{"ringing", with(func(e *callflow.Event) { e.Kind = callflow.Ringing }), TypeCallStatus, `"status":"ringing"`, false},
		{"answered", with(func(e *callflow.Event) { e.Kind = callflow.Answered }), TypeCallStatus, `"status":"in-progress"`, false},
		{"ended answered", with(func(e *callflow.Event) { e.Kind, e.Result, e.SIPCode = callflow.Ended, "answered", 200 }), TypeCallStatus, `"status":"completed"`, false},
		{"ended busy", with(func(e *callflow.Event) { e.Kind, e.Result, e.SIPCode = callflow.Ended, "busy", 486 }), TypeCallStatus, `"status":"busy"`, false},
		{"ended no answer", with(func(e *callflow.Event) { e.Kind, e.Result = callflow.Ended, "no_answer" }), TypeCallStatus, `"status":"no-answer"`, false},
		{"ended rejected", with(func(e *callflow.Event) { e.Kind, e.Result, e.SIPCode = callflow.Ended, "rejected", 603 }), TypeCallStatus, `"status":"failed","direction":"outbound","result":"rejected","sip_code":603`, false},
		{"ended unreachable", with(func(e *callflow.Event) { e.Kind, e.Result = callflow.Ended, "unreachable" }), TypeCallStatus, `"status":"failed"`, false},
		{"verdict human", with(func(e *callflow.Event) {
			e.Kind, e.Detection = callflow.Verdict, &detect.Decision{Class: detect.Human, Confidence: 0.9, Settled: true}
		}), TypeCallVerdict, `"verdict":"human","class":"human"`, false},
		{"verdict ivr is machine", with(func(e *callflow.Event) {
			e.Kind, e.Detection = callflow.Verdict, &detect.Decision{Class: detect.IVR, Evidence: []string{"нажмите 1"}}
		}), TypeCallVerdict, `"verdict":"machine","class":"ivr"`, false},
		{"verdict assistant", with(func(e *callflow.Event) {
			e.Kind, e.Detection = callflow.Verdict, &detect.Decision{Class: detect.VoiceAssistant, Provisional: detect.Machine}
		}), TypeCallVerdict, `"verdict":"voice_assistant"`, false},
		{"verdict silence", with(func(e *callflow.Event) {
			e.Kind, e.Detection = callflow.Verdict, &detect.Decision{Class: detect.Silence}
		}), TypeCallVerdict, `"verdict":"unknown"`, false},
		{"verdict without decision", with(func(e *callflow.Event) { e.Kind = callflow.Verdict }), "", "", true},
		{"turn masks a dictated number", with(func(e *callflow.Event) {
			e.Kind, e.Turn = callflow.TurnTook, &robot.Turn{Seq: 3, Who: "caller", Kind: "speech", Text: "запишите новый +7 (912) 345-67-89, заплачу 15000 до 12.12"}
		}), TypeCallTurn, `"text":"запишите новый ***89, заплачу 15000 до 12.12"`, false},
		{"turn without turn", with(func(e *callflow.Event) { e.Kind = callflow.TurnTook }), "", "", true},
		{"outcome masks slots", with(func(e *callflow.Event) {
			e.Kind, e.Outcome, e.Slots = callflow.Outcome, "promise", map[string]string{"new_phone": "89123456789", "sum": "15000",
				callflow.SlotFirstAudio: "/var/dozvon/rec/2026-12-06/c1.first5s.wav"}
		}), TypeCallOutcome, `"outcome":"promise","slots":{"new_phone":"***89","sum":"15000"}}`, false},
		{"hand-off screen pop masks the transcript", with(func(e *callflow.Event) {
			e.Kind, e.Collector = callflow.HandOffAnswered, "alice"
			e.Transcript = []robot.Turn{{Seq: 1, Who: "robot", Kind: "say", Text: "Вы Иван?"}, {Seq: 2, Who: "caller", Kind: "speech", Text: "да, мой новый 8 912 345-67-89"}}
		}), TypeCallHandOff, `"collector":"alice","transcript":[{"seq":1,"who":"robot","kind":"say","text":"Вы Иван?"},{"seq":2,"who":"caller","kind":"speech","text":"да, мой новый ***89"}]`, false},
		{"inbound caller queued", with(func(e *callflow.Event) { e.Kind, e.Position = callflow.Queued, 2 }), TypeCallQueued, `{"position":2}`, false},
		{"unknown kind", with(func(e *callflow.Event) { e.Kind = "teleported" }), "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, ok, err := FromCall(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			if ok == tt.noShow {
				t.Fatalf("ok = %v, want %v", ok, !tt.noShow)
			}
			if tt.noShow {
				return
			}
			if env.Type != tt.wantType || env.Call != "c1" || env.Campaign != "spring" || env.Debtor != "d1" || !env.At.Equal(at) {
				t.Errorf("envelope %+v: want type %s of c1/spring/d1 at %s", env, tt.wantType, at)
			}
			if !strings.Contains(string(env.Data), tt.wantData) {
				t.Errorf("data %s: want %s in it", env.Data, tt.wantData)
			}
			b, _ := json.Marshal(env)
			if strings.Contains(string(b), "345-67") || strings.Contains(string(b), "23456789") {
				t.Errorf("envelope %s holds a phone number", b)
			}
		})
	}
}
