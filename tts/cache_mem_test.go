package tts

import (
	"context"
	"os"
	"path/filepath"
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
