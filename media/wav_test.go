package media

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func ramp(n, step int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(i*step - 16000)
	}
	return out
}

func TestWAVRoundTrip(t *testing.T) {
	tests := []struct {
		name           string
		rate, channels int
		samples        []int16
	}{
		{"telephone mono", SampleRate, 1, ramp(8000, 4)},
		{"stereo recording", SampleRate, 2, ramp(2*SampleRate*3/2, 1)}, // 1.5 s: more than one buffered write
		{"16 kHz mono", 16000, 1, []int16{-32768, -1, 0, 1, 32767}},
		{"empty", SampleRate, 1, nil},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".wav")
			if err := WriteWAVFile(path, tt.rate, tt.channels, tt.samples); err != nil {
				t.Fatal(err)
			}
			w, err := ReadWAVFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if w.Rate != tt.rate || w.Channels != tt.channels || w.Bits != 16 || w.Format != WAVFormatPCM {
				t.Errorf("read %d Hz, %d channels, %d bits, format %d; want %d Hz, %d channels, 16-bit PCM",
					w.Rate, w.Channels, w.Bits, w.Format, tt.rate, tt.channels)
			}
			if !slices.Equal(w.Samples, tt.samples) && len(tt.samples)+len(w.Samples) > 0 {
				t.Errorf("read %d samples back, want the %d written (first differing at %d)", len(w.Samples), len(tt.samples), firstDiff(w.Samples, tt.samples))
			}
			if w.Frames() != len(tt.samples)/tt.channels {
				t.Errorf("%d frames, want %d", w.Frames(), len(tt.samples)/tt.channels)
			}
		})
	}
}

func firstDiff(a, b []int16) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestWAVHeader pins the bytes a player reads: the canonical 44-byte header
// of 8 kHz mono 16-bit PCM with the sizes fixed up after the samples.
func TestWAVHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.wav")
	if err := WriteWAVFile(path, SampleRate, 1, []int16{1, -2, 3}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := hex.DecodeString("" +
		"52494646" + "2a000000" + "57415645" + // "RIFF", 42 = 36 + 6 data bytes, "WAVE"
		"666d7420" + "10000000" + // "fmt ", 16
		"0100" + "0100" + "401f0000" + "803e0000" + "0200" + "1000" + // PCM, mono, 8000 Hz, 16000 B/s, align 2, 16 bit
		"64617461" + "06000000" + // "data", 6
		"0100" + "feff" + "0300") // 1, -2, 3
	if !bytes.Equal(data, want) {
		t.Errorf("file bytes\n%x\nwant\n%x", data, want)
	}
}

func TestWAVWriterStreams(t *testing.T) {
	path := filepath.Join(t.TempDir(), "call.wav")
	w, err := CreateWAV(path, SampleRate, 2)
	if err != nil {
		t.Fatal(err)
	}
	var all []int16
	frame := make([]int16, 2*FrameSamples)
	for f := range 120 { // 2.4 s of 20 ms stereo frames, as the recorder writes them
		for i := range FrameSamples {
			frame[2*i], frame[2*i+1] = int16(f), int16(-i)
		}
		if err := w.Write(frame); err != nil {
			t.Fatal(err)
		}
		all = append(all, frame...)
	}
	if err := w.Write([]int16{1, 2, 3}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a partial stereo frame: error %v, want one naming %s", err, path)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Samples, all) {
		t.Fatalf("read %d samples, want %d (first differing at %d)", len(got.Samples), len(all), firstDiff(got.Samples, all))
	}
	mono := got.Mono()
	if len(mono) != 120*FrameSamples || mono[FrameSamples+3] != int16((1-3)/2) {
		t.Errorf("mono mix: %d frames, sample %d; want %d frames and %d", len(mono), mono[FrameSamples+3], 120*FrameSamples, (1-3)/2)
	}
}

