package tts

import "github.com/dozvon/dozvon/media"

// decodeWAV decodes a WAV file held in memory (synthesizer output, a
// recorded prompt, a cache file) into mono PCM at its own rate.
func decodeWAV(data []byte) (pcm []int16, rate int, err error) {
	w, err := media.DecodeWAV(data)
	if err != nil {
		return nil, 0, err
	}
	return w.Mono(), w.Rate, nil
}
