package robot

import (
	"context"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/telephony"
)

// earlyRecognizeLimit bounds recognising a failed dial's early media.
const earlyRecognizeLimit = 5 * time.Second

// EarlyAnnouncement looks at the early media of a dial that was never
// answered and reports a carrier announcement ("аппарат абонента выключен",
// SIT tones) — before answer, as issue 6 asks. It only speaks for a dial that
// ended without a telling SIP answer (no answer at the ring timeout, or a
// failure): a 486 or 480 already says more than the audio. With rec (nil:
// tones only) the audio is recognised first, so a message without SIT tones
// is caught by its words. The caller counts such a dial as unreachable.
func EarlyAnnouncement(ctx context.Context, info telephony.DialInfo, rec asr.Recognizer) (detect.Decision, bool) {
	if len(info.EarlyAudio) == 0 || (info.Result != telephony.NoAnswer && info.Result != telephony.Failed) {
		return detect.Decision{}, false
	}
	var text string
	if rec != nil {
		t, err := recognizeAll(ctx, rec, info.EarlyAudio)
		if err == nil {
			text = t
		}
	}
	return detect.ClassifyEarly(info.EarlyAudio, text)
}

// recognizeAll runs one recognizer stream over recorded audio.
func recognizeAll(ctx context.Context, rec asr.Recognizer, pcm []int16) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, earlyRecognizeLimit)
	defer cancel()
	s, err := rec.NewStream(ctx, asr.StreamConfig{SampleRate: detect.SampleRate})
	if err != nil {
		return "", fmt.Errorf("recognise early media: %w", err)
	}
	defer s.Close()
	const chunk = detect.SampleRate / 50
	for i := 0; i < len(pcm); i += chunk {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("recognise early media: %w", err)
		}
		if err := s.Accept(pcm[i:min(i+chunk, len(pcm))]); err != nil {
			return "", fmt.Errorf("recognise early media: %w", err)
		}
	}
	r, err := s.Final()
	if err != nil {
		return "", fmt.Errorf("recognise early media: %w", err)
	}
	return r.Text, nil
}
