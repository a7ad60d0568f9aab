package detect

import "time"

// BeepDetector finds a voicemail beep (a steady tone; never the 425 Hz
// call-progress tone) in a stream of 20 ms frames, with the Classifier's own
// Goertzel tone tracker. After a machine verdict reached from the greeting's
// words, the robot uses it to leave a message after the beep instead of
// over the rest of the greeting.
type BeepDetector struct {
	an    *analyzer
	tones toneTracker
	t     time.Duration
	heard bool
}

// NewBeepDetector returns a detector for one call's received audio.
func NewBeepDetector() *BeepDetector { return &BeepDetector{an: newAnalyzer()} }

// Frame feeds one frame (8 kHz mono) and reports whether a beep has been
// heard so far; a beep counts once it has ended, or has lasted 500 ms.
func (b *BeepDetector) Frame(frame []int16) bool {
	if b.heard || len(frame) == 0 {
		return b.heard
	}
	step := frameDur(len(frame))
	b.t += step
	for _, ev := range b.tones.push(b.an.analyze(frame), b.t, step) {
		if ev.kind == toneBeep {
			b.heard = true
		}
	}
	return b.heard
}

// HeardBeep reports whether the classifier has heard a voicemail beep.
func (c *Classifier) HeardBeep() bool { return c.beep != nil }
