// Package testaudio makes 8 kHz mono 16-bit test audio for the asr tests: Russian speech from
// espeak-ng, real recorded prompts from Debian's asterisk-core-sounds-ru-wav (both converted
// with sox), and generated silence, white noise and tones, with helpers to mix and frame them.
// It is test support only (imported by _test.go files), never product code.
package testaudio

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Rate is the sample rate of everything this package produces.
const Rate = 8000

// AsteriskRU is where Debian's asterisk-core-sounds-ru-wav puts its real Russian voice prompts.
const AsteriskRU = "/usr/share/asterisk/sounds/ru_RU_f_IvrvoiceRU"

// Samples converts a duration to a sample count at Rate.
func Samples(d time.Duration) int { return int(d * Rate / time.Second) }

// Duration converts a sample count at Rate to a duration.
func Duration(n int) time.Duration { return time.Duration(n) * time.Second / Rate }

func need(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian packages espeak-ng and sox): %v", tool, err)
		}
	}
}

func toPCM(t testing.TB, raw []byte) []int16 {
	t.Helper()
	out := make([]int16, len(raw)/2)
	if err := binary.Read(bytes.NewReader(raw[:2*len(out)]), binary.LittleEndian, out); err != nil {
		t.Fatalf("testaudio: decode PCM: %v", err)
	}
	return out
}

// Speak synthesises Russian text with espeak-ng and resamples it to 8 kHz with sox.
func Speak(t testing.TB, text string) []int16 {
	t.Helper()
	need(t, "espeak-ng", "sox")
	wav, err := exec.Command("espeak-ng", "-v", "ru", "--stdout", text).Output()
	if err != nil {
		t.Fatalf("testaudio: espeak-ng %q: %v", text, err)
	}
	cmd := exec.Command("sox", "-t", "wav", "-", "-t", "raw", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-")
	cmd.Stdin = bytes.NewReader(wav)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("testaudio: sox resample: %v", err)
	}
	return toPCM(t, raw)
}

// LoadWAV reads any audio file sox understands as 8 kHz mono PCM; it skips the test when the
// file is absent (its Debian package is not installed).
func LoadWAV(t testing.TB, path string) []int16 {
	t.Helper()
	need(t, "sox")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s not available (Debian package asterisk-core-sounds-ru-wav): %v", path, err)
	}
	raw, err := exec.Command("sox", path, "-t", "raw", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", "-").Output()
	if err != nil {
		t.Fatalf("testaudio: sox %s: %v", path, err)
	}
	return toPCM(t, raw)
}

// Silence returns d of digital silence.
func Silence(d time.Duration) []int16 { return make([]int16, Samples(d)) }

func amplitude(dbfs float64) float64 { return 32768 * math.Pow(10, dbfs/20) }

// WhiteNoise returns d of Gaussian white noise with RMS level dbfs, reproducible from seed.
func WhiteNoise(d time.Duration, dbfs float64, seed uint64) []int16 {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	a := amplitude(dbfs)
	out := make([]int16, Samples(d))
	for i := range out {
		out[i] = clip(r.NormFloat64() * a)
	}
	return out
}

// Tone returns d of a sum of sines at freqs (Hz), each with RMS level dbfs.
func Tone(d time.Duration, dbfs float64, freqs ...float64) []int16 {
	a := amplitude(dbfs) * math.Sqrt2
	out := make([]int16, Samples(d))
	for i := range out {
		v := 0.0
		for _, f := range freqs {
			v += a * math.Sin(2*math.Pi*f*float64(i)/Rate)
		}
		out[i] = clip(v)
	}
	return out
}

// Level returns the RMS level of x in dBFS (-inf for digital silence).
func Level(x []int16) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return 10 * math.Log10(s/float64(len(x))/(32768*32768))
}

// Gain returns x scaled by db decibels.
func Gain(x []int16, db float64) []int16 {
	g := math.Pow(10, db/20)
	out := make([]int16, len(x))
	for i, v := range x {
		out[i] = clip(float64(v) * g)
	}
	return out
}

// Concat joins pieces.
func Concat(pieces ...[]int16) []int16 {
	var out []int16
	for _, p := range pieces {
		out = append(out, p...)
	}
	return out
}

// Mix returns base with add summed in starting at sample offset at (add is cut at base's end).
func Mix(base, add []int16, at int) []int16 {
	out := append([]int16(nil), base...)
	for i, v := range add {
		j := at + i
		if j < 0 {
			continue
		}
		if j >= len(out) {
			break
		}
		out[j] = clip(float64(out[j]) + float64(v))
	}
	return out
}

// Frames cuts x into frames of n samples; a short tail is dropped.
func Frames(x []int16, n int) [][]int16 {
	var out [][]int16
	for i := 0; i+n <= len(x); i += n {
		out = append(out, x[i:i+n])
	}
	return out
}

// SpeechBounds returns the first and last sample of x whose 10 ms window is above dbfs: the
// ground truth of where speech is in a clean recording.
func SpeechBounds(x []int16, dbfs float64) (first, last int) {
	const w = Rate / 100
	first, last = -1, -1
	for i := 0; i+w <= len(x); i += w {
		if Level(x[i:i+w]) > dbfs {
			if first < 0 {
				first = i
			}
			last = i + w
		}
	}
	return first, last
}

func clip(v float64) int16 {
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(v))
}
