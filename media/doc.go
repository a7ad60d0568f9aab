// Package media holds dozvon's audio plumbing in one place: the G.711 codec
// path (PCMU/PCMA on zaf/g711), the one WAV writer and reader (16-bit PCM; the
// reader also takes 8/24/32-bit PCM and G.711 WAV files), the jitter buffer
// that turns RTP packets into 20 ms frames, the pacer that clocks many calls'
// 20 ms ticks on a few goroutines, and the lateness histogram that measures
// that clock. It knows nothing of SIP, calls, robots or speech, so telephony,
// robot, detect and tts can all use it without depending on one another.
package media
