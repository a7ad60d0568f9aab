package robot

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// panickingRecognizer is a test double whose streams panic on the first
// speech they are fed: a recognizer bug on the recognizer goroutine.
type panickingRecognizer struct{}

func (panickingRecognizer) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return panickingStream{}, nil
}

type panickingStream struct{}

func (panickingStream) Accept([]int16) error       { panic("recognizer fault on +79161234567") }
func (panickingStream) Partial() (string, error)   { return "", nil }
func (panickingStream) Final() (asr.Result, error) { return asr.Result{}, nil }
func (panickingStream) Close() error               { return nil }

// panickingDTMFCall is a test double around a real call whose DTMF source
// panics once the first digit has been read: a fault on the DTMF loop.
type panickingDTMFCall struct {
	*telephony.Call
	reads atomic.Int32
}

func (c *panickingDTMFCall) DTMF() <-chan rune {
	if c.reads.Add(1) > 1 {
		panic("dtmf handler fault")
	}
	return c.Call.DTMF()
}

// silentVoice is a test double synthesizer: 200 ms of silence per prompt.
type silentVoice struct{}

func (silentVoice) Synthesize(context.Context, string) (tts.Audio, error) {
	return tts.Audio{PCM: make([]int16, 1600), Rate: 8000}, nil
}

// TestPanicsEndOnlyTheirCall: five robot calls run at once over real SIP on
// loopback. On four of them a panic strikes — in the recognizer, in the
// DTMF loop, on the RTP read goroutine, in a frame observer on the media
// loop — and each of those calls ends
// "failed" with the panic named (and no phone number); the fifth, where the
// debtor presses 1 and 1, runs to "identified", and the process lives on.
func TestPanicsEndOnlyTheirCall(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	loop := []telephony.Listen{{Transport: "udp", Host: "127.0.0.1"}}
	script, err := scripts.Load(filepath.Join("..", "scripts", "verify_contact.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	phones, err := telephony.New(ctx, telephony.Config{Name: "phones", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := phones.Serve(ctx, func(ctx context.Context, in *telephony.Inbound) {
		call, err := in.Answer(ctx)
		if err != nil {
			return
		}
		switch in.To() {
		case "ok":
			_ = call.SendDTMF('1')
			_ = call.SendDTMF('1')
		case "dtmf":
			_ = call.SendDTMF('1')
		case "speech":
			call.Play(voiceLike(2 * time.Second))
		}
		<-call.Done()
	}); err != nil {
		t.Fatal(err)
	}
	robotUA, err := telephony.New(ctx, telephony.Config{Name: "robot", Listen: loop}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		to        string
		outcome   scripts.Outcome
		errSubstr string
	}{
		{"ok", "identified", ""},
		{"speech", scripts.OutcomeFailed, "panic in robot recognizer"},
		{"dtmf", scripts.OutcomeFailed, "panic in robot dtmf loop"},
		{"rtp", scripts.OutcomeFailed, "media failed"},
		{"frame", scripts.OutcomeFailed, "media failed"},
	}
	type result struct {
		res CallResult
		err error
	}
	results := make([]result, len(cases))
	var wg sync.WaitGroup
	for i, tc := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tcall, _, err := robotUA.Dial(ctx, telephony.DialRequest{To: phones.URI(tc.to)})
			if err != nil {
				results[i].err = err
				return
			}
			var call Call = tcall
			cfg := CallConfig{Script: script, Vars: map[string]any{"debtor": map[string]any{"name": "Иванов Иван", "first_name": "Иван"}},
				Voice:        VoiceConfig{Voice: silentVoice{}},
				NewSegmenter: func() (Segmenter, error) { return asr.NewSegmenter(asr.DefaultVADConfig()) },
				FirstPhrase:  FirstPhraseConfig{Disabled: true}}
			switch tc.to {
			case "speech":
				cfg.Voice.Recognizer = panickingRecognizer{}
			case "dtmf":
				call = &panickingDTMFCall{Call: tcall}
			case "rtp":
				tcall.SetPacketObserver(func(time.Time, []int16) { panic("observer fault") })
			case "frame": // on the media loop, which telephony recovers as a media fault
				cfg.Voice.Observer = func([]int16, time.Duration, bool) { panic("frame observer fault") }
			}
			results[i].res, results[i].err = RunCall(ctx, call, cfg)
		}()
	}
	wg.Wait()
	for i, tc := range cases {
		r := results[i]
		if r.res.Outcome != tc.outcome {
			t.Errorf("%s: outcome %q (%s, err %v), want %q", tc.to, r.res.Outcome, r.res.Reason, r.err, tc.outcome)
			continue
		}
		if tc.errSubstr == "" {
			if r.err != nil {
				t.Errorf("%s: err %v", tc.to, r.err)
			}
			continue
		}
		if r.err == nil || !strings.Contains(r.err.Error(), tc.errSubstr) || !strings.Contains(r.res.Reason, tc.errSubstr) {
			t.Errorf("%s: err %v, reason %q, want both naming %q", tc.to, r.err, r.res.Reason, tc.errSubstr)
		}
		if strings.Contains(r.res.Reason, "79161234567") {
			t.Errorf("%s: the reason leaks the panic's phone number: %q", tc.to, r.res.Reason)
		}
	}
}
