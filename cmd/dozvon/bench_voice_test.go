package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// handlerCall is a test double for robot.Call that only captures the frame
// handler, so a benchmark can drive VoiceConversation's per-frame path
// without a network or a media loop.
type handlerCall struct {
	handler telephony.FrameHandler
	dtmf    chan rune
	done    chan struct{}
}

func newHandlerCall() *handlerCall {
	return &handlerCall{dtmf: make(chan rune), done: make(chan struct{})}
}

func (c *handlerCall) SetHandler(h telephony.FrameHandler) { c.handler = h }

// Play is never used by the frame benchmark (no prompt is said).
func (c *handlerCall) Play(pcm []int16) *telephony.Playback { return &telephony.Playback{} }
func (c *handlerCall) StopPlayback()                        {}
func (c *handlerCall) DTMF() <-chan rune                    { return c.dtmf }
func (c *handlerCall) Done() <-chan struct{}                { return c.done }
func (c *handlerCall) Hangup(ctx context.Context) error     { return nil }
func (c *handlerCall) Transfer(ctx context.Context, target string) error {
	return errors.New("handler call: no transfer")
}

// unusedVoice is a test double for the robot's synthesizer: the frame
// benchmark says nothing, so any use is an error.
type unusedVoice struct{}

func (unusedVoice) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	return tts.Audio{}, errors.New("unused voice: the frame benchmark says nothing")
}

// countingRecognizer is a test double for asr.Recognizer: it accepts audio,
// counts the samples, and recognises nothing.
type countingRecognizer struct{ samples atomic.Int64 }

func (r *countingRecognizer) NewStream(ctx context.Context, cfg asr.StreamConfig) (asr.Stream, error) {
	return &countingStream{r: r}, nil
}

type countingStream struct{ r *countingRecognizer }

func (s *countingStream) Accept(pcm []int16) error {
	s.r.samples.Add(int64(len(pcm)))
	return nil
}
func (s *countingStream) Partial() (string, error)   { return "", nil }
func (s *countingStream) Final() (asr.Result, error) { return asr.Result{}, nil }
func (s *countingStream) Close() error               { return nil }

// benchSpeechFrames is real Russian speech with a second of quiet line noise
// around it, in 20 ms frames: what a robot call's media loop hands the robot.
func benchSpeechFrames(tb testing.TB) [][]int16 {
	tb.Helper()
	path := filepath.Join("/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU", "agent-pass.wav")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("real speech sample missing (Debian asterisk-core-sounds-ru-wav): %v", err)
	}
	a, err := tts.LoadAudioFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	pcm := make([]int16, 0, len(a.PCM)+2*8000)
	quiet := func() {
		var x uint32 = 1
		for range 8000 {
			x = x*1664525 + 1013904223
			pcm = append(pcm, int16(x>>24)-128) // about -48 dBFS of noise
		}
	}
	quiet()
	pcm = append(pcm, a.PCM...)
	quiet()
	var frames [][]int16
	for i := 0; i+160 <= len(pcm); i += 160 {
		frames = append(frames, pcm[i:i+160])
	}
	return frames
}

// BenchmarkVoiceConversationFrame is the robot's whole per-20 ms-frame
// handler: VAD/endpointing, barge-in bookkeeping and handing speech (with
// pre-roll) to the recognizer goroutine, here a counting double. With the
// telephony BenchmarkMediaFrame it is the media path's CPU per call-frame.
func BenchmarkVoiceConversationFrame(b *testing.B) {
	for _, bc := range []struct {
		name    string
		playing bool
		rec     bool
	}{
		{"listening", false, true},
		{"prompt-playing", true, true},
		{"keypad-mode", false, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			frames := benchSpeechFrames(b)
			seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
			if err != nil {
				b.Fatal(err)
			}
			call := newHandlerCall()
			rec := &countingRecognizer{}
			cfg := robot.VoiceConfig{Segmenter: seg, Voice: unusedVoice{}}
			if bc.rec {
				cfg.Recognizer = rec
			}
			conv, err := robot.NewVoiceConversation(context.Background(), call, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer conv.Close()
			h := call.handler
			if h == nil {
				b.Fatal("voice conversation installed no frame handler")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				h(frames[i%len(frames)], time.Duration(i)*telephony.FrameDuration, bc.playing)
			}
			b.StopTimer()
			st := conv.Stats()
			if st.Fed <= 0 || st.Fed >= st.Received {
				b.Fatalf("fed %v of %v received: the VAD should pass only the speech", st.Fed, st.Received)
			}
		})
	}
}
