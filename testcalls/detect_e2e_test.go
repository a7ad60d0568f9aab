package testcalls

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// beepingVoice is a test double around a real synthesiser: for the texts in
// beepAfter it appends a pause and a 1 kHz voicemail beep to the speech, so
// the simulated callee can play a voicemail greeting followed by its beep.
type beepingVoice struct {
	Synthesizer
	beepAfter map[string]bool
}

func (v beepingVoice) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	a, err := v.Synthesizer.Synthesize(ctx, text)
	if err != nil || !v.beepAfter[text] {
		return a, err
	}
	pcm := append([]int16(nil), a.PCM...)
	pcm = append(pcm, make([]int16, a.Rate*3/10)...)
	for i := range a.Rate / 2 {
		pcm = append(pcm, int16(9000*math.Sin(2*math.Pi*1000*float64(i)/float64(a.Rate))))
	}
	a.PCM = pcm
	return a, nil
}

// detectRig is a robot UA and a simulated callee exchange on loopback, for
// the first-phrase tests.
type detectRig struct {
	robotUA *telephony.UA
	callee  *Callee
	voice   tts.Synthesizer
}

func newDetectRig(t *testing.T, beepAfter ...string) *detectRig {
	t.Helper()
	beeps := map[string]bool{}
	for _, b := range beepAfter {
		beeps[b] = true
	}
	r := newE2ERigWith(t, func(v tts.Synthesizer) Synthesizer { return beepingVoice{v, beeps} })
	return &detectRig{robotUA: r.robotUA, callee: r.callee, voice: r.voice}
}

var detectVars = map[string]any{
	"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
	"creditor": map[string]any{"name": "Альфа Финанс"},
	"debt":     map[string]any{"amount": 12345.50},
}

// dial calls uri and runs the collection script (the one that speaks about
// the debt) with policy; it returns the result and how long RunCall took.
func (r *detectRig) dial(t *testing.T, uri string, policy robot.NonHumanPolicy) (robot.CallResult, time.Duration) {
	t.Helper()
	res, took, _ := r.dialID(t, uri, policy)
	return res, took
}

// dialID is dial that also returns the SIP Call-ID.
func (r *detectRig) dialID(t *testing.T, uri string, policy robot.NonHumanPolicy) (robot.CallResult, time.Duration, string) {
	t.Helper()
	sc, err := scripts.Load(filepath.Join("..", "scripts", "collection.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	call, _, err := r.robotUA.Dial(ctx, telephony.DialRequest{To: uri, CallerID: "74950000000"})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	start := time.Now()
	res, err := robot.RunCall(ctx, call, robot.CallConfig{
		Script: sc, Vars: detectVars, Location: msk,
		Voice: robot.VoiceConfig{
			Recognizer: r.callee.Board().Recognizer(call.CallID()),
			Voice:      r.voice,
			LoadAudio:  tts.LoadAudioFile,
		},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		OnNonHuman:   policy,
	})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("robot call: %v", err)
	}
	select {
	case <-call.Done():
	case <-ctx.Done():
		t.Fatal("the call did not end after RunCall returned")
	}
	return res, took, call.CallID()
}

// disclosures are things a third party must not hear: the debt, its amount,
// the creditor.
var disclosures = []string{"долг", "задолженност", "кредит", "просроч", "руб", "12345", "двенадцать тысяч", "альфа", "финанс"}

func robotSaid(res robot.CallResult) []string {
	var out []string
	for _, t := range res.Turns {
		if t.Who == robot.WhoRobot {
			out = append(out, t.Text)
		}
	}
	return out
}

func checkNothingDisclosed(t *testing.T, res robot.CallResult) {
	t.Helper()
	for _, s := range robotSaid(res) {
		low := strings.ToLower(s)
		for _, d := range disclosures {
			if strings.Contains(low, d) {
				t.Errorf("the robot said %q to a machine: contains %q", s, d)
			}
		}
	}
}

func checkFirstAudio(t *testing.T, res robot.CallResult) {
	t.Helper()
	if res.FirstAudioPath == "" {
		t.Fatal("no first-audio WAV although the call was recorded")
	}
	a, err := tts.LoadAudioFile(res.FirstAudioPath)
	if err != nil {
		t.Fatalf("first audio: %v", err)
	}
	if secs := a.Duration().Seconds(); a.Rate != 8000 || secs < 1 || secs > 5.01 {
		t.Errorf("first audio %s: %d Hz, %.2fs; want 8 kHz, 1..5 s", res.FirstAudioPath, a.Rate, secs)
	}
}

// robotGoroutines counts goroutines running robot code or started by it,
// waiting up to wait for them to go.
func robotGoroutines(wait time.Duration) int {
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<22)
		buf = buf[:runtime.Stack(buf, true)]
		n := 0
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "github.com/dozvon/dozvon/robot.") {
				n++
			}
		}
		if n == 0 || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shortMessage keeps the test call short; the default is longer.
const shortMessage = "Пожалуйста, перезвоните."

