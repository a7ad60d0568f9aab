package tts

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// maxCachedSamples bounds the memory AudioFiles keeps: 64 Mi samples is
// 128 MiB, about 2.3 hours of 8 kHz prompts. Files beyond it are decoded on
// every load instead of kept.
const maxCachedSamples = 64 << 20

// AudioFiles loads recorded phrases (LoadAudioFile) once and keeps them
// decoded in memory: decoding a 3 s MP3 costs ~15–35 ms of CPU, too much to
// repeat for every prompt of hundreds of concurrent calls. A file that
// changes on disk (size or modification time) is decoded again. Safe for
// concurrent use.
type AudioFiles struct {
	mu      sync.Mutex
	entries map[string]audioEntry
	samples int // total cached samples
	flight  singleflight.Group
}

type audioEntry struct {
	a    Audio
	size int64
	mod  time.Time
}

// NewAudioFiles returns an empty in-memory store of recorded phrases.
func NewAudioFiles() *AudioFiles {
	return &AudioFiles{entries: map[string]audioEntry{}}
}

// Load returns the 8 kHz mono audio of a recorded phrase file. The caller
// owns the returned samples.
func (f *AudioFiles) Load(path string) (Audio, error) {
	key := filepath.Clean(path)
	st, err := os.Stat(key)
	if err != nil {
		return Audio{}, fmt.Errorf("tts: load audio %s: %w", path, err)
	}
	f.mu.Lock()
	e, ok := f.entries[key]
	f.mu.Unlock()
	if ok && e.size == st.Size() && e.mod.Equal(st.ModTime()) {
		return copyAudio(e.a), nil
	}
	v, err, _ := f.flight.Do(key, func() (any, error) {
		a, err := LoadAudioFile(path)
		if err != nil {
			return Audio{}, err
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		old := f.entries[key]
		if f.samples-len(old.a.PCM)+len(a.PCM) <= maxCachedSamples {
			f.samples += len(a.PCM) - len(old.a.PCM)
			f.entries[key] = audioEntry{a: a, size: st.Size(), mod: st.ModTime()}
		}
		return a, nil
	})
	if err != nil {
		return Audio{}, err
	}
	return copyAudio(v.(Audio)), nil
}

func copyAudio(a Audio) Audio {
	a.PCM = append([]int16(nil), a.PCM...)
	return a
}