func TestWAVErrorsNameThePlace(t *testing.T) {
	dir := t.TempDir()
	if err := WriteWAVFile(filepath.Join(dir, "no", "such", "dir.wav"), SampleRate, 1, nil); err == nil || !strings.Contains(err.Error(), "dir.wav") {
		t.Errorf("unwritable path: error %v, want one naming the file", err)
	}
	if err := WriteWAVFile(filepath.Join(dir, "zero.wav"), SampleRate, 0, nil); err == nil || !strings.Contains(err.Error(), "zero.wav") {
		t.Errorf("0 channels: error %v, want one naming the file", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "zero.wav")); err == nil {
		t.Error("a refused format left a file behind")
	}
	if _, err := ReadWAVFile(filepath.Join(dir, "missing.wav")); err == nil || !strings.Contains(err.Error(), "missing.wav") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}

	good := filepath.Join(dir, "good.wav")
	if err := WriteWAVFile(good, SampleRate, 1, ramp(100, 50)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	patch := func(at int, v uint32) []byte {
		d := bytes.Clone(data)
		binary.LittleEndian.PutUint32(d[at:], v)
		return d
	}
	patch16 := func(at int, v uint16) []byte {
		d := bytes.Clone(data)
		binary.LittleEndian.PutUint16(d[at:], v)
		return d
	}
	tests := []struct {
		name, wantErr string
		data          []byte
	}{
		{"empty", "wav: not a RIFF/WAVE file", nil},
		{"text", "wav: not a RIFF/WAVE file", []byte("RIFF....AVI LIST")},
		{"huge fmt", "fmt chunk at byte 12: bad size 4294967280", patch(16, 0xFFFFFFF0)},
		{"header only", "no data chunk", data[:36]},
		{"junk chunk", `chunk "LIST" at byte 12: size 65535 runs past the end`, append(bytes.Clone(data[:12]), "LIST\xff\xff\x00\x00abc"...)},
		{"data before fmt", "data chunk at byte 12 before fmt chunk", append([]byte("RIFF\x24\x00\x00\x00WAVEdata\x04\x00\x00\x00\x01\x02\x03\x04"), data[12:]...)},
		{"float", "unsupported encoding: format tag 3, 16 bits", patch16(20, 3)},
		{"12 bit", "format tag 1, 12 bits per sample", patch16(34, 12)},
		{"no channels", "unsupported channel count 0", patch16(22, 0)},
		{"no rate", "unsupported sample rate 0 Hz", patch(24, 0)},
		{"extensible too short", "fmt chunk at byte 12: extensible format with size 16", patch16(20, WAVFormatExtensible)},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".wav")
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadWAVFile(path)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s and saying %q", tt.name, err, path, tt.wantErr)
		}
	}
}

