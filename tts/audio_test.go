package tts

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/media"
)

// sine returns dur of a tone at freq Hz with peak amp.
func sine(freq float64, rate int, dur time.Duration, amp float64) []int16 {
	n := int(dur * time.Duration(rate) / time.Second)
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

// toneAmplitude estimates the peak amplitude of the freq component of pcm
// (Goertzel over the middle half, away from filter edge effects).
func toneAmplitude(pcm []int16, rate int, freq float64) float64 {
	pcm = pcm[len(pcm)/4 : 3*len(pcm)/4]
	w := 2 * math.Pi * freq / float64(rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, x := range pcm {
		s := float64(x) + coeff*s1 - s2
		s2, s1 = s1, s
	}
	power := s1*s1 + s2*s2 - coeff*s1*s2
	return 2 * math.Sqrt(math.Max(power, 0)) / float64(len(pcm))
}

func rms(pcm []int16) float64 {
	if len(pcm) == 0 {
		return 0
	}
	var sum float64
	for _, x := range pcm {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum / float64(len(pcm)))
}

func TestResample(t *testing.T) {
	tests := []struct {
		inRate int
		alias  float64 // a tone above 4 kHz that must not fold into the output; 0 = none
	}{
		{8000, 0},
		{6000, 0}, // upsampling
		{11025, 5000},
		{16000, 6000},
		{22050, 5000},
		{44100, 9000},
		{48000, 7000},
	}
	for _, tt := range tests {
		in := sine(1000, tt.inRate, time.Second, 10000)
		out := resample(in, tt.inRate, Rate)
		if want := Rate; len(out) < want-1 || len(out) > want+1 {
			t.Errorf("%d Hz: %d output samples, want %d±1", tt.inRate, len(out), want)
		}
		if a := toneAmplitude(out, Rate, 1000); math.Abs(a-10000) > 500 {
			t.Errorf("%d Hz: 1 kHz tone amplitude %.0f after resampling, want 10000±500", tt.inRate, a)
		}
		if tt.alias > 0 {
			hi := resample(sine(tt.alias, tt.inRate, time.Second, 10000), tt.inRate, Rate)
			if r := rms(hi[len(hi)/4 : 3*len(hi)/4]); r > 100 { // -40 dB of the 7071 RMS input
				t.Errorf("%d Hz: %.0f Hz tone leaks with RMS %.0f (want < 100, i.e. -40 dB)", tt.inRate, tt.alias, r)
			}
		}
		dc := make([]int16, tt.inRate/10)
		for i := range dc {
			dc[i] = 1000
		}
		outDC := resample(dc, tt.inRate, Rate)
		if v := outDC[len(outDC)/2]; v < 999 || v > 1001 {
			t.Errorf("%d Hz: DC 1000 became %d", tt.inRate, v)
		}
	}
}

// riffWAV builds a WAV file by hand so the tests can cover encodings the
// product never writes (8-bit, 24-bit, G.711, extensible, broken headers).
func riffWAV(format uint16, channels, rate, bits int, data []byte, extensibleSub uint16) []byte {
	var fmtChunk bytes.Buffer
	le := func(v any) { binary.Write(&fmtChunk, binary.LittleEndian, v) }
	le(format)
	le(uint16(channels))
	le(uint32(rate))
	le(uint32(rate * channels * bits / 8))
	le(uint16(channels * bits / 8))
	le(uint16(bits))
	if format == media.WAVFormatExtensible {
		le(uint16(22))
		le(uint16(bits))
		le(uint32(0))
		le(extensibleSub)
		fmtChunk.Write(make([]byte, 14)) // rest of the GUID
	}
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	w(uint32(4 + 8 + fmtChunk.Len() + 8 + len(data)))
	b.WriteString("WAVEfmt ")
	w(uint32(fmtChunk.Len()))
	b.Write(fmtChunk.Bytes())
	b.WriteString("data")
	w(uint32(len(data)))
	b.Write(data)
	return b.Bytes()
}

// interleave encodes left (and a silent right channel when stereo) with enc.
func interleave(left []int16, channels, bytesPer int, enc func(int16) []byte) []byte {
	var out []byte
	silent := enc(0)
	for _, s := range left {
		out = append(out, enc(s)...)
		for c := 1; c < channels; c++ {
			out = append(out, silent...)
		}
	}
	_ = bytesPer
	return out
}

func pcm16(s int16) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(s)) }
func pcm8(s int16) []byte  { return []byte{byte(int(s>>8) + 128)} }
func pcm24(s int16) []byte { v := int32(s) << 8; return []byte{byte(v), byte(v >> 8), byte(v >> 16)} }
func ulaw(s int16) []byte  { b := []byte{0}; media.PCMU.Encode(b, []int16{s}); return b }
func alaw(s int16) []byte  { b := []byte{0}; media.PCMA.Encode(b, []int16{s}); return b }

