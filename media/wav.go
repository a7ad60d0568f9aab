package media

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
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
// writes 20 ms at a time for the whole call. It buffers about a second and,
// after each flush, fixes the header's sizes, so a file cut off by a crash
// still plays up to its last flush.
//
// Hand-written rather than go-audio/wav's encoder (still used for reading):
// that encoder preallocates a minute of audio per stream (1.9 MB for a
// stereo call, ~1 GB at 500 calls — the churn that made serve's memory grow
// wave after wave), converts sample by sample, and only writes valid sizes
// on Close. The format written is the fixed 44-byte PCM header.
type WAVWriter struct {
	w        io.WriteSeeker
	file     *os.File // closed by Close when the writer created it
	name     string   // the file, for errors
	channels int
	rate     int
	buf      []byte // encoded samples not yet written
	flushAt  int    // bytes buffered before a write
	data     int64  // PCM bytes written after the header
	err      error  // the first write error; later writes return it
}

// wavHeaderSize is the canonical PCM header: RIFF, fmt (16 bytes), data.
const wavHeaderSize = 44

// maxWAVData is the most PCM a RIFF file's 32-bit sizes can describe.
const maxWAVData = 1<<32 - 1 - (wavHeaderSize - 8)

// NewWAVWriter starts a WAV stream of rate Hz and channels interleaved
// channels on w and writes its header (sizes 0 until the first flush).
// Errors name w's file when w has a Name (an *os.File).
func NewWAVWriter(w io.WriteSeeker, rate, channels int) (*WAVWriter, error) {
	return NewWAVWriterBuffer(w, rate, channels, nil)
}

// NewWAVWriterBuffer is NewWAVWriter buffering in buf when it can hold the
// writer's second of audio (its contents are never read, only overwritten),
// else in a new buffer: a call recorder reuses an ended call's buffer
// (Release) instead of faulting in 32 KB of fresh memory per call.
func NewWAVWriterBuffer(w io.WriteSeeker, rate, channels int, buf []byte) (*WAVWriter, error) {
	name := "wav"
	if n, ok := w.(interface{ Name() string }); ok {
		name = n.Name()
	}
	if rate < 1 || rate > 384000 || channels < 1 || channels > maxWAVChannels {
		return nil, fmt.Errorf("write wav %s: %d Hz with %d channels is not a format to write", name, rate, channels)
	}
	ww := &WAVWriter{w: w, name: name, channels: channels, rate: rate, flushAt: 2 * rate * channels}
	if cap(buf) >= ww.flushAt {
		ww.buf = buf[:0]
	} else {
		ww.buf = make([]byte, 0, ww.flushAt)
	}
	if _, err := w.Write(wavHeader(rate, channels, 0)); err != nil {
		return nil, fmt.Errorf("write wav %s: header: %w", name, err)
	}
	return ww, nil
}

// wavHeader is the 44-byte header of a 16-bit PCM stream of data bytes.
func wavHeader(rate, channels int, data uint32) []byte {
	h := make([]byte, 0, wavHeaderSize)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, data+wavHeaderSize-8)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16)
	h = binary.LittleEndian.AppendUint16(h, WAVFormatPCM)
	h = binary.LittleEndian.AppendUint16(h, uint16(channels))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(rate*channels*2))
	h = binary.LittleEndian.AppendUint16(h, uint16(channels*2))
	h = binary.LittleEndian.AppendUint16(h, 16)
	h = append(h, "data"...)
	return binary.LittleEndian.AppendUint32(h, data)
}

