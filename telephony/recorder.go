package telephony

import (
	"fmt"
	"os"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// stereoRecorder writes a call as a 2-channel 8 kHz 16-bit WAV: the far end
// (the debtor) on the left, the robot on the right. Frames arrive from the
// clocked media loop, so both channels are sample-aligned by construction.
type stereoRecorder struct {
	f    *os.File
	enc  *wav.Encoder
	buf  *audio.IntBuffer
	path string
}

const recorderFlushFrames = 50 // one second of audio per encoder write

func newStereoRecorder(path string) (*stereoRecorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("recording: create %s: %w", path, err)
	}
	r := &stereoRecorder{
		f:    f,
		enc:  wav.NewEncoder(f, sampleRate, 16, 2, 1),
		path: path,
		buf: &audio.IntBuffer{
			Format:         &audio.Format{NumChannels: 2, SampleRate: sampleRate},
			SourceBitDepth: 16,
			Data:           make([]int, 0, 2*frameSamples*recorderFlushFrames),
		},
	}
	return r, nil
}

func (r *stereoRecorder) write(left, right []int16) error {
	for i := 0; i < frameSamples; i++ {
		r.buf.Data = append(r.buf.Data, int(left[i]), int(right[i]))
	}
	if len(r.buf.Data) >= 2*frameSamples*recorderFlushFrames {
		return r.flush()
	}
	return nil
}

func (r *stereoRecorder) flush() error {
	if len(r.buf.Data) == 0 {
		return nil
	}
	err := r.enc.Write(r.buf)
	r.buf.Data = r.buf.Data[:0]
	if err != nil {
		return fmt.Errorf("recording: write %s: %w", r.path, err)
	}
	return nil
}

func (r *stereoRecorder) close() error {
	ferr := r.flush()
	eerr := r.enc.Close()
	cerr := r.f.Close()
	if ferr != nil {
		return ferr
	}
	if eerr != nil {
		return fmt.Errorf("recording: finish %s: %w", r.path, eerr)
	}
	return cerr
}