func TestLoadAudioFileWAV(t *testing.T) {
	tests := []struct {
		name      string
		format    uint16
		sub       uint16
		channels  int
		rate      int
		bits      int
		enc       func(int16) []byte
		tolerance float64
	}{
		{"pcm16-8k-mono", media.WAVFormatPCM, 0, 1, 8000, 16, pcm16, 0.02},
		{"pcm16-16k-mono", media.WAVFormatPCM, 0, 1, 16000, 16, pcm16, 0.05},
		{"pcm16-22k-stereo", media.WAVFormatPCM, 0, 2, 22050, 16, pcm16, 0.05},
		{"pcm16-44k-stereo", media.WAVFormatPCM, 0, 2, 44100, 16, pcm16, 0.05},
		{"pcm16-48k-mono", media.WAVFormatPCM, 0, 1, 48000, 16, pcm16, 0.05},
		{"pcm8-8k-mono", media.WAVFormatPCM, 0, 1, 8000, 8, pcm8, 0.05},
		{"pcm8-11k-stereo", media.WAVFormatPCM, 0, 2, 11025, 8, pcm8, 0.05},
		{"pcm24-48k-mono", media.WAVFormatPCM, 0, 1, 48000, 24, pcm24, 0.05},
		{"ulaw-8k-mono", media.WAVFormatMuLaw, 0, 1, 8000, 8, ulaw, 0.05},
		{"alaw-8k-mono", media.WAVFormatALaw, 0, 1, 8000, 8, alaw, 0.05},
		{"extensible-pcm16-16k", media.WAVFormatExtensible, media.WAVFormatPCM, 1, 16000, 16, pcm16, 0.05},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tone := sine(440, tt.rate, time.Second, 8000)
			data := riffWAV(tt.format, tt.channels, tt.rate, tt.bits, interleave(tone, tt.channels, tt.bits/8, tt.enc), tt.sub)
			path := filepath.Join(dir, tt.name+".wav")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			a, err := LoadAudioFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if a.Rate != Rate {
				t.Fatalf("rate %d, want %d", a.Rate, Rate)
			}
			if d := a.Duration(); d < 990*time.Millisecond || d > 1010*time.Millisecond {
				t.Errorf("duration %v, want 1 s", d)
			}
			want := 8000.0 / float64(tt.channels) // the right channel is silent
			if got := toneAmplitude(a.PCM, Rate, 440); math.Abs(got-want) > want*tt.tolerance {
				t.Errorf("440 Hz amplitude %.0f, want %.0f±%.0f%%", got, want, tt.tolerance*100)
			}
		})
	}
}

func TestLoadAudioFileMP3AndRealSpeech(t *testing.T) {
	tests := []struct {
		path     string
		duration time.Duration // espeak-ng phrase is 3.10 s; MP3 adds encoder padding
		tol      time.Duration
	}{
		{"testdata/phrase-16k-stereo.mp3", 3100 * time.Millisecond, 150 * time.Millisecond},
		{"testdata/phrase-44k-mono.mp3", 3100 * time.Millisecond, 150 * time.Millisecond},
		// Real human speech from Debian's asterisk-core-sounds-ru-wav.
		{"/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU/privacy-prompt.wav", 3376 * time.Millisecond, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		if _, err := os.Stat(tt.path); err != nil {
			t.Logf("skip %s: %v (install asterisk-core-sounds-ru-wav)", tt.path, err)
			continue
		}
		a, err := LoadAudioFile(tt.path)
		if err != nil {
			t.Errorf("%s: %v", tt.path, err)
			continue
		}
		if a.Rate != Rate {
			t.Errorf("%s: rate %d", tt.path, a.Rate)
		}
		if d := a.Duration(); d < tt.duration-tt.tol || d > tt.duration+tt.tol {
			t.Errorf("%s: duration %v, want %v±%v", tt.path, d, tt.duration, tt.tol)
		}
		if r := rms(a.PCM); r < 300 {
			t.Errorf("%s: RMS %.0f, want audible speech (≥ 300)", tt.path, r)
		}
	}
}

func TestLoadAudioFileErrors(t *testing.T) {
	good := riffWAV(media.WAVFormatPCM, 1, 8000, 16, interleave(sine(440, 8000, 100*time.Millisecond, 5000), 1, 2, pcm16), 0)
	hugeFmt := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(hugeFmt[16:20], 0xFFFFFFF0)
	dataFirst := append([]byte("RIFF\x24\x00\x00\x00WAVEdata\x04\x00\x00\x00\x01\x02\x03\x04"), good[12:]...)
	junkPastEnd := append(append([]byte(nil), good[:12]...), []byte("LIST\xff\xff\x00\x00abc")...)
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"empty.wav", nil, "empty file"},
		{"text.wav", []byte("hello, this is not audio"), "unknown audio format"},
		{"short.wav", []byte("RIFF\x00\x00"), "not a RIFF/WAVE file"},
		{"hugefmt.wav", hugeFmt, "fmt chunk at byte 12: bad size"},
		{"datafirst.wav", dataFirst, "data chunk at byte 12 before fmt chunk"},
		{"junk.wav", junkPastEnd, `chunk "LIST" at byte 12: size 65535 runs past the end`},
		{"nodata.wav", good[:36], "no data chunk"},
		{"float.wav", riffWAV(3, 1, 8000, 32, make([]byte, 400), 0), "unsupported encoding: format tag 3"},
		{"nochan.wav", riffWAV(media.WAVFormatPCM, 0, 8000, 16, make([]byte, 400), 0), "unsupported channel count 0"},
		{"norate.wav", riffWAV(media.WAVFormatPCM, 1, 0, 16, make([]byte, 400), 0), "unsupported sample rate 0 Hz"},
		{"12bit.wav", riffWAV(media.WAVFormatPCM, 1, 8000, 12, make([]byte, 400), 0), "12 bits per sample"},
		{"silent.wav", riffWAV(media.WAVFormatPCM, 1, 8000, 16, nil, 0), "no audio samples"},
		{"garbage.mp3", append([]byte("ID3\x03\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0x12, 0x34}, 500)...), "mp3:"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadAudioFile(path)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: error %q, want it to name the file and contain %q", tt.name, err, tt.wantErr)
		}
	}
	if _, err := LoadAudioFile(filepath.Join(dir, "missing.wav")); err == nil || !strings.Contains(err.Error(), "missing.wav") {
		t.Errorf("missing file: error %v, want one naming the file", err)
	}
}

