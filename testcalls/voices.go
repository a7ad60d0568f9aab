package testcalls

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/tts"
)

// VoiceSpec is a simulated caller's voice: a TTS engine and its rate
// (espeak-ng: words per minute; festival: duration stretch, 1 = normal).
type VoiceSpec struct {
	Engine string
	Rate   float64
}

func (v VoiceSpec) String() string {
	if v.Rate == 0 {
		return v.Engine
	}
	return v.Engine + "@" + strconv.FormatFloat(v.Rate, 'f', -1, 64)
}

// ParseVoice reads "espeak-ng", "espeak-ng@190", "festival@1.2".
func ParseVoice(s string) (VoiceSpec, error) {
	engine, rate, hasRate := strings.Cut(strings.TrimSpace(s), "@")
	v := VoiceSpec{Engine: engine}
	switch engine {
	case tts.EngineEspeak, tts.EngineFestival:
	default:
		return v, fmt.Errorf("voice %q: want %s or %s, optionally @rate", s, tts.EngineEspeak, tts.EngineFestival)
	}
	if !hasRate {
		return v, nil
	}
	r, err := strconv.ParseFloat(rate, 64)
	ok := err == nil && ((engine == tts.EngineEspeak && r >= 80 && r <= 450) || (engine == tts.EngineFestival && r >= 0.5 && r <= 2))
	if !ok {
		return v, fmt.Errorf("voice %q: rate %q: espeak-ng takes 80–450 words per minute, festival a stretch of 0.5–2", s, rate)
	}
	v.Rate = r
	return v, nil
}

// rotation is the voices cases are spread over when they name none: each
// engine at a slow, a normal and a fast rate.
var rotation = []VoiceSpec{
	{tts.EngineEspeak, 150}, {tts.EngineFestival, 1}, {tts.EngineEspeak, 125},
	{tts.EngineFestival, 1.2}, {tts.EngineEspeak, 185}, {tts.EngineFestival, 0.9},
}

// synthTimeout is generous: synthesis runs before the calls, and a loaded
// machine makes festival slow, not wrong.
const synthTimeout = 3 * time.Minute

// CallerVoices makes the simulated callers' voices, each kept in a disk
// cache so a re-run synthesises nothing. Engines that are not installed
// (festival is optional) drop out of the rotation.
type CallerVoices struct {
	dir      string
	mu       sync.Mutex
	made     map[VoiceSpec]Synthesizer
	rotation []VoiceSpec
}

// NewCallerVoices keeps synthesised speech under cacheDir.
func NewCallerVoices(cacheDir string) *CallerVoices {
	cv := &CallerVoices{dir: cacheDir, made: map[VoiceSpec]Synthesizer{}}
	for _, v := range rotation {
		if installed(v.Engine) {
			cv.rotation = append(cv.rotation, v)
		}
	}
	return cv
}

func installed(engine string) bool {
	bin := "espeak-ng"
	if engine == tts.EngineFestival {
		bin = "text2wave"
	}
	_, err := exec.LookPath(bin)
	return err == nil
}

// Pick is the voice of a case: its own when it names one, else one of the
// rotation chosen by the case's name, so a case always speaks alike.
func (cv *CallerVoices) Pick(c *Case) (VoiceSpec, error) {
	if c.Audio.Voice != "" {
		return ParseVoice(c.Audio.Voice)
	}
	if len(cv.rotation) == 0 {
		return VoiceSpec{}, fmt.Errorf("caller voices: no TTS engine installed (espeak-ng or festival: tools/setup-debian.sh)")
	}
	h := fnv.New32a()
	h.Write([]byte(c.Name))
	return cv.rotation[h.Sum32()%uint32(len(cv.rotation))], nil
}

// Voice returns the synthesizer for v.
func (cv *CallerVoices) Voice(v VoiceSpec) (Synthesizer, error) {
	cv.mu.Lock()
	defer cv.mu.Unlock()
	if s, ok := cv.made[v]; ok {
		return s, nil
	}
	var (
		voice tts.Voice
		err   error
	)
	switch v.Engine {
	case tts.EngineEspeak:
		voice, err = tts.NewEspeak(tts.EspeakOptions{Speed: int(v.Rate), Timeout: synthTimeout})
	case tts.EngineFestival:
		voice, err = tts.NewFestival(tts.FestivalOptions{Stretch: v.Rate, Timeout: synthTimeout})
	default:
		err = fmt.Errorf("unknown engine %q", v.Engine)
	}
	if err != nil {
		return nil, fmt.Errorf("caller voice %s: %w", v, err)
	}
	s := tts.NewCache(cv.dir, voice, voice.Key())
	cv.made[v] = s
	return s, nil
}

// AddNoise returns pcm with white noise at snrDB below the speech's level
// (measured over its loud frames), seeded so the same text gets the same
// noise. snrDB ≤ 0 returns pcm unchanged.
func AddNoise(pcm []int16, snrDB float64, seed string) []int16 {
	if snrDB <= 0 || len(pcm) == 0 {
		return pcm
	}
	first, last := speechSpan(pcm)
	if last <= first {
		first, last = 0, len(pcm)
	}
	var sum float64
	for _, v := range pcm[first:last] {
		sum += float64(v) * float64(v)
	}
	rms := math.Sqrt(sum / float64(last-first))
	sigma := rms / math.Pow(10, snrDB/20)
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(snrDB*1000)))
	out := make([]int16, len(pcm))
	for i, v := range pcm {
		x := float64(v) + rng.NormFloat64()*sigma
		out[i] = int16(max(math.MinInt16, min(math.MaxInt16, x)))
	}
	return out
}

// noisy is a voice with line noise on everything it says.
type noisy struct {
	Synthesizer
	snrDB float64
}

func (n noisy) Synthesize(ctx context.Context, text string) (tts.Audio, error) {
	a, err := n.Synthesizer.Synthesize(ctx, text)
	if err != nil {
		return a, err
	}
	a.PCM = AddNoise(a.PCM, n.snrDB, text)
	return a, nil
}

// WithNoise is voice with white line noise at snrDB (≤ 0: voice itself).
func WithNoise(voice Synthesizer, snrDB float64) Synthesizer {
	if snrDB <= 0 {
		return voice
	}
	return noisy{Synthesizer: voice, snrDB: snrDB}
}