// CreateWAV creates (or truncates) the file at path — readable by its owner
// only, as recordings are personal data — and starts a WAV stream on it;
// Close closes the file.
func CreateWAV(path string, rate, channels int) (*WAVWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
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
// (left, right, left, …); a partial frame is an error. A long slice (a whole
// file's samples, as WriteWAVFile writes the first seconds of every call)
// goes out through the writer's buffer a buffer's worth at a time and the
// header is fixed once at its end: growing the buffer to hold it all was
// 0.7 % of the robot's CPU at 300 calls (bench calls --full profile).
func (w *WAVWriter) Write(samples []int16) error {
	if w.err != nil {
		return w.err
	}
	if len(samples)%w.channels != 0 {
		return fmt.Errorf("write wav %s: %d samples do not fill whole %d-channel frames", w.name, len(samples), w.channels)
	}
	wrote := false
	for len(samples) > 0 {
		// flushAt and the buffer hold whole frames, so room does too
		room := max((w.flushAt-len(w.buf))/2, w.channels)
		part := samples[:min(room, len(samples))]
		samples = samples[len(part):]
		// one grow, then fixed-size stores: an append per sample cost
		// three times as much in the recorder of every call
		n := len(w.buf)
		w.buf = slices.Grow(w.buf, 2*len(part))[:n+2*len(part)]
		out := w.buf[n:]
		for i, s := range part {
			binary.LittleEndian.PutUint16(out[2*i:], uint16(s))
		}
		if len(w.buf) >= w.flushAt {
			if err := w.writeBuf(); err != nil {
				return err
			}
			wrote = true
		}
	}
	if wrote {
		return w.patch()
	}
	return nil
}

// WriteStereo appends left and right as one stereo stream's interleaved
// samples (a 2-channel writer only; they must be of one length). A call's
// recorder writes every frame this way, without interleaving it first.
func (w *WAVWriter) WriteStereo(left, right []int16) error {
	if w.err != nil {
		return w.err
	}
	if w.channels != 2 || len(left) != len(right) {
		return fmt.Errorf("write wav %s: %d left and %d right samples to a %d-channel stream", w.name, len(left), len(right), w.channels)
	}
	n := len(w.buf)
	w.buf = slices.Grow(w.buf, 4*len(left))[:n+4*len(left)]
	out := w.buf[n:]
	right = right[:len(left)]
	for i, l := range left {
		binary.LittleEndian.PutUint32(out[4*i:], uint32(uint16(l))|uint32(uint16(right[i]))<<16)
	}
	if len(w.buf) >= w.flushAt {
		return w.Flush()
	}
	return nil
}

// Flush writes what is buffered and fixes the header's sizes to cover it.
func (w *WAVWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	if err := w.writeBuf(); err != nil {
		return err
	}
	return w.patch()
}

// writeBuf writes what is buffered, leaving the header as it was.
func (w *WAVWriter) writeBuf() error {
	if w.data+int64(len(w.buf)) > maxWAVData {
		w.err = fmt.Errorf("write wav %s: more audio than a WAV file can hold", w.name)
		return w.err
	}
	if _, err := w.w.Write(w.buf); err != nil {
		w.err = fmt.Errorf("write wav %s: %w", w.name, err)
		return w.err
	}
	w.data += int64(len(w.buf))
	w.buf = w.buf[:0]
	return nil
}

// patch fixes the header's sizes to cover what was written.
func (w *WAVWriter) patch() error {
	if err := w.patchSizes(); err != nil {
		w.err = fmt.Errorf("write wav %s: header: %w", w.name, err)
	}
	return w.err
}

// patchSizes rewrites the RIFF and data sizes in place: when w can (a
// file), one positioned write of the whole header, sizes and the unchanged
// fields between them (one syscall a call and second where two showed in
// the call path's syscall counts), else a seek there and back.
func (w *WAVWriter) patchSizes() error {
	var riff, data [4]byte
	binary.LittleEndian.PutUint32(riff[:], uint32(w.data+wavHeaderSize-8))
	binary.LittleEndian.PutUint32(data[:], uint32(w.data))
	if wa, ok := w.w.(io.WriterAt); ok {
		_, err := wa.WriteAt(wavHeader(w.rate, w.channels, uint32(w.data)), 0)
		return err
	}
	for _, p := range []struct {
		at int64
		b  []byte
	}{{4, riff[:]}, {wavHeaderSize - 4, data[:]}} {
		if _, err := w.w.Seek(p.at, io.SeekStart); err != nil {
			return err
		}
		if _, err := w.w.Write(p.b); err != nil {
			return err
		}
	}
	_, err := w.w.Seek(0, io.SeekEnd)
	return err
}

// Close writes what is buffered and, when the writer created the file,
// closes it. The first error wins.
func (w *WAVWriter) Close() error {
	err := w.Flush()
	if w.file != nil {
		if cerr := w.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write wav %s: %w", w.name, cerr)
		}
		w.file = nil
	}
	return err
}

// Release hands back the writer's buffer, for NewWAVWriterBuffer, after
// Close (what it still held is dropped): the writer fails every later call.
func (w *WAVWriter) Release() []byte {
	b := w.buf[:0]
	w.buf = nil
	if w.err == nil {
		w.err = fmt.Errorf("write wav %s: the writer's buffer was released", w.name)
	}
	return b
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