func TestDetectAssistantEndsCallWithoutDisclosure(t *testing.T) {
	tests := []struct {
		name     string
		policy   robot.NonHumanPolicy
		wantSaid string // a text the robot's last turn must be ("" means none required)
	}{
		{"hang up", robot.NonHumanPolicy{}, ""},
		{"neutral message", robot.NonHumanPolicy{Actions: map[detect.Class]robot.NonHumanAction{
			detect.VoiceAssistant: robot.NonHumanMessage}, Message: shortMessage}, shortMessage},
	}
	rig := newDetectRig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uri := rig.callee.Phone("assistant-"+strings.ReplaceAll(tt.name, " ", "-"), Behaviour{
				Ring:     100 * time.Millisecond,
				Greeting: "Здравствуйте, я голосовой помощник Олег, что передать?",
			})
			res, took := rig.dial(t, uri, tt.policy)
			if res.Outcome != scripts.OutcomeAssistant {
				t.Fatalf("outcome %s (%s), want assistant; detection %+v; turns %+v", res.Outcome, res.Reason, res.Detection, res.Turns)
			}
			if res.Detection == nil || res.Detection.Class != detect.VoiceAssistant || len(res.Detection.Evidence) == 0 {
				t.Fatalf("detection %+v, want voice_assistant with evidence", res.Detection)
			}
			if res.Slots[robot.SlotDetectedClass] != string(detect.VoiceAssistant) {
				t.Errorf("slots %v: want %s=%s", res.Slots, robot.SlotDetectedClass, detect.VoiceAssistant)
			}
			checkNothingDisclosed(t, res)
			said := robotSaid(res)
			if tt.wantSaid != "" && (len(said) == 0 || said[len(said)-1] != tt.wantSaid) {
				t.Errorf("robot said %q, want it to end with the neutral message", said)
			}
			checkFirstAudio(t, res)
			// no goroutine of the robot is left behind (this test is not
			// parallel: no other call runs now)
			if n := robotGoroutines(2 * time.Second); n > 0 {
				t.Errorf("%d robot goroutines left after RunCall returned", n)
			}
			t.Logf("RunCall took %v; not a person at %v, class %s settled at %v: %q", took, res.Detection.At, res.Detection.Class, res.Detection.SettledAt, res.Detection.Evidence)
		})
	}
}

func TestDetectVoicemailEndsCallAsMachine(t *testing.T) {
	t.Parallel()
	const greeting = "Здравствуйте, вы позвонили Ивану. Оставьте сообщение после сигнала."
	rig := newDetectRig(t, greeting)
	tests := []struct {
		name   string
		policy robot.NonHumanPolicy
	}{
		{"hang up", robot.NonHumanPolicy{}},
		{"message after the beep", robot.NonHumanPolicy{
			Actions: map[detect.Class]robot.NonHumanAction{detect.Machine: robot.NonHumanMessage}, Message: shortMessage}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // the rig's exchange takes several calls at once
			uri := rig.callee.Phone("voicemail-"+strings.ReplaceAll(tt.name, " ", "-"), Behaviour{Ring: 100 * time.Millisecond, Greeting: greeting})
			res, _, callID := rig.dialID(t, uri, tt.policy)
			if res.Outcome != scripts.OutcomeMachine {
				t.Fatalf("outcome %s (%s), want machine; detection %+v", res.Outcome, res.Reason, res.Detection)
			}
			if res.Detection == nil || res.Detection.Class != detect.Machine {
				t.Fatalf("detection %+v, want machine", res.Detection)
			}
			for _, e := range res.Detection.Evidence {
				if strings.Contains(strings.ToLower(e), "иван") {
					t.Errorf("evidence %q names the debtor: want it masked", e)
				}
			}
			checkNothingDisclosed(t, res)
			if tt.policy.Actions != nil {
				last := res.Turns[len(res.Turns)-1]
				if last.Who != robot.WhoRobot || last.Text != shortMessage {
					t.Fatalf("last turn %+v, want the neutral message", last)
				}
				// the greeting with its beep, as the callee played it
				rig.callee.Board().mu.Lock()
				played := rig.callee.Board().calls[callID][0].end
				rig.callee.Board().mu.Unlock()
				if last.Start.Before(played) {
					t.Errorf("message started %v before the greeting and beep ended", played.Sub(last.Start))
				}
			}
			t.Logf("not a person at %v, class %s settled at %v: %q", res.Detection.At, res.Detection.Class, res.Detection.SettledAt, res.Detection.Evidence)
		})
	}
}

func TestDetectHumanDialogueContinues(t *testing.T) {
	t.Parallel()
	rig := newDetectRig(t)
	uri := rig.callee.Phone("human-allo", Behaviour{
		Ring:     100 * time.Millisecond,
		Greeting: "алло",
		// listens to the robot's greeting and hangs up 9 s into it, after
		// the creditor phrase has begun (~5.5 s in with espeak, later when
		// synthesis is slow on a loaded machine)
		Steps: []Step{{HangupAfter: 9 * time.Second}},
	})
	res, _ := rig.dial(t, uri, robot.NonHumanPolicy{})
	if res.Outcome == scripts.OutcomeAssistant || res.Outcome == scripts.OutcomeMachine || res.Outcome == scripts.OutcomeNoInput {
		t.Fatalf("outcome %s (%s) for a person saying алло; detection %+v", res.Outcome, res.Reason, res.Detection)
	}
	if res.Detection == nil || res.Detection.Class != detect.Human {
		t.Fatalf("detection %+v, want human", res.Detection)
	}
	// the creditor phrase is held back only while an undecided first phrase
	// is under way: for a person it was said on time
	var named bool
	for _, s := range robotSaid(res) {
		if strings.Contains(s, "Альфа Финанс") {
			named = true
		}
	}
	if !named {
		t.Errorf("the robot never named the creditor to a person; said %q", robotSaid(res))
	}
	if _, err := os.Stat(res.FirstAudioPath); err != nil {
		t.Errorf("first audio: %v", err)
	}
	t.Logf("outcome %s; decided %s at %v: %q", res.Outcome, res.Detection.Class, res.Detection.At, res.Detection.Evidence)
	for _, tu := range res.Turns {
		t.Logf("%s %s %s %q %v", tu.Start.Format("05.000"), tu.Who, tu.Kind, tu.Text, tu.End.Sub(tu.Start))
	}
}
