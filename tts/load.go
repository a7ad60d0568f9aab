package tts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hajimehoshi/go-mp3"
)

// maxAudioFileSize bounds a recorded phrase file: an hour of 48 kHz stereo
// 16-bit WAV is ~660 MiB, a prompt is seconds long; anything this large is a
// mistake, not a phrase.
const maxAudioFileSize = 256 << 20

// maxAudioDuration bounds a decoded phrase (before resampling allocates the
// output): a prompt longer than this is a wrong file.
const maxAudioDuration = 10 * time.Minute

// LoadAudioFile reads a recorded phrase and converts it to 8 kHz mono.
// It accepts WAV (PCM 8/16/24/32-bit or G.711 A-law/µ-law, any common rate,
// mono or stereo) and MP3. The format is recognised from the file's content,
// not its extension. Errors name the file.
func LoadAudioFile(path string) (Audio, error) {
	a, err := loadAudioFile(path)
	if err != nil {
		return Audio{}, fmt.Errorf("tts: load audio %s: %w", path, err)
	}
	return a, nil
}

func loadAudioFile(path string) (Audio, error) {
	f, err := os.Open(path)
	if err != nil {
		return Audio{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxAudioFileSize+1))
	if err != nil {
		return Audio{}, err
	}
	if len(data) > maxAudioFileSize {
		return Audio{}, fmt.Errorf("file larger than %d MiB", maxAudioFileSize>>20)
	}
	if len(data) == 0 {
		return Audio{}, errors.New("empty file")
	}
	return DecodeAudio(data, filepath.Ext(path))
}

// DecodeAudio decodes WAV or MP3 bytes into 8 kHz mono. ext (".wav", ".mp3"
// or "") only matters when the content does not identify itself.
func DecodeAudio(data []byte, ext string) (Audio, error) {
	var (
		pcm  []int16
		rate int
		err  error
	)
	switch {
	case bytes.HasPrefix(data, []byte("RIFF")):
		pcm, rate, err = decodeWAV(data) // its errors start "wav: "
		if err != nil {
			return Audio{}, err
		}
	case looksLikeMP3(data) || strings.EqualFold(ext, ".mp3"):
		pcm, rate, err = decodeMP3(data)
		if err != nil {
			return Audio{}, fmt.Errorf("mp3: %w", err)
		}
	default:
		return Audio{}, errors.New("unknown audio format (want WAV or MP3)")
	}
	if len(pcm) == 0 {
		return Audio{}, errors.New("no audio samples")
	}
	if d := time.Duration(len(pcm)) * time.Second / time.Duration(rate); d > maxAudioDuration {
		return Audio{}, fmt.Errorf("audio is %v long, more than %v", d.Round(time.Second), maxAudioDuration)
	}
	return Audio{PCM: resample(pcm, rate, Rate), Rate: Rate}, nil
}

// looksLikeMP3 reports an ID3v2 tag or an MPEG audio frame sync at the start.
func looksLikeMP3(data []byte) bool {
	if bytes.HasPrefix(data, []byte("ID3")) {
		return true
	}
	return len(data) >= 2 && data[0] == 0xFF && data[1]&0xE0 == 0xE0
}

func decodeMP3(data []byte) (pcm []int16, rate int, err error) {
	// go-mp3 is not hardened against every malformed stream; report a panic
	// inside it as a broken file.
	defer func() {
		if r := recover(); r != nil {
			pcm, rate, err = nil, 0, fmt.Errorf("malformed MP3: %v", r)
		}
	}()
	dec, err := mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	raw, err := io.ReadAll(dec) // 16-bit little-endian stereo
	if err != nil {
		return nil, 0, fmt.Errorf("decode frames: %w", err)
	}
	frames := len(raw) / 4
	pcm = make([]int16, frames)
	for i := range pcm {
		l := int(int16(binary.LittleEndian.Uint16(raw[i*4:])))
		r := int(int16(binary.LittleEndian.Uint16(raw[i*4+2:])))
		pcm[i] = int16((l + r) / 2)
	}
	return pcm, dec.SampleRate(), nil
}
