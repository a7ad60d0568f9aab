package tts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"
	"github.com/zaf/g711"
)

// WAVE format tags this package decodes.
const (
	wavFormatPCM        = 1
	wavFormatALaw       = 6
	wavFormatMuLaw      = 7
	wavFormatExtensible = 0xFFFE
)

// wavInfo is what checkRIFF learns from the chunk headers.
type wavInfo struct {
	format   uint16 // effective format tag (sub-format for WAVE_FORMAT_EXTENSIBLE)
	channels int
	rate     int
	bits     int
	// streamedDataAt is the offset of a data chunk whose declared size is
	// a streaming placeholder (0 = sizes are real).
	streamedDataAt int
	// dataAt and dataLen locate the samples (dataLen clamped to the file).
	dataAt, dataLen int
}

// fixStreamedSizes returns data with the RIFF and data chunk sizes set to
// what the file really holds; data itself is not modified.
func fixStreamedSizes(data []byte, dataChunkAt int) []byte {
	data = bytes.Clone(data)
	binary.LittleEndian.PutUint32(data[dataChunkAt+4:dataChunkAt+8], uint32(len(data)-dataChunkAt-8))
	binary.LittleEndian.PutUint32(data[4:8], uint32(len(data)-8))
	return data
}

// checkRIFF walks the RIFF chunk headers of a WAV file before go-audio/wav
// reads it, and notes a streamed WAV whose sizes need fixing. go-audio trusts chunk sizes (a corrupt fmt size makes it allocate
// that many bytes), so the sizes are checked against the data first; the walk
// also yields the sub-format of WAVE_FORMAT_EXTENSIBLE, which go-audio does
// not expose.
func checkRIFF(data []byte) (wavInfo, error) {
	var info wavInfo
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
			if info.format == wavFormatExtensible {
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
			// A WAV written to a pipe cannot have its sizes fixed up after
			// the samples: espeak-ng --stdout declares 0x7ffff000 bytes,
			// festival's text2wave -o - declares 0 (and a RIFF size that
			// covers only the header). Either way the samples run to the
			// end of the file; say so in the header for go-audio/wav.
			riffSize := int64(binary.LittleEndian.Uint32(data[4:8]))
			rest := int64(len(data) - body)
			info.dataAt, info.dataLen = body, int(min(size, rest))
			if size > rest || (size == 0 && riffSize < int64(len(data))-8) {
				info.streamedDataAt = off
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

// decodeWAV decodes a WAV file held in memory into mono PCM at its own rate.
func decodeWAV(data []byte) (pcm []int16, rate int, err error) {
	info, err := checkRIFF(data)
	if err != nil {
		return nil, 0, err
	}
	if info.channels < 1 || info.channels > 8 {
		return nil, 0, fmt.Errorf("unsupported channel count %d", info.channels)
	}
	if info.rate < 1000 || info.rate > 384000 {
		return nil, 0, fmt.Errorf("unsupported sample rate %d Hz", info.rate)
	}
	switch {
	case info.format == wavFormatPCM && (info.bits == 8 || info.bits == 16 || info.bits == 24 || info.bits == 32):
	case (info.format == wavFormatALaw || info.format == wavFormatMuLaw) && info.bits == 8:
	default:
		return nil, 0, fmt.Errorf("unsupported encoding: format tag %d, %d bits per sample (want PCM 8/16/24/32-bit or G.711)", info.format, info.bits)
	}

	if info.streamedDataAt > 0 {
		data = fixStreamedSizes(data, info.streamedDataAt)
	}
	// go-audio/wav is not hardened against every malformed input; turn a
	// panic inside it into an error rather than taking the call down.
	defer func() {
		if r := recover(); r != nil {
			pcm, rate, err = nil, 0, fmt.Errorf("malformed WAV: %v", r)
		}
	}()
	dec := wav.NewDecoder(bytes.NewReader(data))
	buf, err := dec.FullPCMBuffer()
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, 0, fmt.Errorf("read samples: %w", err)
	}
	if buf == nil {
		return nil, 0, errors.New("no samples")
	}

	conv := func(v int) int16 { return int16(v) }
	switch {
	case info.format == wavFormatALaw:
		conv = func(v int) int16 { return g711.DecodeAlawFrame(uint8(v)) }
	case info.format == wavFormatMuLaw:
		conv = func(v int) int16 { return g711.DecodeUlawFrame(uint8(v)) }
	case info.bits == 8: // unsigned 8-bit PCM
		conv = func(v int) int16 { return int16((v - 128) << 8) }
	case info.bits == 24:
		conv = func(v int) int16 { return int16(v >> 8) }
	case info.bits == 32:
		conv = func(v int) int16 { return int16(v >> 16) }
	}

	ch := info.channels
	frames := len(buf.Data) / ch
	pcm = make([]int16, frames)
	for i := range pcm {
		sum := 0
		for c := 0; c < ch; c++ {
			sum += int(conv(buf.Data[i*ch+c]))
		}
		pcm[i] = int16(sum / ch)
	}
	return pcm, info.rate, nil
}

// decodePCM16Mono decodes a 16-bit mono PCM WAV directly, without
// go-audio/wav's per-sample reads. The cache stores only this format and
// reads it for every prompt of every call, so its read path avoids the
// general decoder (~20× fewer allocations); any other format goes to
// decodeWAV.
func decodePCM16Mono(data []byte) (pcm []int16, rate int, err error) {
	info, err := checkRIFF(data)
	if err != nil {
		return nil, 0, err
	}
	if info.format != wavFormatPCM || info.bits != 16 || info.channels != 1 {
		return decodeWAV(data)
	}
	raw := data[info.dataAt : info.dataAt+info.dataLen]
	pcm = make([]int16, len(raw)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
	}
	return pcm, info.rate, nil
}

// writeWAV writes a as a 16-bit mono PCM WAV file.
func writeWAV(w io.WriteSeeker, a Audio) error {
	enc := wav.NewEncoder(w, a.Rate, 16, 1, wavFormatPCM)
	data := make([]int, len(a.PCM))
	for i, s := range a.PCM {
		data[i] = int(s)
	}
	buf := &audio.IntBuffer{
		Data:           data,
		Format:         &audio.Format{NumChannels: 1, SampleRate: a.Rate},
		SourceBitDepth: 16,
	}
	if err := enc.Write(buf); err != nil {
		return fmt.Errorf("write wav samples: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write wav header: %w", err)
	}
	return nil
}