func FuzzDecodeAudio(f *testing.F) {
	f.Add(riffWAV(media.WAVFormatPCM, 2, 22050, 16, make([]byte, 64), 0), ".wav")
	f.Add(riffWAV(media.WAVFormatMuLaw, 1, 8000, 8, make([]byte, 64), 0), ".wav")
	f.Add(riffWAV(media.WAVFormatExtensible, 1, 16000, 16, make([]byte, 64), media.WAVFormatPCM), ".wav")
	if mp3, err := os.ReadFile("testdata/phrase-16k-stereo.mp3"); err == nil {
		f.Add(mp3[:2000], ".mp3")
	}
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		a, err := DecodeAudio(data, ext)
		if err == nil && a.Rate != Rate {
			t.Fatalf("decoded at %d Hz", a.Rate)
		}
	})
}

func BenchmarkResample22050To8000(b *testing.B) {
	in := sine(440, 22050, 5*time.Second, 8000)
	b.SetBytes(int64(len(in) * 2))
	for b.Loop() {
		resample(in, 22050, Rate)
	}
}

func TestDecodeStreamedWAV(t *testing.T) {
	tone := sine(440, 16000, 500*time.Millisecond, 6000)
	good := riffWAV(media.WAVFormatPCM, 1, 16000, 16, interleave(tone, 1, 2, pcm16), 0)
	tests := []struct {
		name           string
		riffSize, size uint32
	}{
		{"espeak-ng --stdout placeholder", 0x7ffff024, 0x7ffff000},
		{"text2wave -o - placeholder", 36, 0},
	}
	for _, tt := range tests {
		data := bytes.Clone(good)
		binary.LittleEndian.PutUint32(data[4:8], tt.riffSize)
		binary.LittleEndian.PutUint32(data[40:44], tt.size)
		orig := bytes.Clone(data)
		a, err := DecodeAudio(data, "")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if d := a.Duration(); d != 500*time.Millisecond {
			t.Errorf("%s: duration %v, want 500ms", tt.name, d)
		}
		if !bytes.Equal(data, orig) {
			t.Errorf("%s: DecodeAudio modified its input", tt.name)
		}
	}
}

// BenchmarkLoadAudioFile: decoding a recorded 3 s phrase to 8 kHz.
func BenchmarkLoadAudioFile(b *testing.B) {
	for _, path := range []string{"testdata/phrase-44k-mono.mp3", "testdata/phrase-16k-stereo.mp3"} {
		b.Run(filepath.Base(path), func(b *testing.B) {
			for b.Loop() {
				if _, err := LoadAudioFile(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestAudioFilesReloadsChangedFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "prompt.wav")
	write := func(dur time.Duration, mod time.Time) {
		t.Helper()
		data := riffWAV(media.WAVFormatPCM, 1, 8000, 16, interleave(sine(440, 8000, dur, 5000), 1, 2, pcm16), 0)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	files := NewAudioFiles()
	t0 := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	write(time.Second, t0)
	a, err := files.Load(path)
	if err != nil || a.Duration() != time.Second {
		t.Fatalf("first load: %v, %v", err, a.Duration())
	}
	a.PCM[100] = 31000 // the caller owns its copy
	b, err := files.Load(path)
	if err != nil || b.PCM[100] == 31000 {
		t.Fatalf("second load: %v; caller's change leaked into the store: %v", err, b.PCM[100] == 31000)
	}
	write(2*time.Second, t0.Add(time.Minute))
	c, err := files.Load(path)
	if err != nil || c.Duration() != 2*time.Second {
		t.Fatalf("after the file changed: %v, duration %v, want 2s", err, c.Duration())
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := files.Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("removed file: error %v, want one naming the file", err)
	}
}

// BenchmarkAudioFilesLoad: a recorded MP3 phrase served from memory.
func BenchmarkAudioFilesLoad(b *testing.B) {
	files := NewAudioFiles()
	for b.Loop() {
		if _, err := files.Load("testdata/phrase-44k-mono.mp3"); err != nil {
			b.Fatal(err)
		}
	}
}