// TestDecodeWAVEncodings reads every encoding the decoder accepts from a
// hand-built file of known bytes (the writer only writes 16-bit PCM).
func TestDecodeWAVEncodings(t *testing.T) {
	tests := []struct {
		name   string
		format uint16
		bits   int
		raw    []byte
		want   []int16
	}{
		{"8-bit unsigned", WAVFormatPCM, 8, []byte{0x80, 0xFF, 0x00}, []int16{0, 127 << 8, -128 << 8}},
		{"16-bit", WAVFormatPCM, 16, []byte{0x01, 0x00, 0xFE, 0xFF}, []int16{1, -2}},
		{"24-bit keeps the top 16 bits", WAVFormatPCM, 24, []byte{0xFF, 0x34, 0x12, 0x00, 0x00, 0x80}, []int16{0x1234, -32768}},
		{"32-bit keeps the top 16 bits", WAVFormatPCM, 32, []byte{0xFF, 0xFF, 0x34, 0x12, 0, 0, 0xFF, 0xFF}, []int16{0x1234, -1}},
		{"A-law", WAVFormatALaw, 8, []byte{0xD5, 0xAA}, []int16{8, 32256}},
		{"μ-law", WAVFormatMuLaw, 8, []byte{0xFF, 0x00}, []int16{0, -32124}},
		{"a trailing partial sample is dropped", WAVFormatPCM, 16, []byte{0x01, 0x00, 0x02}, []int16{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := DecodeWAV(riff(tt.format, tt.bits, tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(w.Samples, tt.want) {
				t.Errorf("samples %v, want %v", w.Samples, tt.want)
			}
		})
	}
}

// riff wraps raw sample bytes in a minimal mono 8 kHz header.
func riff(format uint16, bits int, raw []byte) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, format)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint32(b, SampleRate)
	b = binary.LittleEndian.AppendUint32(b, uint32(SampleRate*bits/8))
	b = binary.LittleEndian.AppendUint16(b, uint16(bits/8))
	b = binary.LittleEndian.AppendUint16(b, uint16(bits))
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(raw)))
	b = append(b, raw...)
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// FuzzDecodeWAV: arbitrary bytes decode or fail with an error that names
// the format; never a panic, and a decoded file is self-consistent.
func FuzzDecodeWAV(f *testing.F) {
	f.Add(riff(WAVFormatPCM, 16, []byte{1, 0, 2, 0}))
	f.Add(riff(WAVFormatPCM, 24, []byte{1, 2, 3}))
	f.Add(riff(WAVFormatMuLaw, 8, []byte{0xFF, 0x7F}))
	f.Add(riff(WAVFormatExtensible, 16, make([]byte, 8)))
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEdata\x04\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := DecodeWAV(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "wav: ") {
				t.Fatalf("error %q does not say it is about the WAV", err)
			}
			return
		}
		if w.Channels < 1 || w.Channels > maxWAVChannels || len(w.Samples)%w.Channels != 0 {
			t.Fatalf("%d channels, %d samples", w.Channels, len(w.Samples))
		}
		if len(w.Samples)*w.Bits/8 > len(data) {
			t.Fatalf("%d samples of %d bits from %d bytes", len(w.Samples), w.Bits, len(data))
		}
		if m := w.Mono(); len(m) != w.Frames() {
			t.Fatalf("mono mix of %d frames has %d samples", w.Frames(), len(m))
		}
	})
}

