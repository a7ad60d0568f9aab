package detect

import "time"

// faintDrop is how far below the loudest speech heard so far (80 ms
// averages) a voice is taken for someone else's: a television, a colleague
// or a child in the room, a shop's public address, the robot's own echo.
// The callee is the nearest, loudest voice on the line; a person who
// answered and paused while the room talks on has paused.
const faintDrop = 12.0

// foreground follows the nearest voice: speech frames within faintDrop of
// the loudest speech so far. Its stretches of talk and its pauses are the
// callee's, not the room's, so a short greeting over background talk is
// still a short greeting followed by a pause.
type foreground struct {
	heard   bool
	peak    float64       // loudest smoothed speech level so far, dBFS
	start   time.Duration // start of the current stretch of near talk
	last    time.Duration // end of the last near speech frame
	longest time.Duration // longest stretch of near talk without a stretchGap pause
	// stretches counts the stretches of near talk: one is a phrase said and
	// then a pause (a person waiting for the caller, or a recording's one
	// sentence), more is a voice that talked on after pausing
	stretches int
	// gap is the longest pause between two stretches of near talk
	gap time.Duration
}

// push feeds speech that counts (a run of at least minSpeechRun) from
// t-dur to t, with the smoothed level of its last frame.
func (f *foreground) push(t, dur time.Duration, level float64) {
	if !f.heard || level > f.peak+faintDrop {
		// a voice this much louder than all before it: what came before
		// was background (the robot's echo before the callee spoke)
		*f = foreground{heard: true, peak: level, start: t - dur, last: t, longest: dur, stretches: 1}
		return
	}
	f.peak = max(f.peak, level)
	if level < f.peak-faintDrop {
		return
	}
	if t-dur-f.last >= stretchGap {
		f.gap = max(f.gap, t-dur-f.last)
		f.start = t - dur
		f.stretches++
	}
	f.last = t
	f.longest = max(f.longest, f.last-f.start)
}
