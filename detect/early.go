package detect

import (
	"fmt"
	"math"
	"strings"
)

// ClassifyEarly looks at the early media of a call that was never answered
// (183 Session Progress audio, then a failure or the ring timeout) and
// reports whether it was a carrier announcement: SIT tones, or — when the
// recognizer's text for that audio is at hand — a decisive announcement
// phrase ("аппарат абонента выключен"). Anything else (ringback, music
// instead of ringback, silence) is not: ok is false.
//
// The caller turns an announcement into an unreachable result, so the
// number is retried by that rule rather than as an unanswered ring.
func ClassifyEarly(audio []int16, text string) (d Decision, ok bool) {
	c := New(Config{})
	const frame = SampleRate / 50
	for i := 0; i+frame <= len(audio); i += frame {
		c.EarlyMedia(audio[i : i+frame])
		if d, ok := c.Decision(); ok && d.Class == Announcement {
			return d, true
		}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return Decision{}, false
	}
	sc := c.rules.score(text)
	cls, top, margin := sc.best()
	if cls != Announcement || top < decisiveWeight || margin < decisiveMargin {
		return Decision{}, false
	}
	return Decision{
		Class:      Announcement,
		Confidence: math.Min(0.98, 0.75+0.1*top),
		Evidence:   []string{fmt.Sprintf("early media text %q matches announcement cues %q", text, sc.cues(Announcement))},
		At:         frameDur(len(audio)),
		Settled:    true,
		SettledAt:  frameDur(len(audio)),
	}, true
}
