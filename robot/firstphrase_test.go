package robot

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/scripts"
)

var fpVars = map[string]any{
	"debtor":   map[string]any{"name": "Иванов Иван Иванович", "first_name": "Иван"},
	"creditor": map[string]any{"name": "Альфа Финанс"},
	"debt":     map[string]any{"amount": 12345.50},
}

func TestNonHumanPolicyValidate(t *testing.T) {
	tests := []struct {
		name    string
		p       NonHumanPolicy
		wantErr string
	}{
		{"zero value hangs up", NonHumanPolicy{}, ""},
		{"message with the default text", NonHumanPolicy{Actions: map[detect.Class]NonHumanAction{detect.VoiceAssistant: NonHumanMessage}}, ""},
		{"unknown class", NonHumanPolicy{Actions: map[detect.Class]NonHumanAction{"robot": NonHumanHangup}}, "unknown label"},
		{"human is not a non-human class", NonHumanPolicy{Actions: map[detect.Class]NonHumanAction{detect.Human: NonHumanHangup}}, "not a non-human"},
		{"unknown action", NonHumanPolicy{Actions: map[detect.Class]NonHumanAction{detect.Machine: "sing"}}, `unknown action "sing"`},
		{"confidence out of range", NonHumanPolicy{MinConfidence: 1.5}, "min_confidence"},
		{"variables in the message", NonHumanPolicy{Message: "Это сообщение для {debtor.first_name}"}, "variables"},
		{"debt words", NonHumanPolicy{Message: "Перезвоните по поводу задолженности"}, "mentions the debt"},
		{"creditor named", NonHumanPolicy{Message: "Вам звонили из компании Альфа, перезвоните"}, "names the creditor"},
		{"debtor named", NonHumanPolicy{Message: "Иван, перезвоните нам"}, "names the debtor"},
		{"debt amount", NonHumanPolicy{Message: "Перезвоните, сумма 12 345,50"}, "debt amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate(fpVars)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestOutcomeFor(t *testing.T) {
	tests := []struct {
		class detect.Class
		want  scripts.Outcome
	}{
		{detect.VoiceAssistant, scripts.OutcomeAssistant},
		{detect.Machine, scripts.OutcomeMachine},
		{detect.Fax, scripts.OutcomeMachine},
		{detect.IVR, scripts.OutcomeMachine},
		{detect.Announcement, scripts.OutcomeMachine},
		{detect.Silence, scripts.OutcomeNoInput},
	}
	for _, tt := range tests {
		if got := OutcomeFor(tt.class); got != tt.want {
			t.Errorf("OutcomeFor(%s) = %s, want %s", tt.class, got, tt.want)
		}
	}
}

// TestEvidenceMasking: the detector masks its evidence with the call's
// confidential facts (the rule itself is tested in compliance).
func TestEvidenceMasking(t *testing.T) {
	mask := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, fpVars, func() {}, slog.New(slog.DiscardHandler)).mask
	tests := []struct{ in, want string }{
		{`text "вы позвонили Ивану, оставьте сообщение" matches machine`, `text "вы позвонили ***, оставьте сообщение" matches machine`},
		{"это иванов слушаю", "это *** слушаю"},
		{"перезвоните на 89161234567", "перезвоните на *********67"},
		{"голосовой помощник Олег", "голосовой помощник Олег"},
	}
	for _, tt := range tests {
		if got := mask(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func loadCollection(t *testing.T) *scripts.Script {
	t.Helper()
	s, err := scripts.Load(filepath.Join("..", "scripts", "collection.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSensitivePrompts(t *testing.T) {
	sc := loadCollection(t)
	sensitive := sensitivePrompts(sc, fpVars)
	tests := []struct {
		p    Prompt
		want bool
	}{
		{Prompt{ID: "hello", Text: "Здравствуйте!"}, false},
		{Prompt{ID: "disclosure", Text: "Это автоматический звонок, с вами говорит робот-помощник."}, false},
		{Prompt{ID: "creditor", Text: "Звоню по поручению компании Альфа Финанс."}, true},
		{Prompt{ID: "ask_is_debtor", Text: "Скажите, пожалуйста, я говорю с Иванов Иван Иванович?"}, true},
		{Prompt{ID: "inform_debt"}, true},
		{Prompt{ID: "not_in_script", Text: "У вас просрочка"}, true},
		{Prompt{ID: "not_in_script", Text: "Компания альфа финанс"}, true},
		{Prompt{ID: "not_in_script", Text: "Сумма 12 345,50"}, true},
		{Prompt{ID: "not_in_script", Text: "До свидания"}, false},
	}
	for _, tt := range tests {
		if got := sensitive(tt.p); got != tt.want {
			t.Errorf("sensitive(%s %q) = %v, want %v", tt.p.ID, tt.p.Text, got, tt.want)
		}
	}
}

// recordingConversation is a test double for Conversation: prompts return at
// once and are recorded; Listen waits for the context (the callee never
// answers); hang-ups are counted.
type recordingConversation struct {
	mu      sync.Mutex
	said    []string
	hangups int
}

func (c *recordingConversation) Say(ctx context.Context, p Prompt) (SayResult, error) {
	if err := ctx.Err(); err != nil {
		return SayResult{}, err
	}
	c.mu.Lock()
	c.said = append(c.said, p.ID)
	c.mu.Unlock()
	now := time.Now()
	return SayResult{Start: now, End: now}, nil
}

func (c *recordingConversation) Listen(ctx context.Context, _ ListenOptions) (Input, error) {
	<-ctx.Done()
	return Input{}, ctx.Err()
}

func (c *recordingConversation) Transfer(context.Context, string) error { return nil }

func (c *recordingConversation) Hangup(context.Context) error {
	c.mu.Lock()
	c.hangups++
	c.mu.Unlock()
	return nil
}

func (c *recordingConversation) prompts() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.said...)
}

// voiceLike is speech-like test audio (a gliding pitch with harmonics and a
// syllable envelope) for frames the classifier takes as speech.
func voiceLike(d time.Duration) []int16 {
	n := int(d * detect.SampleRate / time.Second)
	out := make([]int16, n)
	phase := make([]float64, 20)
	for i := range out {
		t := float64(i) / detect.SampleRate
		f0 := 150 + 40*math.Sin(2*math.Pi*1.3*t)
		var v float64
		for h := 1; h < len(phase); h++ {
			f := f0 * float64(h)
			if f >= detect.SampleRate/2 {
				break
			}
			phase[h] += 2 * math.Pi * f / detect.SampleRate
			v += 1 / (1 + math.Pow((f-500)/150, 2)) * math.Sin(phase[h])
			v += 0.6 / (1 + math.Pow((f-1500)/200, 2)) * math.Sin(phase[h])
		}
		env := 0.55 + 0.45*math.Sin(2*math.Pi*4*t)
		out[i] = int16(max(-32000, min(32000, env*3000*v+200*math.Sin(float64(i)*1.7))))
	}
	return out
}

func feedFrames(fp *firstPhrase, pcm []int16, robotSpeaking bool) {
	const frame = detect.SampleRate / 50
	for i := 0; i+frame <= len(pcm); i += frame {
		fp.frame(pcm[i:i+frame], 0, robotSpeaking)
	}
}

// runGated starts a session of the collection script over conv, gated by a
// fresh firstPhrase, and returns the pieces.
func runGated(t *testing.T, conv *recordingConversation, policy NonHumanPolicy) (*firstPhrase, context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sctx, stop := context.WithCancelCause(ctx)
	fp := newFirstPhrase(FirstPhraseConfig{}, policy, fpVars, func() { stop(errStopped) }, slog.New(slog.DiscardHandler))
	sc := loadCollection(t)
	g := &gatedConversation{Conversation: conv, fp: fp, sensitive: sensitivePrompts(sc, fpVars), hungUp: make(chan struct{}), limit: time.Minute}
	sess := Session{Script: sc, Vars: fpVars, Conv: g}
	done := make(chan error, 1)
	// the callee starts speaking (after a moment of quiet line, as after a
	// real answer) before the session: its first phrase is under way and
	// undecided when the robot reaches the creditor phrase
	feedFrames(fp, make([]int16, detect.SampleRate/5), true)
	feedFrames(fp, voiceLike(600*time.Millisecond), true)
	go func() {
		_, err := sess.Run(sctx)
		if errors.Is(context.Cause(sctx), errStopped) {
			err = errStopped
		}
		done <- err
	}()
	return fp, cancel, done
}

func waitPrompts(t *testing.T, conv *recordingConversation, n int) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for len(conv.prompts()) < n {
		select {
		case <-deadline:
			t.Fatalf("prompts %v: want %d", conv.prompts(), n)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestFirstPhraseStopsTheSession(t *testing.T) {
	tests := []struct {
		name      string
		feed      func(t *testing.T, fp *firstPhrase, conv *recordingConversation)
		wantClass detect.Class
		said      string // the robot's prompts, in order
	}{
		{"voice assistant greeting", func(_ *testing.T, fp *firstPhrase, _ *recordingConversation) {
			fp.text("здравствуйте я голосовой помощник олег что передать", true)
		}, detect.VoiceAssistant, "hello,disclosure"},
		{"bot-to-bot loop after a person-like start", func(t *testing.T, fp *firstPhrase, conv *recordingConversation) {
			fp.text("алло", true)
			feedFrames(fp, make([]int16, detect.SampleRate), false)
			waitPrompts(t, conv, 5)
			for range 3 {
				fp.text("не поняла вас повторите ещё раз медленнее", true)
			}
		}, detect.Machine, "hello,disclosure,creditor,recording,ask_is_debtor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := &recordingConversation{}
			fp, _, done := runGated(t, conv, NonHumanPolicy{})
			// hello and disclosure are said at once; the creditor phrase waits
			waitPrompts(t, conv, 2)
			tt.feed(t, fp, conv)
			select {
			case err := <-done:
				if !errors.Is(err, errStopped) {
					t.Fatalf("session ended with %v, want stopped by detection", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the session did not stop")
			}
			stop, _, _ := fp.finish()
			if stop == nil || stop.class != tt.wantClass {
				t.Fatalf("stop %+v, want class %s", stop, tt.wantClass)
			}
			if got := strings.Join(conv.prompts(), ","); got != tt.said {
				t.Errorf("robot said %s, want %s", got, tt.said)
			}
			if conv.hangups != 0 {
				t.Errorf("the session hung up %d times through the gate; RunCall owns the hang-up after a stop", conv.hangups)
			}
		})
	}
}

// TestFirstPhraseStopsBeforeTheClassIsKnown: a greeting too long for a
// person stops the dialogue at once, before the word naming it is heard; the
// stop's class is the settled one, which awaitClass waits for.
func TestFirstPhraseStopsBeforeTheClassIsKnown(t *testing.T) {
	conv := &recordingConversation{}
	fp, _, done := runGated(t, conv, NonHumanPolicy{})
	waitPrompts(t, conv, 2)
	// four words that are not answering the phone, none of them the robot's
	// own (detect: a greeting with no non-human cue needs four)
	fp.text("вас приветствует служба поддержки абонентов", false)
	feedFrames(fp, voiceLike(1200*time.Millisecond), false) // 1.8 s of talk in all
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Fatalf("session ended with %v, want stopped by detection", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not stop on a greeting too long for a person")
	}
	if got := strings.Join(conv.prompts(), ","); got != "hello,disclosure" {
		t.Errorf("robot said %s, want nothing after the verdict", got)
	}
	settled := make(chan struct{})
	go func() {
		fp.awaitClass(context.Background(), nil, time.Minute)
		close(settled)
	}()
	select {
	case <-settled:
		t.Fatal("awaitClass returned before the class was settled")
	case <-time.After(30 * time.Millisecond):
	}
	fp.text("вас приветствует служба поддержки абонентов я голосовой помощник", false)
	select {
	case <-settled:
	case <-time.After(5 * time.Second):
		t.Fatal("awaitClass did not return once the class was settled")
	}
	stop, dec, _ := fp.finish()
	if stop == nil || stop.class != detect.VoiceAssistant || dec == nil || !dec.Settled || dec.Provisional != detect.Machine {
		t.Fatalf("stop %+v, decision %+v: want voice_assistant settled after a provisional machine", stop, dec)
	}
	if dec.SettledAt < dec.At {
		t.Errorf("settled at %v before the verdict at %v", dec.SettledAt, dec.At)
	}
}

// TestProvisionalVerdictHoldsSensitivePrompts: a campaign asking for more
// confidence than a length-only verdict carries does not stop on it — but
// neither may the robot go on to the creditor while the class is open.
func TestProvisionalVerdictHoldsSensitivePrompts(t *testing.T) {
	conv := &recordingConversation{}
	fp, _, done := runGated(t, conv, NonHumanPolicy{MinConfidence: 0.8})
	waitPrompts(t, conv, 2)
	// four words that are not answering the phone, none of them the robot's
	// own (detect: a greeting with no non-human cue needs four)
	fp.text("вас приветствует служба поддержки абонентов", false)
	feedFrames(fp, voiceLike(1200*time.Millisecond), false)
	fp.mu.Lock()
	d, ok := fp.cls.Decision()
	fp.mu.Unlock()
	if !ok || d.Settled || d.Class == detect.Human {
		t.Fatalf("decision %+v, %v: want a provisional non-human verdict", d, ok)
	}
	select {
	case err := <-done:
		t.Fatalf("session ended on a verdict below the campaign's confidence: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if got := strings.Join(conv.prompts(), ","); got != "hello,disclosure" {
		t.Fatalf("robot said %s while the class was open, want the creditor held", got)
	}
	// a sensitive prompt that only now reaches the gate waits too
	gctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if err := fp.awaitVerdict(gctx, nil, time.Minute); err == nil {
		t.Fatal("the gate let a sensitive prompt through while the class was open")
	}
	fp.text("здравствуйте говорит голосовой помощник", false)
	select {
	case err := <-done:
		if !errors.Is(err, errStopped) {
			t.Fatalf("session ended with %v, want stopped by detection", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the settled assistant verdict did not stop the session")
	}
	if got := strings.Join(conv.prompts(), ","); got != "hello,disclosure" {
		t.Errorf("robot said %s, want nothing after the greeting", got)
	}
}

func TestFirstPhraseLetsAPersonThrough(t *testing.T) {
	conv := &recordingConversation{}
	fp, cancel, done := runGated(t, conv, NonHumanPolicy{})
	waitPrompts(t, conv, 2)
	select {
	case err := <-done:
		t.Fatalf("session ended early: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	if got := conv.prompts(); len(got) != 2 {
		t.Fatalf("robot said %v before the verdict; want the creditor phrase held", got)
	}
	// a short "алло" then silence: a person
	fp.text("алло", true)
	feedFrames(fp, make([]int16, detect.SampleRate), false)
	waitPrompts(t, conv, 5) // creditor, recording, ask_is_debtor
	if got := conv.prompts(); got[2] != "creditor" {
		t.Errorf("robot said %v, want the creditor phrase third", got)
	}
	_, dec, _ := fp.finish()
	if dec == nil || dec.Class != detect.Human {
		t.Fatalf("decision %+v, want human", dec)
	}
	cancel()
	if err := <-done; errors.Is(err, errStopped) {
		t.Fatal("a person's session was stopped by detection")
	}
}

func TestFirstPhraseKeepsFirstSeconds(t *testing.T) {
	fp := newFirstPhrase(FirstPhraseConfig{KeepAudio: time.Second, Disabled: false}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
	feedFrames(fp, voiceLike(3*time.Second), false)
	if got := len(fp.firstAudio()); got != detect.SampleRate {
		t.Fatalf("kept %d samples, want %d (1 s)", got, detect.SampleRate)
	}
	path := filepath.Join(t.TempDir(), "first.wav")
	if err := writeMonoWAV(path, fp.firstAudio()); err != nil {
		t.Fatal(err)
	}
	if err := writeMonoWAV(filepath.Join(t.TempDir(), "missing", "x.wav"), nil); err == nil || !strings.Contains(err.Error(), "write first audio") {
		t.Fatalf("writing into a missing dir: %v, want a named error", err)
	}
}

// growingRecognizer is a test double for asr.Recognizer: its partial
// hypothesis grows by one word of text per 100 ms of audio accepted, as a
// streaming recognizer's does; Final returns the whole text.
type growingRecognizer struct{ text string }

func (r growingRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &growingStream{words: strings.Fields(r.text)}, nil
}

type growingStream struct {
	words    []string
	samples  int
	partials int
}

func (s *growingStream) Accept(pcm []int16) error { s.samples += len(pcm); return nil }
func (s *growingStream) Partial() (string, error) {
	s.partials++
	n := min(len(s.words), s.samples/800)
	return strings.Join(s.words[:n], " "), nil
}
func (s *growingStream) Final() (asr.Result, error) {
	s.samples = 0
	return asr.Result{Text: strings.Join(s.words, " ")}, nil
}
func (s *growingStream) Close() error { return nil }

func TestPartialsDecideBeforeTheFinal(t *testing.T) {
	fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
	rec := partialRecognizer{Recognizer: growingRecognizer{"здравствуйте я голосовой помощник олег что передать"}, fp: fp}
	st, err := rec.NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]int16, 160)
	var fedAt time.Duration
	for fedAt = 0; fedAt < 2*time.Second && fp.undecided(); fedAt += 20 * time.Millisecond {
		if err := st.Accept(frame); err != nil {
			t.Fatal(err)
		}
	}
	stop, dec, _ := fp.finish()
	if dec == nil || dec.Class != detect.VoiceAssistant || stop == nil {
		t.Fatalf("decision %+v, stop %+v: want voice_assistant from the partial text", dec, stop)
	}
	// "голосовой помощник" is complete after 4 words (400 ms); partials are
	// looked at every 200 ms
	if fedAt > 600*time.Millisecond {
		t.Errorf("decided after %v of speech, want by 600 ms", fedAt)
	}
	// no more looks at the partial once decided
	looks := st.(*partialStream).Stream.(*growingStream).partials
	for range 50 {
		_ = st.Accept(frame)
	}
	if got := st.(*partialStream).Stream.(*growingStream).partials; got != looks {
		t.Errorf("partials asked %d times after the verdict", got-looks)
	}
}

func TestAwaitQuietWaitsForThePause(t *testing.T) {
	fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
	loudFrame := make([]int16, 160)
	for i := range loudFrame {
		loudFrame[i] = int16(4000 * math.Sin(float64(i)))
	}
	fp.frame(loudFrame, 0, false) // the greeting is still going on
	done := make(chan struct{})
	go func() {
		fp.awaitQuiet(context.Background(), nil, 200*time.Millisecond, time.Minute)
		close(done)
	}()
	silence := make([]int16, 160)
	for range 9 {
		fp.frame(silence, 0, false)
	}
	fp.frame(loudFrame, 0, false) // the beep: the pause starts again
	for range 9 {
		fp.frame(silence, 0, false)
	}
	select {
	case <-done:
		t.Fatal("returned before 200 ms of quiet after the last sound")
	default:
	}
	fp.frame(silence, 0, false)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("awaitQuiet did not return after 200 ms of quiet")
	}
}

func TestSilentListenerIsGivenTimeToAnswer(t *testing.T) {
	stopped := false
	fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, nil, func() { stopped = true }, slog.New(slog.DiscardHandler))
	silence := make([]int16, 160)
	// the robot greets for 5 s, then waits 3 s for the answer
	for range 250 {
		fp.frame(silence, 0, true)
	}
	for range 150 {
		fp.frame(silence, 0, false)
	}
	if stopped || !fp.undecided() {
		t.Fatal("a callee silent for 3 s after the robot's question was taken for a dead line")
	}
	for range 160 {
		fp.frame(silence, 0, false)
	}
	stop, dec, _ := fp.finish()
	if !stopped || stop == nil || stop.class != detect.Silence || dec.Class != detect.Silence {
		t.Fatalf("stop %+v, decision %+v: want silence after 6 s of robot-quiet time", stop, dec)
	}
}

// BenchmarkFirstPhraseFrame is the media-loop cost of detection per 20 ms
// frame while the first phrase is undecided (classifier and beep detector).
func BenchmarkFirstPhraseFrame(b *testing.B) {
	fp := newFirstPhrase(FirstPhraseConfig{Detect: detect.Config{MaxAnalysis: time.Hour, InitialSilence: time.Hour}},
		NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
	audio := voiceLike(time.Second)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		off := (i * 160) % (len(audio) - 160)
		fp.frame(audio[off:off+160], 0, false)
	}
}

// BenchmarkFirstPhraseCallStart is a call's first 5 s of detection (250
// frames on a new detector): per-call costs such as keeping the audio.
func BenchmarkFirstPhraseCallStart(b *testing.B) {
	audio := voiceLike(5 * time.Second)
	b.ReportAllocs()
	for b.Loop() {
		fp := newFirstPhrase(FirstPhraseConfig{Detect: detect.Config{MaxAnalysis: time.Hour, InitialSilence: time.Hour}},
			NonHumanPolicy{}, nil, func() {}, slog.New(slog.DiscardHandler))
		for off := 0; off+160 <= len(audio); off += 160 {
			fp.frame(audio[off:off+160], 0, false)
		}
	}
}

// TestFirstPhraseKeypadCaller: a key, then a quiet line (a keypad caller
// waiting on a question) is a person; before keys reached detection it was
// hung up on as silence 6 s into the robot's quiet, as a line with no key is.
func TestFirstPhraseKeypadCaller(t *testing.T) {
	tests := []struct {
		name    string
		key     bool
		stopped bool
		verdict detect.Class
	}{
		{"a key, then quiet", true, false, detect.Human},
		{"quiet, no key", false, true, detect.Silence},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stops := 0
			fp := newFirstPhrase(FirstPhraseConfig{}, NonHumanPolicy{}, fpVars, func() { stops++ }, slog.New(slog.DiscardHandler))
			feedFrames(fp, make([]int16, 2*detect.SampleRate), true) // the robot's greeting and question
			if tt.key {
				fp.keypad()
			}
			feedFrames(fp, make([]int16, 10*detect.SampleRate), false) // the callee waits: 10 s of quiet line
			stop, dec, _ := fp.finish()
			if (stop != nil) != tt.stopped || (stops > 0) != tt.stopped {
				t.Errorf("stopped: %+v (%d cancels), want %v", stop, stops, tt.stopped)
			}
			if dec == nil || !dec.Settled || dec.Class != tt.verdict {
				t.Fatalf("verdict %+v, want %s", dec, tt.verdict)
			}
		})
	}
}
