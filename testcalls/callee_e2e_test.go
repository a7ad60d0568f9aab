package testcalls

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-audio/wav"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// e2eRig is a robot UA and a simulated callee exchange on loopback.
type e2eRig struct {
	robotUA *telephony.UA
	callee  *Callee
	voice   tts.Synthesizer
	recDir  string
}

func newE2ERig(t *testing.T) *e2eRig {
	t.Helper()
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: the simulated callee and the robot need a voice (tools/setup-debian.sh)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	engine, err := tts.NewEspeak(tts.EspeakOptions{})
	if err != nil {
		t.Fatal(err)
	}
	voice := tts.NewCache(filepath.Join(t.TempDir(), "tts"), engine, "espeak-ru")
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	callee, err := NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, voice, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := t.TempDir()
	ua, err := telephony.New(ctx, telephony.Config{Name: "dozvon", Listen: loop, RecordDir: rec}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &e2eRig{robotUA: ua, callee: callee, voice: voice, recDir: rec}
}

func loadScript(t *testing.T, name string) *scripts.Script {
	t.Helper()
	s, err := scripts.Load(filepath.Join("..", "scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var e2eVars = map[string]any{
	"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
	"creditor": map[string]any{"name": "Альфа Финанс"},
	"debt":     map[string]any{"amount": 12345.50},
}

// call dials phone and runs script on the answered call.
func (r *e2eRig) call(t *testing.T, uri string, script *scripts.Script) (robot.CallResult, *telephony.Call) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	call, _, err := r.robotUA.Dial(ctx, telephony.DialRequest{To: uri, CallerID: "74950000000"})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	msk, _ := time.LoadLocation("Europe/Moscow")
	res, err := robot.RunCall(ctx, call, robot.CallConfig{
		Script: script, Vars: e2eVars, Now: time.Now, Location: msk,
		Voice: robot.VoiceConfig{
			Recognizer: r.callee.Board().Recognizer(call.CallID()),
			Voice:      r.voice,
			LoadAudio:  tts.LoadAudioFile,
		},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
	})
	if err != nil {
		t.Fatalf("robot call: %v", err)
	}
	<-call.Done()
	return res, call
}

func readStereo(t *testing.T, path string) (left, right []int16, rate int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := wav.NewDecoder(f)
	buf, err := dec.FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if dec.NumChans != 2 {
		t.Fatalf("recording has %d channels, want 2", dec.NumChans)
	}
	for i := 0; i+1 < len(buf.Data); i += 2 {
		left = append(left, int16(buf.Data[i]))
		right = append(right, int16(buf.Data[i+1]))
	}
	return left, right, int(dec.SampleRate)
}

// speechSeconds counts 20 ms frames above a speech level.
func speechSeconds(pcm []int16) float64 {
	n := 0
	for i := 0; i+160 <= len(pcm); i += 160 {
		var s float64
		for _, v := range pcm[i : i+160] {
			s += float64(v) * float64(v)
		}
		if math.Sqrt(s/160) > 300 {
			n++
		}
	}
	return float64(n) * 0.02
}

func TestRobotCallEndToEndIdentified(t *testing.T) {
	rig := newE2ERig(t)
	uri := rig.callee.Phone("debtor-identified", Behaviour{
		Ring:  300 * time.Millisecond,
		Steps: []Step{{Say: "да, это я"}, {Say: "да, удобно"}},
	})
	res, call := rig.call(t, uri, loadScript(t, "verify_contact.yaml"))
	if res.Outcome != scripts.OutcomeIdentified {
		t.Fatalf("outcome %s (%s), want identified; turns %+v", res.Outcome, res.Reason, res.Turns)
	}
	// the transcript is in order with timestamps
	var prev time.Time
	var callerTurns int
	for i, turn := range res.Turns {
		if turn.Start.IsZero() || turn.End.Before(turn.Start) {
			t.Fatalf("turn %d has bad timing %v..%v", i, turn.Start, turn.End)
		}
		if turn.Start.Before(prev.Add(-time.Second)) {
			t.Fatalf("turn %d starts %v before the previous one %v", i, turn.Start, prev)
		}
		prev = turn.Start
		if turn.Who == robot.WhoCaller && turn.Kind == "speech" {
			callerTurns++
		}
	}
	if callerTurns < 2 {
		t.Fatalf("%d caller speech turns, want 2: %+v", callerTurns, res.Turns)
	}
	// the recording: 2 channels, the call's duration ±10 %, speech on both
	left, right, rate := readStereo(t, call.RecordingPath())
	got := float64(len(left)) / float64(rate)
	want := call.Stats().Duration.Seconds()
	if math.Abs(got-want) > 0.1*want {
		t.Fatalf("recording %.2fs, call media %.2fs: want within 10%%", got, want)
	}
	if speechSeconds(left) < 0.5 || speechSeconds(right) < 2 {
		t.Fatalf("speech in recording: debtor %.1fs, robot %.1fs", speechSeconds(left), speechSeconds(right))
	}
	if res.Audio.Fed <= 0 || res.Audio.Fed >= res.Audio.Received {
		t.Fatalf("audio fed to ASR %v of %v received: want only the speech parts", res.Audio.Fed, res.Audio.Received)
	}
	t.Logf("call %.1fs, ASR fed %v of %v received, %d turns", want, res.Audio.Fed, res.Audio.Received, len(res.Turns))
}

// TestBargeInStopsRobotAudio: the callee speaks 300 ms into a 4 s prompt that
// allows barge-in; the robot's outgoing audio, measured on its RTP as the
// callee receives it, must stop within 250 ms of the callee's speech start,
// and the interrupting words are the next thing the robot hears.
func TestBargeInStopsRobotAudio(t *testing.T) {
	rig := newE2ERig(t)
	uri := rig.callee.Phone("debtor-bargein", Behaviour{
		Ring:  200 * time.Millisecond,
		Steps: []Step{{Interrupt: "да, это я", After: 300 * time.Millisecond}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	call, _, err := rig.robotUA.Dial(ctx, telephony.DialRequest{To: uri})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
	if err != nil {
		t.Fatal(err)
	}
	conv, err := robot.NewVoiceConversation(ctx, call, robot.VoiceConfig{
		Recognizer: rig.callee.Board().Recognizer(call.CallID()), Voice: rig.voice, Segmenter: seg,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conv.Close()
	// no commas: a pause in the prompt would look like a stop to the measurement
	long := "Скажите пожалуйста вы сейчас можете уделить нам несколько минут чтобы обсудить один важный вопрос по вашему договору"
	a, err := rig.voice.Synthesize(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	if a.Duration() < 4*time.Second {
		t.Fatalf("prompt is %v, the test needs ≥ 4 s", a.Duration())
	}
	res, err := conv.Say(ctx, robot.Prompt{ID: "long", Text: long, BargeIn: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.BargedIn {
		t.Fatalf("prompt was not interrupted: %+v", res)
	}
	if played := res.End.Sub(res.Start); played > 2*time.Second {
		t.Fatalf("prompt played %v of %v despite barge-in", played, a.Duration())
	}
	in, err := conv.Listen(ctx, robot.ListenOptions{NoInputTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if in.Kind != robot.InputSpeech || in.Text != "да, это я" {
		t.Fatalf("heard %+v, want the interrupting words", in)
	}
	_ = conv.Hangup(ctx)
	<-call.Done()
	rig.callee.Wait()
	rep, ok := rig.callee.Report(call.CallID())
	if !ok || len(rep.BargeIn) == 0 {
		t.Fatalf("callee measured no barge-in: %+v", rep)
	}
	// The bound is the acceptance figure. It is measured in real time
	// on packets, so it includes the VAD's 100 ms start and the jitter buffer.
	t.Logf("barge-in: robot audio stopped %v after the callee's speech started", rep.BargeIn[0])
	if rep.BargeIn[0] > 250*time.Millisecond {
		t.Fatalf("robot audio stopped %v after speech start, want ≤ 250 ms", rep.BargeIn[0])
	}
}

// TestCalleeHangsUpMidPrompt: the far end hangs up while the robot speaks;
// the dialogue ends as hangup promptly and nothing is left running.
func TestCalleeHangsUpMidPrompt(t *testing.T) {
	rig := newE2ERig(t)
	uri := rig.callee.Phone("debtor-hangup", Behaviour{Ring: 200 * time.Millisecond, Steps: []Step{{HangupAfter: time.Second}}})
	start := time.Now()
	res, call := rig.call(t, uri, loadScript(t, "verify_contact.yaml"))
	if res.Outcome != scripts.OutcomeHangup {
		t.Fatalf("outcome %s (%s), want hangup", res.Outcome, res.Reason)
	}
	if call.EndReason() != "remote" {
		t.Fatalf("call ended by %q, want remote", call.EndReason())
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("hang-up took %v to end the dialogue", d)
	}
}
