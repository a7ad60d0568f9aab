package tts

import (
	"context"
	"time"
)

// Rate is the sample rate of every Audio the product's synthesizers and
// LoadAudioFile return: narrow-band telephony, 8000 Hz mono.
const Rate = 8000

// Audio is mono 16-bit linear PCM at Rate samples per second.
type Audio struct {
	PCM  []int16
	Rate int
}

// Duration is the playing time of a.
func (a Audio) Duration() time.Duration {
	if a.Rate <= 0 {
		return 0
	}
	return time.Duration(len(a.PCM)) * time.Second / time.Duration(a.Rate)
}

// Synthesizer turns a phrase into speech. Text may carry the markup described
// in the package documentation (stress marks and pauses). Implementations
// return 8 kHz mono audio and are safe for concurrent use.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string) (Audio, error)
}

// silence returns d of digital silence at rate.
func silence(d time.Duration, rate int) []int16 {
	return make([]int16, int(d*time.Duration(rate)/time.Second))
}
