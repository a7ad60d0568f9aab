package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// WAV is a decoded WAV file. Samples are 16-bit linear PCM whatever the
// file's encoding, interleaved when there is more than one channel.
type WAV struct {
	Rate     int
	Channels int
	Format   uint16 // the file's format tag (the sub-format of WAVE_FORMAT_EXTENSIBLE)
	Bits     int    // the file's bits per sample
	Samples  []int16
}

// Frames is the number of sample frames (samples per channel).
func (w WAV) Frames() int { return len(w.Samples) / max(w.Channels, 1) }

// Mono returns the channels averaged into one; a mono file's samples are
// returned as they are, without a copy.
func (w WAV) Mono() []int16 {
	ch := w.Channels
	if ch <= 1 {
		return w.Samples
	}
	out := make([]int16, w.Frames())
	for i := range out {
		sum := 0
		for _, s := range w.Samples[i*ch : i*ch+ch] {
			sum += int(s)
		}
		out[i] = int16(sum / ch)
	}
	return out
}

// ReadWAVFile reads and decodes the WAV file at path; errors name the file.
func ReadWAVFile(path string) (WAV, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return WAV{}, fmt.Errorf("read wav: %w", err)
	}
	w, err := DecodeWAV(data)
	if err != nil {
		return WAV{}, fmt.Errorf("read %s: %w", path, err)
	}
	return w, nil
}

// DecodeWAV decodes a WAV file held in memory: PCM of 8, 16, 24 or 32 bits,
// or G.711 A-law/μ-law, plain or WAVE_FORMAT_EXTENSIBLE, 1 to 8 channels.
// A file written to a pipe (espeak-ng --stdout, festival's text2wave -o -)
// cannot fix its sizes after the samples, so a data chunk whose size is a
// placeholder runs to the end of the file. Errors say where the file is
// wrong (which chunk, at which byte).
//
// The samples are decoded here rather than by go-audio/wav, which the
// writer uses: its decoder trusts chunk sizes (a corrupt fmt size makes it
// allocate that many bytes) and can panic on malformed input, cannot read
// the streamed placeholder sizes, hides the extensible sub-format, and
// reads sample by sample (the TTS cache reads every prompt of every call;
// the direct loop allocates ~20× less). Once the chunk walk has checked the
// header, the samples are a plain little-endian array.
func DecodeWAV(data []byte) (WAV, error) {
	info, err := walkRIFF(data)
	if err != nil {
		return WAV{}, fmt.Errorf("wav: %w", err)
	}
	w := WAV{Rate: info.rate, Channels: info.channels, Format: info.format, Bits: info.bits}
	if w.Channels < 1 || w.Channels > maxWAVChannels {
		return WAV{}, fmt.Errorf("wav: unsupported channel count %d", w.Channels)
	}
	if w.Rate < 1000 || w.Rate > 384000 {
		return WAV{}, fmt.Errorf("wav: unsupported sample rate %d Hz", w.Rate)
	}
	var conv func(b []byte) int16
	switch {
	case w.Format == WAVFormatPCM && w.Bits == 8: // unsigned
		conv = func(b []byte) int16 { return int16((int(b[0]) - 128) << 8) }
	case w.Format == WAVFormatPCM && w.Bits == 16:
		conv = func(b []byte) int16 { return int16(binary.LittleEndian.Uint16(b)) }
	case w.Format == WAVFormatPCM && w.Bits == 24: // keep the top 16 bits
		conv = func(b []byte) int16 { return int16(uint16(b[1]) | uint16(b[2])<<8) }
	case w.Format == WAVFormatPCM && w.Bits == 32:
		conv = func(b []byte) int16 { return int16(binary.LittleEndian.Uint32(b) >> 16) }
	case w.Format == WAVFormatALaw && w.Bits == 8:
		conv = func(b []byte) int16 { return PCMA.DecodeSample(b[0]) }
	case w.Format == WAVFormatMuLaw && w.Bits == 8:
		conv = func(b []byte) int16 { return PCMU.DecodeSample(b[0]) }
	default:
		return WAV{}, fmt.Errorf("wav: unsupported encoding: format tag %d, %d bits per sample (want PCM 8/16/24/32-bit or G.711)", w.Format, w.Bits)
	}
	size := w.Bits / 8
	raw := data[info.dataAt : info.dataAt+info.dataLen]
	n := len(raw) / (size * w.Channels) * w.Channels // whole frames only
	w.Samples = make([]int16, n)
	if size == 2 && w.Format == WAVFormatPCM { // the common case, without a call per sample
		for i := range w.Samples {
			w.Samples[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		return w, nil
	}
	for i := range w.Samples {
		w.Samples[i] = conv(raw[i*size : i*size+size])
	}
	return w, nil
}

// riffInfo is what walkRIFF learns from the chunk headers.
type riffInfo struct {
	format         uint16 // effective format tag (sub-format for WAVE_FORMAT_EXTENSIBLE)
	channels, rate int
	bits           int
	// dataAt and dataLen locate the samples (dataLen clamped to the file).
	dataAt, dataLen int
}

// walkRIFF walks the RIFF chunk headers up to the data chunk, checking every
// size against the bytes really there.
func walkRIFF(data []byte) (riffInfo, error) {
	var info riffInfo
	if len(data) < 12 || string(data[0:4]) != "RIFF" || string(data[8:12]) != "WAVE" {
		return info, errors.New("not a RIFF/WAVE file")
	}
	off := 12
	sawFmt := false
	for {
		if off+8 > len(data) {
			return info, errors.New("no data chunk")
		}
		id := string(data[off : off+4])
		size := int64(binary.LittleEndian.Uint32(data[off+4 : off+8]))
		body := off + 8
		switch id {
		case "fmt ":
			if size < 16 || size > 1024 || int64(body)+size > int64(len(data)) {
				return info, fmt.Errorf("fmt chunk at byte %d: bad size %d", off, size)
			}
			f := data[body : body+int(size)]
			info.format = binary.LittleEndian.Uint16(f[0:2])
			info.channels = int(binary.LittleEndian.Uint16(f[2:4]))
			info.rate = int(binary.LittleEndian.Uint32(f[4:8]))
			info.bits = int(binary.LittleEndian.Uint16(f[14:16]))
			if info.format == WAVFormatExtensible {
				if size < 40 {
					return info, fmt.Errorf("fmt chunk at byte %d: extensible format with size %d", off, size)
				}
				info.format = binary.LittleEndian.Uint16(f[24:26])
			}
			sawFmt = true
		case "data":
			if !sawFmt {
				return info, fmt.Errorf("data chunk at byte %d before fmt chunk", off)
			}
			// A WAV written to a pipe declares a placeholder: espeak-ng
			// --stdout 0x7ffff000 bytes, festival's text2wave -o - 0 (and a
			// RIFF size that covers only the header). Either way the
			// samples run to the end of the file.
			riffSize := int64(binary.LittleEndian.Uint32(data[4:8]))
			rest := int64(len(data) - body)
			info.dataAt, info.dataLen = body, int(min(size, rest))
			if size == 0 && riffSize < int64(len(data))-8 {
				info.dataLen = int(rest)
			}
			return info, nil
		default:
			if int64(body)+size > int64(len(data)) {
				return info, fmt.Errorf("chunk %q at byte %d: size %d runs past the end of the file", id, off, size)
			}
		}
		off = body + int(size) + int(size&1)
	}
}
