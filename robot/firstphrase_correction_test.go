package robot

import (
	"cmp"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// timedRecognizer is a test double for asr.Recognizer over one recording:
// its partial and final results are the evaluation's simulated recognizer's
// for that recording (detect.SimulatedRecognizer), released by the time
// since the stream was opened (the call's answer, give or take the loopback
// network), so the call path sees the text when the evaluation's figures
// assume it.
type timedRecognizer struct{ events []detect.TextEvent }

func (r timedRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &timedStream{events: r.events, start: time.Now()}, nil
}

type timedStream struct {
	mu     sync.Mutex
	events []detect.TextEvent
	start  time.Time
	next   int // first event not yet handed over in a final result
}

func (s *timedStream) Accept([]int16) error { return nil }

func (s *timedStream) Partial() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, out := time.Since(s.start), ""
	for _, e := range s.events[s.next:] {
		if e.At > now || e.Final {
			break
		}
		out = e.Text
	}
	return out, nil
}

// Final hands over the finals due by now (a little early: the robot's VAD
// and the simulation's end an utterance at about the same time), or, with
// none due, the utterance's words so far.
func (s *timedStream) Final() (asr.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	due := time.Since(s.start) + 300*time.Millisecond
	var out []string
	partial := ""
	for s.next < len(s.events) && s.events[s.next].At <= due {
		if e := s.events[s.next]; e.Final {
			out = append(out, e.Text)
			partial = ""
		} else {
			partial = e.Text
		}
		s.next++
	}
	if partial != "" {
		out = append(out, partial)
	}
	return asr.Result{Text: strings.Join(out, " ")}, nil
}

func (s *timedStream) Close() error { return nil }

