package media

import (
	"fmt"
	"io"
	"os"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
)

// WAVE format tags (the fmt chunk's first field) that ReadWAV understands.
const (
	WAVFormatPCM        = 1
	WAVFormatALaw       = 6
	WAVFormatMuLaw      = 7
	WAVFormatExtensible = 0xFFFE
)

// maxWAVChannels bounds the channel count both ways: no product file has more
// than two, and a bound keeps a corrupt header from meaning absurd frames.
const maxWAVChannels = 8

// WAVWriter streams 16-bit linear PCM into a WAV file: the call recorder
// writes 20 ms at a time for the whole call, and Close fixes the header's
// sizes. It wraps go-audio/wav's encoder, buffering about a second of audio
// per encoder write because the encoder converts sample by sample.
type WAVWriter struct {
	enc      *wav.Encoder
	buf      *audio.IntBuffer
	file     *os.File // closed by Close when the writer created it
	name     string   // the file, for errors
	channels int
	flushAt  int
	wrote    bool
}

// NewWAVWriter starts a WAV stream of rate Hz and channels interleaved
// channels on w. Errors name w's file when w has a Name (an *os.File).
func NewWAVWriter(w io.WriteSeeker, rate, channels int) (*WAVWriter, error) {
	name := "wav"
	if n, ok := w.(interface{ Name() string }); ok {
		name = n.Name()
	}
	if rate < 1 || channels < 1 || channels > maxWAVChannels {
		return nil, fmt.Errorf("write wav %s: %d Hz with %d channels is not a format to write", name, rate, channels)
	}
	return &WAVWriter{
		enc:  wav.NewEncoder(w, rate, 16, channels, WAVFormatPCM),
		name: name,
		buf: &audio.IntBuffer{
			Format:         &audio.Format{NumChannels: channels, SampleRate: rate},
			SourceBitDepth: 16,
			Data:           make([]int, 0, rate*channels),
		},
		channels: channels,
		flushAt:  rate * channels,
	}, nil
}

// CreateWAV creates (or truncates) the file at path and starts a WAV stream
// on it; Close closes the file.
func CreateWAV(path string, rate, channels int) (*WAVWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("write wav: %w", err)
	}
	w, err := NewWAVWriter(f, rate, channels)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	w.file = f
	return w, nil
}

// Write appends samples, interleaved when there is more than one channel
// (left, right, left, …); a partial frame is an error.
func (w *WAVWriter) Write(samples []int16) error {
	if len(samples)%w.channels != 0 {
		return fmt.Errorf("write wav %s: %d samples do not fill whole %d-channel frames", w.name, len(samples), w.channels)
	}
	for _, s := range samples {
		w.buf.Data = append(w.buf.Data, int(s))
	}
	if len(w.buf.Data) >= w.flushAt {
		return w.flush()
	}
	return nil
}

func (w *WAVWriter) flush() error {
	if len(w.buf.Data) == 0 && w.wrote {
		return nil
	}
	// The first encoder write also writes the header, so an empty stream
	// still becomes a valid WAV file.
	err := w.enc.Write(w.buf)
	w.wrote = true
	w.buf.Data = w.buf.Data[:0]
	if err != nil {
		return fmt.Errorf("write wav %s: %w", w.name, err)
	}
	return nil
}

// Close writes what is buffered, fixes the header sizes and, when the
// writer created the file, closes it. The first error wins.
func (w *WAVWriter) Close() error {
	err := w.flush()
	if cerr := w.enc.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("write wav %s: finish header: %w", w.name, cerr)
	}
	if w.file != nil {
		if cerr := w.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write wav %s: %w", w.name, cerr)
		}
		w.file = nil
	}
	return err
}

// WriteWAV writes samples as a whole 16-bit PCM WAV stream on w.
func WriteWAV(w io.WriteSeeker, rate, channels int, samples []int16) error {
	ww, err := NewWAVWriter(w, rate, channels)
	return writeAll(ww, err, samples)
}

// WriteWAVFile writes samples as a 16-bit PCM WAV file at path, e.g. the
// first seconds of a call: WriteWAVFile(path, SampleRate, 1, pcm).
func WriteWAVFile(path string, rate, channels int, samples []int16) error {
	w, err := CreateWAV(path, rate, channels)
	return writeAll(w, err, samples)
}

// writeAll writes samples through a just-made writer (unless making it
// failed) and closes it.
func writeAll(w *WAVWriter, err error, samples []int16) error {
	if err != nil {
		return err
	}
	if err := w.Write(samples); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