// A recording cut off mid-call (the process killed, Close never run) must
// still be a valid WAV file holding everything up to the last flush.
func TestWAVWriterHeaderValidWithoutClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cut.wav")
	w, err := CreateWAV(path, SampleRate, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer w.file.Close()
	frame := make([]int16, 2*FrameSamples)
	for f := range 125 { // 2.5 s: two whole seconds flushed, half a second buffered
		for i := range frame {
			frame[i] = int16(f*7 + i)
		}
		if err := w.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadWAVFile(path)
	if err != nil {
		t.Fatalf("a file cut off before Close does not read: %v", err)
	}
	if want := 2 * SampleRate * 2; len(got.Samples) != want {
		t.Fatalf("read %d samples before Close, want the %d flushed", len(got.Samples), want)
	}
	// the header is patched whole, in one write: every byte of it, not just
	// the sizes, must be the header of the audio flushed so far
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := wavHeader(SampleRate, 2, 2*SampleRate*2*2); !bytes.Equal(raw[:wavHeaderSize], want) {
		t.Fatalf("header after two flushes\n% x\nwant\n% x", raw[:wavHeaderSize], want)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, err = ReadWAVFile(path); err != nil || len(got.Samples) != 125*2*FrameSamples {
		t.Fatalf("after Flush: %d samples, err %v; want %d", len(got.Samples), err, 125*2*FrameSamples)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := st.Mode().Perm(); perm != 0o600 {
		t.Errorf("recording mode %v, want 0600 (personal data)", perm)
	}
}

// BenchmarkWAVWriterStereoFrame is one call's recorder frame: 20 ms of
// interleaved stereo appended to the buffer (a file write every 2 s).
func BenchmarkWAVWriterStereoFrame(b *testing.B) {
	f, err := os.CreateTemp(b.TempDir(), "bench-*.wav")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w, err := NewWAVWriter(f, 8000, 2)
	if err != nil {
		b.Fatal(err)
	}
	frame := make([]int16, 2*FrameSamples)
	for i := range frame {
		frame[i] = int16(i * 97)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(frame); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWAVWriteStereoMatchesInterleaved checks that WriteStereo writes the
// bytes Write writes for the same frames interleaved, and refuses what is
// not a stereo frame.
func TestWAVWriteStereoMatchesInterleaved(t *testing.T) {
	dir := t.TempDir()
	left, right := make([]int16, FrameSamples), make([]int16, FrameSamples)
	inter := make([]int16, 2*FrameSamples)
	for i := range left {
		left[i], right[i] = int16(i*331-20000), int16(-i*97+5)
		inter[2*i], inter[2*i+1] = left[i], right[i]
	}
	write := func(name string, f func(w *WAVWriter) error) []byte {
		path := filepath.Join(dir, name)
		w, err := CreateWAV(path, 8000, 2)
		if err != nil {
			t.Fatal(err)
		}
		for range 150 { // past one flush (2 s)
			if err := f(w); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := write("write.wav", func(w *WAVWriter) error { return w.Write(inter) })
	b := write("stereo.wav", func(w *WAVWriter) error { return w.WriteStereo(left, right) })
	if !bytes.Equal(a, b) {
		t.Fatalf("WriteStereo wrote %d bytes unlike Write's %d", len(b), len(a))
	}
	for _, c := range []struct {
		name        string
		channels    int
		left, right []int16
	}{
		{"mono stream", 1, left, right},
		{"160 left, 10 right", 2, left, right[:10]},
	} {
		w, err := CreateWAV(filepath.Join(dir, "bad.wav"), 8000, c.channels)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteStereo(c.left, c.right); err == nil {
			t.Errorf("%s: WriteStereo accepted it", c.name)
		}
		w.Close()
	}
}

// TestWAVWriteLongSliceSameBytes: a whole file's samples in one Write (as
// WriteWAVFile writes a call's first seconds) go out a buffer at a time; the
// file is byte for byte the one 20 ms writes make, and the canonical header
// plus the samples, for lengths around the buffer's edges.
func TestWAVWriteLongSliceSameBytes(t *testing.T) {
	for _, tc := range []struct {
		channels, n int
	}{
		{1, 0}, {1, 1}, {1, SampleRate - 1}, {1, SampleRate}, {1, 2 * SampleRate},
		{1, 2*SampleRate + 1}, {1, 5*SampleRate + 37}, {2, 2}, {2, 4 * SampleRate}, {2, 4*SampleRate + 6},
	} {
		samples := ramp(tc.n, 7)
		dir := t.TempDir()
		one := filepath.Join(dir, "one.wav")
		if err := WriteWAVFile(one, SampleRate, tc.channels, samples); err != nil {
			t.Fatal(err)
		}
		framed := filepath.Join(dir, "framed.wav")
		w, err := CreateWAV(framed, SampleRate, tc.channels)
		if err != nil {
			t.Fatal(err)
		}
		for rest := samples; len(rest) > 0; {
			part := rest[:min(len(rest), tc.channels*FrameSamples)]
			rest = rest[len(part):]
			if err := w.Write(part); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := wavHeader(SampleRate, tc.channels, uint32(2*tc.n))
		for _, s := range samples {
			want = binary.LittleEndian.AppendUint16(want, uint16(s))
		}
		for _, path := range []string{one, framed} {
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%d channels, %d samples: %s differs from the canonical file (%d bytes, want %d)", tc.channels, tc.n, filepath.Base(path), len(got), len(want))
			}
		}
	}
}

// BenchmarkWAVWriteFirstAudio is one call's first 5 s kept as a mono file
// (robot's first audio): one Write of the whole slice, then Close.
func BenchmarkWAVWriteFirstAudio(b *testing.B) {
	samples := ramp(5*SampleRate, 3)
	path := filepath.Join(b.TempDir(), "first.wav")
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteWAVFile(path, SampleRate, 1, samples); err != nil {
			b.Fatal(err)
		}
	}
}