// runRecordedCallee dials a loopback phone that answers and plays a
// recording of the detect sources (real frames: the synthesised voice under
// its line conditions), then hangs up after hangUpAfter; the robot runs the
// collection script (which names the creditor) with first-phrase detection
// on and a recognizer that releases the recording's own text as it is
// spoken. The phone starts the recording when the robot's first prompt
// reaches it (audiblePrompts): a recording started at the answer was partly
// played while the robot's side was still being set up, and how much of its
// first second the robot heard depended on the box's load. It returns the
// call's result as RunCall hands it over for storing.
func runRecordedCallee(t *testing.T, wav string, hangUpAfter time.Duration, policy NonHumanPolicy) CallResult {
	t.Helper()
	a, err := tts.LoadAudioFile(filepath.Join("..", "detect", "testdata", "sources", wav))
	if err != nil {
		t.Fatal(err)
	}
	text, err := readSidecar(filepath.Join("..", "detect", "testdata", "sources", strings.TrimSuffix(wav, ".wav")+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return runCallee(t, a.PCM, text, hangUpAfter, policy, audiblePrompts{})
}

// runCallee is runRecordedCallee for any audio and the words in it. With a
// voice (audible prompts) the phone starts playing when the robot's first
// prompt reaches it, so the recording starts with the robot's dialogue and
// not while the robot's side is still being set up (what the robot hears
// of the audio's first second then depends on the box's load).
func runCallee(t *testing.T, pcm []int16, text string, hangUpAfter time.Duration, policy NonHumanPolicy, voice Synthesizer) CallResult {
	t.Helper()
	events := detect.SimulatedRecognizer(pcm, text)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	phones, err := telephony.New(ctx, telephony.Config{Name: "phones", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := phones.Serve(ctx, func(ctx context.Context, in *telephony.Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		if voice != nil {
			heard := make(chan struct{})
			var once sync.Once
			call.SetHandler(func(in []int16, _ time.Duration, _ bool) {
				if loud(in) {
					once.Do(func() { close(heard) })
				}
			})
			select {
			case <-heard:
			case <-call.Done():
				return
			}
		}
		call.Play(pcm)
		select {
		case <-call.Done():
		case <-time.After(hangUpAfter):
			_ = call.Hangup(ctx)
		}
	}); err != nil {
		t.Fatal(err)
	}
	robotUA, err := telephony.New(ctx, telephony.Config{Name: "robot", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	call, _, err := robotUA.Dial(ctx, telephony.DialRequest{To: phones.URI("callee")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunCall(ctx, call, CallConfig{
		Script: loadCollection(t), Vars: fpVars,
		Voice:        VoiceConfig{Voice: cmp.Or[Synthesizer](voice, quietPrompts{}), Recognizer: timedRecognizer{events}},
		OnNonHuman:   policy,
		NewSegmenter: func() (Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
	})
	if err != nil {
		t.Fatalf("robot call: %v (result %+v)", err, res)
	}
	return res
}

// quietPrompts is a test double synthesizer: 1.2 s of silence per prompt,
// about a short prompt's length, so the collection script reaches the
// creditor phrase after seconds as on a real call.
type quietPrompts struct{}

func (quietPrompts) Synthesize(context.Context, string) (tts.Audio, error) {
	return tts.Audio{PCM: make([]int16, 12*detect.SampleRate/10), Rate: detect.SampleRate}, nil
}

func readSidecar(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

func robotTexts(res CallResult) []string {
	var out []string
	for _, tr := range res.Turns {
		out = append(out, string(tr.Who)+": "+tr.Text)
	}
	return out
}

func namedCreditor(res CallResult) bool {
	for _, tr := range res.Turns {
		if tr.Who == WhoRobot && strings.Contains(tr.Text, "Альфа Финанс") {
			return true
		}
	}
	return false
}

// TestLateCorrectionEndsTheCall: greetings that first look like a person
// (a person verdict at the 2.4 s deadline) and go on without a pause to
// name themselves are corrected while the robot still holds the creditor
// phrase; the call ends as the corrected class and is stored so (outcome,
// detected class, the decision with the person verdict it corrected), with
// nothing disclosed. (The voicemail greetings of the sources that the
// evaluation corrects late are taken for machines at once on a live call,
// where the robot greets over them: see TestLateBeepCorrection.)
func TestLateCorrectionEndsTheCall(t *testing.T) {
	tests := []struct {
		wav    string
		policy NonHumanPolicy
		want   detect.Class
	}{
		// "Слушаю вас! Я голосовой бот…"
		{"heldout4-line/voice_assistant/vo43-crackle-jitter-wind.wav", NonHumanPolicy{}, detect.VoiceAssistant},
		// "Алло, здравствуйте! Меня зовут Вера, я цифровая помощница…"
		{"heldout2-line/voice_assistant/vo32-comfort-echo2-plc.wav", NonHumanPolicy{}, detect.VoiceAssistant},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.wav), func(t *testing.T) {
			res := runRecordedCallee(t, tt.wav, 20*time.Second, tt.policy)
			if res.Outcome != OutcomeFor(tt.want) || res.Slots[SlotDetectedClass] != string(tt.want) {
				t.Fatalf("outcome %s, slot %q (%s): want the call ended as %s; detection %+v; robot said %q", res.Outcome, res.Slots[SlotDetectedClass], res.Reason, tt.want, res.Detection, robotTexts(res))
			}
			if d := res.Detection; d == nil || d.Class != tt.want || d.Provisional != detect.Human {
				t.Fatalf("stored decision %+v: want %s, corrected from a person verdict", d, tt.want)
			}
			if !strings.Contains(res.Reason, "corrected to "+string(tt.want)) {
				t.Errorf("reason %q: want it to say the person verdict was corrected", res.Reason)
			}
			if namedCreditor(res) {
				t.Errorf("the robot named the creditor to a %s: %q", tt.want, robotTexts(res))
			}
		})
	}
}

// TestPersonAskingWhoCallsIsNotCorrected: a person answering "Я вас слушаю,
// представьтесь, пожалуйста" (a request assistants make too) stays a
// person: the call goes on and the robot names the creditor.
func TestPersonAskingWhoCallsIsNotCorrected(t *testing.T) {
	res := runRecordedCallee(t, "heldout4-voices/human/hu13-adpcm-speakerphone.wav", 8*time.Second, NonHumanPolicy{})
	if d := res.Detection; d == nil || d.Class != detect.Human || d.Provisional != "" {
		t.Fatalf("stored decision %+v (%s): want a person, not corrected", d, res.Reason)
	}
	if res.Slots[SlotDetectedClass] != "" || res.Outcome == OutcomeFor(detect.VoiceAssistant) || res.Outcome == scripts.Outcome("") {
		t.Errorf("outcome %s, slot %q: want the person's call stored as a dialogue", res.Outcome, res.Slots[SlotDetectedClass])
	}
	if !namedCreditor(res) {
		t.Errorf("the robot never named the creditor to a person: %+v", res.Turns)
	}
}

// TestLateBeepCorrection: "алло" and then talk on without a pause is a
// person at the deadline; a beep closing that same first phrase corrects it
// to a machine: the session stops before the creditor phrase, the stop is a
// machine's, and the beep the message waits for was heard (the beep
// detector ran on after the person verdict).
func TestLateBeepCorrection(t *testing.T) {
	conv := &recordingConversation{}
	fp, _, done := runGated(t, conv, NonHumanPolicy{})
	waitPrompts(t, conv, 2)
	fp.text("алло", false)
	feedFrames(fp, voiceLike(2*time.Second), false)
	fp.mu.Lock()
	d, ok := fp.cls.Decision()
	watching := fp.watching()
	fp.mu.Unlock()
	if !ok || d.Class != detect.Human || !watching {
		t.Fatalf("decision %+v (%v), watching %v: want a person verdict still watched", d, ok, watching)
	}
	if got := strings.Join(conv.prompts(), ","); got != "hello,disclosure" {
		t.Fatalf("robot said %s while the person verdict was watched, want the creditor held", got)
	}
	feedFrames(fp, toneOf(1000, 500*time.Millisecond), false)
	feedFrames(fp, make([]int16, detect.SampleRate/2), false)
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Fatalf("session ended with %v, want stopped by the correction", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the late beep did not stop the session")
	}
	fp.mu.Lock()
	beep := fp.beepHeard
	fp.mu.Unlock()
	stop, dec, _ := fp.finish()
	if stop == nil || stop.class != detect.Machine || dec == nil || dec.Class != detect.Machine || dec.Provisional != detect.Human {
		t.Fatalf("stop %+v, decision %+v: want a machine corrected from a person", stop, dec)
	}
	if !beep {
		t.Error("the beep detector did not hear the beep after the person verdict")
	}
	if got := strings.Join(conv.prompts(), ","); got != "hello,disclosure" {
		t.Errorf("robot said %s, want nothing sensitive", got)
	}
}

// TestNoCorrectionAfterDisclosure: once the robot began a sensitive prompt
// (a person who paused is no longer watched), a decisive cue later in the
// call corrects nothing: the first phrase only.
func TestNoCorrectionAfterDisclosure(t *testing.T) {
	conv := &recordingConversation{}
	fp, cancel, done := runGated(t, conv, NonHumanPolicy{})
	waitPrompts(t, conv, 2)
	fp.text("алло", true)
	feedFrames(fp, make([]int16, detect.SampleRate*3/2), false)
	waitPrompts(t, conv, 5) // creditor, recording, ask_is_debtor
	fp.text("я голосовой помощник оставьте сообщение", true)
	feedFrames(fp, voiceLike(time.Second), false)
	select {
	case err := <-done:
		t.Fatalf("session ended after the disclosure: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if stop, dec, _ := fp.finish(); stop != nil || dec == nil || dec.Class != detect.Human {
		t.Fatalf("stop %+v, decision %+v: want the person verdict to stand", stop, dec)
	}
	cancel()
	<-done
}

// TestPendingClassSettledAsPersonResumes: "Не надо мне ничего" — four words
// with no answering word, 1.5-2 s of talk — is "not a person, class pending"
// as the phrase ends, and the robot falls silent; the callee then waits for
// the caller, and at the end of the analysis time the class settles as a
// person (detect, round 11). The call goes on as a person's: the dialogue
// starts again without the prompts the person already heard in full (the
// greeting's "hello"), no voicemail message is left and nothing is stored
// as a machine. A synthetic phrase, and the four persons of the tuning sources
// that the evaluation lost this way before round 11.
func TestPendingClassSettledAsPersonResumes(t *testing.T) {
	policy := NonHumanPolicy{Actions: map[detect.Class]NonHumanAction{detect.Machine: NonHumanMessage, detect.Announcement: NonHumanMessage}}
	tests := []struct {
		name string
		run  func(t *testing.T) CallResult
	}{
		{"synthetic phrase", func(t *testing.T) CallResult {
			// a moment's quiet, one phrase of 1.7 s (four words, none of
			// answering the phone, no non-human cue), then the callee waits
			pcm := append(make([]int16, detect.SampleRate/10), voiceLike(1700*time.Millisecond)...)
			pcm = append(pcm, make([]int16, 8*detect.SampleRate)...)
			return runCallee(t, pcm, "не надо мне ничего", 16*time.Second, policy, audiblePrompts{})
		}},
	}
	for _, wav := range []string{
		"heldout7-voices/human/hu09-nlpgate.wav", // "Салон оптики «Зоркий», Анна, здравствуйте"
		"heldout7-voices/human/hu15-nlpgate.wav", // "Мне ничего не надо, не звоните сюда больше"
		"heldout9-line/human/hu27-tele.wav",      // "Не надо мне ничего предлагать"
		"heldout9-voices/human/hu27-contrast.wav",
	} {
		tests = append(tests, struct {
			name string
			run  func(t *testing.T) CallResult
		}{wav, func(t *testing.T) CallResult { return runRecordedCallee(t, wav, 16*time.Second, policy) }})
	}
	start := loadCollection(t).Start
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := tt.run(t)
			d := res.Detection
			if d == nil || d.Class != detect.Human || d.Provisional == "" || d.Provisional == detect.Human {
				t.Fatalf("stored decision %+v (%s): want a person, settled after an early non-person guess", d, res.Reason)
			}
			if res.Slots[SlotDetectedClass] != "" || res.Outcome == OutcomeFor(detect.Machine) || res.Outcome == OutcomeFor(d.Provisional) {
				t.Errorf("outcome %s, slot %q (%s): want the person's call stored as a dialogue", res.Outcome, res.Slots[SlotDetectedClass], res.Reason)
			}
			for _, tr := range res.Turns {
				if tr.Node == "non_human_message" {
					t.Errorf("a voicemail message was left to a person: %q", robotTexts(res))
				}
			}
			n := 0
			for _, id := range res.Path {
				if id == start {
					n++
				}
			}
			if n < 2 {
				t.Errorf("path %v: want the dialogue started again after the class settled", res.Path)
			}
			// the greeting's first prompt (1.2 s, played in full before the
			// stop) is not played again: the person heard it once
			said := 0
			for _, tr := range res.Turns {
				if tr.Who == WhoRobot && tr.Text == res.Turns[0].Text {
					said++
				}
			}
			if said != 1 {
				t.Errorf("the greeting's first prompt said %d times: %q", said, robotTexts(res))
			}
		})
	}
}

// audiblePrompts is a test double synthesizer: 1.2 s of a faint hum per
// prompt (as quietPrompts, but the callee's phone hears it start).
type audiblePrompts struct{}

func (audiblePrompts) Synthesize(context.Context, string) (tts.Audio, error) {
	pcm := make([]int16, 12*detect.SampleRate/10)
	for i := range pcm {
		pcm[i] = int16(2000 * math.Sin(2*math.Pi*200*float64(i)/detect.SampleRate))
	}
	return tts.Audio{PCM: pcm, Rate: detect.SampleRate}, nil
}
