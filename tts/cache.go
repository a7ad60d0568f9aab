package tts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/dozvon/dozvon/media"
	"golang.org/x/sync/singleflight"
)

// Cache is a Synthesizer that keeps every phrase it has synthesised as an
// 8 kHz 16-bit mono WAV file under a directory, so a phrase is synthesised
// once per voice and then read back. It is safe for concurrent use; callers
// asking for the same phrase at the same time share one synthesis.
type Cache struct {
	dir    string
	next   Synthesizer
	key    string
	log    *slog.Logger
	flight singleflight.Group

	// A bounded in-memory copy of recently used phrases: at hundreds of calls
	// the same prompts are played over and over, and reading and decoding
	// the WAV each time was a third of the robot's allocations (bench calls
	// profile). Evicted oldest-first when memMax samples are exceeded.
	memMu      sync.Mutex
	mem        map[string][]int16
	memOrder   []string
	memSamples int
	memMax     int
}

// memMaxSamples bounds the in-memory copies: 16 M samples ≈ 35 min of
// 8 kHz audio, 32 MiB.
const memMaxSamples = 16 << 20

func (c *Cache) memGet(path string) ([]int16, bool) {
	c.memMu.Lock()
	defer c.memMu.Unlock()
	pcm, ok := c.mem[path]
	return pcm, ok
}

// memPut keeps pcm (copied unless own: the caller gives it up) and returns
// the kept slice, or pcm itself when it is not kept.
func (c *Cache) memPut(path string, pcm []int16, own bool) []int16 {
	c.memMu.Lock()
	defer c.memMu.Unlock()
	if kept, ok := c.mem[path]; ok {
		return kept
	}
	if len(pcm) > c.memMax {
		return pcm
	}
	if !own {
		pcm = append([]int16(nil), pcm...)
	}
	c.mem[path] = pcm
	c.memOrder = append(c.memOrder, path)
	c.memSamples += len(pcm)
	for c.memSamples > c.memMax && len(c.memOrder) > 0 {
		old := c.memOrder[0]
		c.memOrder = c.memOrder[1:]
		c.memSamples -= len(c.mem[old])
		delete(c.mem, old)
	}
	return pcm
}

// CacheOption configures NewCache.
type CacheOption func(*Cache)

// WithCacheLogger sets where the cache reports files it could not write or
// read (the phrase is still returned); default slog.Default().
func WithCacheLogger(l *slog.Logger) CacheOption {
	return func(c *Cache) { c.log = l }
}

// NewCache wraps s with an on-disk cache in dir (created on first write).
// key must identify everything that changes the sound besides the text —
// engine, voice, speed; Voice.Key() is made for it. Files are named by the
// SHA-256 of key and text, written to a temporary file and renamed into
// place, so a reader never sees half a file and concurrent processes may
// share dir.
func NewCache(dir string, s Synthesizer, key string, opts ...CacheOption) Synthesizer {
	c := &Cache{dir: dir, next: s, key: key, log: slog.Default(), mem: map[string][]int16{}, memMax: memMaxSamples}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Path is the file that holds (or would hold) text's audio.
func (c *Cache) Path(text string) string {
	h := sha256.New()
	h.Write([]byte(c.key))
	h.Write([]byte{0})
	h.Write([]byte(text))
	name := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.dir, name[:2], name+".wav")
}

// Synthesize returns the cached audio for text, synthesising and storing it
// on a miss. Each caller gets its own copy, free to modify.
func (c *Cache) Synthesize(ctx context.Context, text string) (Audio, error) {
	return c.synthesize(ctx, text, false)
}

// SynthesizeShared is Synthesize without the copy: the audio returned may be
// the cache's own, shared with every other caller of the phrase, so the
// caller must only read it (its capacity ends at its length, so an append
// copies). Playing a prompt only reads it (telephony.Call.Play), and
// copying every prompt per call was 2 % of the robot's CPU at 300 calls
// (bench calls --full profile).
func (c *Cache) SynthesizeShared(ctx context.Context, text string) (Audio, error) {
	return c.synthesize(ctx, text, true)
}

func (c *Cache) synthesize(ctx context.Context, text string, shared bool) (Audio, error) {
	path := c.Path(text)
	if pcm, ok := c.memGet(path); ok {
		if shared {
			return Audio{PCM: pcm[:len(pcm):len(pcm)], Rate: Rate}, nil
		}
		return Audio{PCM: append([]int16(nil), pcm...), Rate: Rate}, nil
	}
	if a, ok := c.read(path); ok {
		// a is this caller's alone: kept as it is for a shared caller
		kept := c.memPut(path, a.PCM, shared)
		if shared {
			a.PCM = kept[:len(kept):len(kept)]
		}
		return a, nil
	}
	// DoChan so that a caller whose ctx ends stops waiting. The shared
	// synthesis is detached from that caller's cancellation (the engines
	// bound each process with their own timeout): other callers may be
	// waiting for it, and a finished phrase is stored for the next call.
	detached := context.WithoutCancel(ctx)
	ch := c.flight.DoChan(path, func() (any, error) {
		if a, ok := c.read(path); ok { // filled while we were queued
			return a, nil
		}
		a, err := c.next.Synthesize(detached, text)
		if err != nil {
			return Audio{}, err
		}
		if err := c.write(path, a); err != nil {
			c.log.Warn("tts cache: phrase not stored", "path", path, "err", err)
		}
		// the engine's samples become the cache's own; every caller of
		// Synthesize copies them below
		a.PCM = c.memPut(path, a.PCM, true)
		return a, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return Audio{}, r.Err
		}
		a := r.Val.(Audio)
		if shared {
			a.PCM = a.PCM[:len(a.PCM):len(a.PCM)]
		} else {
			// Each caller of Synthesize gets its own slice: audio is
			// often mixed or trimmed in place by its callers.
			a.PCM = append([]int16(nil), a.PCM...)
		}
		return a, nil
	case <-ctx.Done():
		return Audio{}, fmt.Errorf("tts: cache synthesize: %w", ctx.Err())
	}
}

// read loads a cached file; a missing file is a plain miss, an unreadable
// or corrupt one is logged and treated as a miss (it will be overwritten).
func (c *Cache) read(path string) (Audio, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.log.Warn("tts cache: read failed", "path", path, "err", err)
		}
		return Audio{}, false
	}
	pcm, rate, err := decodeWAV(data)
	if err != nil || rate != Rate {
		c.log.Warn("tts cache: bad cache file, synthesising again", "path", path, "err", err, "rate", rate)
		return Audio{}, false
	}
	return Audio{PCM: pcm, Rate: Rate}, true
}

func (c *Cache) write(path string, a Audio) error {
	if a.Rate != Rate {
		return fmt.Errorf("audio at %d Hz, want %d", a.Rate, Rate)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.wav")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := media.WriteWAV(tmp, a.Rate, 1, a.PCM); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SharedSynthesizer is a Synthesizer that can also hand out audio without
// a copy, for callers that only read it.
type SharedSynthesizer interface {
	Synthesizer
	SynthesizeShared(ctx context.Context, text string) (Audio, error)
}

// compile-time check
var _ SharedSynthesizer = (*Cache)(nil)
