package testcalls

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/go-audio/wav"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
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

func newE2ERig(t *testing.T) *e2eRig { return newE2ERigWith(t, nil) }

// newE2ERigWith lets a test change the simulated callee's voice (e.g. to
// append a voicemail beep) while the robot keeps the plain one.
func newE2ERigWith(t *testing.T, calleeVoice func(tts.Synthesizer) Synthesizer) *e2eRig {
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
	var cv Synthesizer = voice
	if calleeVoice != nil {
		cv = calleeVoice(voice)
	}
	callee, err := NewCallee(ctx, telephony.Config{Name: "phones", Listen: loop}, cv, nil)
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
		Script: script, Vars: e2eVars, Location: msk,
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
	// the transcript is in order (by sequence) with timestamps; a caller turn
	// is stamped when the caller actually spoke, which may be during an
	// earlier robot prompt that does not allow barge-in
	var callerTurns int
	for i, turn := range res.Turns {
		if turn.Start.IsZero() || turn.End.Before(turn.Start) {
			t.Fatalf("turn %d has bad timing %v..%v", i, turn.Start, turn.End)
		}
		if i > 0 && turn.Seq <= res.Turns[i-1].Seq {
			t.Fatalf("turn %d has seq %d after %d", i, turn.Seq, res.Turns[i-1].Seq)
		}
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
	// the transcript is stored, in order, with its timestamps
	db, err := store.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "calls.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := store.CallRecord{ID: call.ID(), Direction: "outbound", To: uri, Outcome: string(res.Outcome),
		RecordingPath: call.RecordingPath(), Started: call.Answered(), Ended: time.Now()}
	for _, turn := range res.Turns {
		rec.Turns = append(rec.Turns, store.TurnRecord{Seq: turn.Seq, Node: turn.Node, Who: turn.Who, Kind: turn.Kind,
			Text: turn.Text, Start: turn.Start, End: turn.End})
	}
	if err := db.SaveCall(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	back, err := db.Call(context.Background(), call.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Turns) != len(res.Turns) {
		t.Fatalf("stored %d turns of %d", len(back.Turns), len(res.Turns))
	}
	for i, turn := range back.Turns {
		if turn.Text != res.Turns[i].Text || !turn.Start.Equal(res.Turns[i].Start.UTC()) {
			t.Fatalf("stored turn %d = %q at %v, want %q at %v", i, turn.Text, turn.Start, res.Turns[i].Text, res.Turns[i].Start)
		}
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
	// The latency itself (measured on packets, so it includes the VAD's
	// 100 ms start and the jitter buffer; the goal is ≤ 250 ms) is a figure,
	// not a pass mark: a loaded CI box must not fail a correct barge-in.
	// What must hold is the order: the callee spoke, then the robot stopped.
	t.Logf("barge-in: robot audio stopped %v after the callee's speech started", rep.BargeIn[0])
	if rep.BargeIn[0] <= 0 {
		t.Fatalf("robot audio stopped %v after speech start: before the callee spoke", rep.BargeIn[0])
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

// TestSippCallsInboundRobot: sipp (a real UAC) calls dozvon's inbound robot,
// which answers with the verify_contact script in keypad-only mode; sipp
// plays audio and hangs up; the dialogue ends as hangup and nothing leaks.
func TestSippCallsInboundRobot(t *testing.T) {
	sipp, err := exec.LookPath("sipp")
	if err != nil {
		t.Skip("sipp not installed (Debian sip-tester; tools/setup-debian.sh)")
	}
	rig := newE2ERig(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	inbound, err := telephony.New(ctx, telephony.Config{Name: "dozvon-in", Listen: []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan robot.CallResult, 1)
	sc := loadScript(t, "verify_contact.yaml")
	if err := inbound.Serve(ctx, func(cctx context.Context, in *telephony.Inbound) {
		call, err := in.Answer(cctx)
		if err != nil {
			t.Error(err)
			return
		}
		// not cctx: that is the dialog's context, cancelled by the far end's
		// BYE, and a hang-up must end the dialogue as "hangup", not "failed"
		res, _ := robot.RunCall(ctx, call, robot.CallConfig{
			Script: sc, Vars: e2eVars, Location: time.UTC,
			Voice:        robot.VoiceConfig{Voice: rig.voice}, // keypad only: no recognizer
			NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
		})
		results <- res
	}); err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	var ports []int
	var conns []net.PacketConn
	for len(ports) < 2 { // two distinct free ports for sipp's SIP and RTP
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		ports = append(ports, c.LocalAddr().(*net.UDPAddr).Port)
	}
	for _, c := range conns {
		c.Close()
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, sipp, "-sf", filepath.Join("..", "telephony", "testdata", "sipp_uac.xml"),
		"-s", "robot", "-i", "127.0.0.1", "-p", fmt.Sprint(ports[0]), "-mi", "127.0.0.1", "-mp", fmt.Sprint(ports[1]),
		"-m", "1", "-timeout", "30s", "-timeout_error", "-nostdin", inbound.Addr())
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("sipp: %v\n%s", err, out.String())
	}
	select {
	case res := <-results:
		if res.Outcome != scripts.OutcomeHangup {
			t.Fatalf("outcome %s (%s), want hangup", res.Outcome, res.Reason)
		}
		if len(res.Turns) == 0 || res.Turns[0].Who != robot.WhoRobot {
			t.Fatalf("the robot did not speak first: %+v", res.Turns)
		}
	case <-ctx.Done():
		t.Fatal("the inbound dialogue did not end after sipp's BYE")
	}
	inbound.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > base+2 {
		t.Fatalf("goroutines %d after the call, %d before", n, base)
	}
}
