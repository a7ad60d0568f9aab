package telephony

import (
	"fmt"

	"github.com/dozvon/dozvon/media"
)

// stereoRecorder writes a call as a 2-channel 8 kHz 16-bit WAV: the far end
// (the debtor) on the left, the robot on the right. Frames arrive from the
// clocked media loop, so both channels are sample-aligned by construction.
type stereoRecorder struct {
	w     *media.WAVWriter
	frame []int16 // one interleaved 20 ms frame, reused
}

func newStereoRecorder(path string) (*stereoRecorder, error) {
	w, err := media.CreateWAV(path, sampleRate, 2)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	return &stereoRecorder{w: w, frame: make([]int16, 2*frameSamples)}, nil
}

func (r *stereoRecorder) write(left, right []int16) error {
	for i := 0; i < frameSamples; i++ {
		r.frame[2*i], r.frame[2*i+1] = left[i], right[i]
	}
	if err := r.w.Write(r.frame); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}

func (r *stereoRecorder) close() error {
	if err := r.w.Close(); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}
