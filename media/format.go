package media

import "time"

// The telephone audio every call carries: 8 kHz mono, clocked in 20 ms frames
// (one G.711 packet at the usual ptime).
const (
	SampleRate    = 8000
	FrameSamples  = 160
	FrameDuration = 20 * time.Millisecond
)
