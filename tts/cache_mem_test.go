package tts

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// countingVoice is a test double synthesizer that returns n samples of
// value v and counts its invocations.
type countingVoice struct{ calls int }

func (c *countingVoice) Synthesize(ctx context.Context, text string) (Audio, error) {
	c.calls++
	return Audio{PCM: make([]int16, 8000), Rate: Rate}, nil
}

func TestCacheServesFromMemoryAndEvicts(t *testing.T) {
	dir := t.TempDir()
	v := &countingVoice{}
	c := NewCache(dir, v, "test").(*Cache)
	c.memMax = 16000 // two phrases
	ctx := context.Background()
	if _, err := c.Synthesize(ctx, "раз"); err != nil {
		t.Fatal(err)
	}
	// remove the disk copy: a memory hit must not need it
	if err := os.RemoveAll(filepath.Join(dir)); err != nil {
		t.Fatal(err)
	}
	a, err := c.Synthesize(ctx, "раз")
	if err != nil || len(a.PCM) != 8000 || v.calls != 1 {
		t.Fatalf("memory hit: %d samples, %d engine calls, err %v", len(a.PCM), v.calls, err)
	}
	a.PCM[0] = 42 // a caller scribbling on its copy must not change the cache
	if b, _ := c.Synthesize(ctx, "раз"); b.PCM[0] != 0 {
		t.Fatal("cached audio was modified through a returned slice")
	}
	for _, w := range []string{"два", "три"} {
		if _, err := c.Synthesize(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := c.memGet(c.Path("раз")); ok {
		t.Fatal("oldest phrase was not evicted past the memory bound")
	}
	if c.memSamples > c.memMax {
		t.Fatalf("memory holds %d samples, bound %d", c.memSamples, c.memMax)
	}
}

// TestCacheSharedServesOneCopy: SynthesizeShared hands every caller the
// cache's own samples — no copy — with the capacity cut at the length, so
// an append cannot reach them; Synthesize still hands out copies, and both
// carry the same audio, from memory, from disk and from the engine.
func TestCacheSharedServesOneCopy(t *testing.T) {
	ctx := context.Background()
	for _, from := range []string{"engine", "disk", "memory"} {
		t.Run(from, func(t *testing.T) {
			dir := t.TempDir()
			v := &countingVoice{}
			c := NewCache(dir, v, "test").(*Cache)
			if from != "engine" {
				if _, err := c.Synthesize(ctx, "раз"); err != nil {
					t.Fatal(err)
				}
			}
			if from == "disk" {
				c.mem = map[string][]int16{}
				c.memOrder, c.memSamples = nil, 0
			}
			a, err := c.SynthesizeShared(ctx, "раз")
			if err != nil || len(a.PCM) != 8000 || a.Rate != Rate {
				t.Fatalf("shared: %d samples at %d Hz, err %v", len(a.PCM), a.Rate, err)
			}
			if cap(a.PCM) != len(a.PCM) {
				t.Fatalf("shared audio has capacity %d past its %d samples", cap(a.PCM), len(a.PCM))
			}
			b, err := c.SynthesizeShared(ctx, "раз")
			if err != nil || &b.PCM[0] != &a.PCM[0] {
				t.Fatalf("second shared caller got another copy (err %v)", err)
			}
			own, err := c.Synthesize(ctx, "раз")
			if err != nil || &own.PCM[0] == &a.PCM[0] {
				t.Fatalf("Synthesize handed out the shared samples (err %v)", err)
			}
			if !slices.Equal(own.PCM, a.PCM) {
				t.Fatal("shared and copied audio differ")
			}
			if v.calls != 1 {
				t.Fatalf("%d engine calls, want 1", v.calls)
			}
		})
	}
}

// BenchmarkCacheMemoryHit: a 4 s prompt served from memory, as every call
// of a campaign asks for it — copied (Synthesize) or shared.
func BenchmarkCacheMemoryHit(b *testing.B) {
	ctx := context.Background()
	c := NewCache(b.TempDir(), promptVoice{}, "bench").(*Cache)
	if _, err := c.Synthesize(ctx, "раз"); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		fn   func(context.Context, string) (Audio, error)
	}{{"copy", c.Synthesize}, {"shared", c.SynthesizeShared}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.fn(ctx, "раз"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// promptVoice is a test double: 4 s of a nonzero prompt.
type promptVoice struct{}

func (promptVoice) Synthesize(context.Context, string) (Audio, error) {
	pcm := make([]int16, 4*Rate)
	for i := range pcm {
		pcm[i] = int16(i % 1000)
	}
	return Audio{PCM: pcm, Rate: Rate}, nil
}
