package tts

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingSynthesizer counts the calls that reach the wrapped synthesizer.
type countingSynthesizer struct {
	next  Synthesizer
	calls atomic.Int64
}

func (c *countingSynthesizer) Synthesize(ctx context.Context, text string) (Audio, error) {
	c.calls.Add(1)
	return c.next.Synthesize(ctx, text)
}

// gatedSynthesizer returns a fixed tone for any text once release is closed.
type gatedSynthesizer struct {
	release chan struct{}
	started chan struct{} // receives once per call
}

func (g *gatedSynthesizer) Synthesize(ctx context.Context, text string) (Audio, error) {
	select {
	case g.started <- struct{}{}:
	default:
	}
	<-g.release
	return Audio{PCM: sine(440, Rate, 200*time.Millisecond, 3000), Rate: Rate}, nil
}

// failingSynthesizer always fails.
type failingSynthesizer struct{}

func (failingSynthesizer) Synthesize(context.Context, string) (Audio, error) {
	return Audio{}, errors.New("engine exploded")
}

func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	var tmp []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			tmp = append(tmp, p)
		}
		return nil
	})
	return tmp
}

func TestCacheHitWithRealEngine(t *testing.T) {
	engine := newEngine(t, EngineEspeak)
	counting := &countingSynthesizer{next: engine}
	dir := t.TempDir()
	c := NewCache(dir, counting, engine.Key())
	ctx := context.Background()

	first, err := c.Synthesize(ctx, typicalPhrase)
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Synthesize(ctx, typicalPhrase)
	if err != nil {
		t.Fatal(err)
	}
	if n := counting.calls.Load(); n != 1 {
		t.Errorf("engine ran %d times for the same phrase, want 1", n)
	}
	if second.Rate != Rate || !slices.Equal(first.PCM, second.PCM) {
		t.Error("cache hit returned different samples than the synthesis")
	}
	// The stored file is an ordinary 8 kHz WAV with the same samples.
	path := c.(*Cache).Path(typicalPhrase)
	fromDisk, err := LoadAudioFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fromDisk.PCM, first.PCM) {
		t.Error("the WAV on disk does not hold the synthesised samples")
	}
	if tmp := tmpFiles(t, dir); len(tmp) > 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
	// Another voice key is another entry.
	other := NewCache(dir, counting, engine.Key()+"/slower")
	if _, err := other.Synthesize(ctx, typicalPhrase); err != nil {
		t.Fatal(err)
	}
	if n := counting.calls.Load(); n != 2 {
		t.Errorf("engine ran %d times after a key change, want 2", n)
	}
}

func TestCacheConcurrentCallersShareOneSynthesis(t *testing.T) {
	gate := &gatedSynthesizer{release: make(chan struct{}), started: make(chan struct{}, 1)}
	counting := &countingSynthesizer{next: gate}
	c := NewCache(t.TempDir(), counting, "gated")
	const callers = 200
	results := make([]Audio, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { results[i], errs[i] = c.Synthesize(context.Background(), "одна и та же фраза") })
	}
	<-gate.started // at least one synthesis is in flight
	close(gate.release)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !slices.Equal(results[i].PCM, results[0].PCM) {
			t.Fatalf("caller %d got different audio", i)
		}
	}
	// Whether a caller joined the synthesis in flight or read the stored
	// file afterwards, the engine ran once.
	if n := counting.calls.Load(); n != 1 {
		t.Errorf("engine ran %d times for %d concurrent callers, want 1", n, callers)
	}
	// Callers own their samples: changing one result leaves the others.
	results[0].PCM[0] = 12345
	if results[1].PCM[0] == 12345 {
		t.Error("callers share one PCM slice")
	}
}

func TestCacheCallerCancelDoesNotLoseTheSynthesis(t *testing.T) {
	gate := &gatedSynthesizer{release: make(chan struct{}), started: make(chan struct{}, 1)}
	counting := &countingSynthesizer{next: gate}
	c := NewCache(t.TempDir(), counting, "gated")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Synthesize(ctx, "фраза")
		done <- err
	}()
	<-gate.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled caller got %v, want context.Canceled", err)
	}
	close(gate.release)
	a, err := c.Synthesize(context.Background(), "фраза")
	if err != nil || len(a.PCM) == 0 {
		t.Fatalf("next caller: %v, %d samples", err, len(a.PCM))
	}
	if n := counting.calls.Load(); n != 1 {
		t.Errorf("engine ran %d times, want 1: the cancelled caller's synthesis was lost", n)
	}
}

func TestCacheRepairsCorruptFile(t *testing.T) {
	gate := &gatedSynthesizer{release: make(chan struct{}), started: make(chan struct{}, 1)}
	close(gate.release)
	counting := &countingSynthesizer{next: gate}
	var logs bytes.Buffer
	c := NewCache(t.TempDir(), counting, "k", WithCacheLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	path := c.(*Cache).Path("фраза")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("RIFF garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Synthesize(context.Background(), "фраза"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Synthesize(context.Background(), "фраза"); err != nil {
		t.Fatal(err)
	}
	if n := counting.calls.Load(); n != 1 {
		t.Errorf("engine ran %d times, want 1 (re-synthesis of the corrupt file, then hits)", n)
	}
	if !strings.Contains(logs.String(), "bad cache file") {
		t.Errorf("corrupt file not logged: %q", logs.String())
	}
}

func TestCacheUnwritableDirStillSpeaks(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	gate := &gatedSynthesizer{release: make(chan struct{}), started: make(chan struct{}, 1)}
	close(gate.release)
	var logs bytes.Buffer
	c := NewCache(filepath.Join(blocker, "cache"), gate, "k", WithCacheLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	a, err := c.Synthesize(context.Background(), "фраза")
	if err != nil || len(a.PCM) == 0 {
		t.Fatalf("got %v, %d samples; want the audio despite the cache failure", err, len(a.PCM))
	}
	if !strings.Contains(logs.String(), "phrase not stored") {
		t.Errorf("write failure not logged: %q", logs.String())
	}
}

func TestCacheDoesNotStoreErrors(t *testing.T) {
	counting := &countingSynthesizer{next: failingSynthesizer{}}
	dir := t.TempDir()
	c := NewCache(dir, counting, "k")
	for range 2 {
		if _, err := c.Synthesize(context.Background(), "фраза"); err == nil || !strings.Contains(err.Error(), "engine exploded") {
			t.Fatalf("error %v, want the engine's", err)
		}
	}
	if n := counting.calls.Load(); n != 2 {
		t.Errorf("engine ran %d times, want 2 (failures are not cached)", n)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("cache dir has %d entries after failures", len(entries))
	}
}

// BenchmarkSynthesizeCacheHit: a stored 10-word phrase read back from disk
// (file read + WAV parse), the path most prompts take during calls.
func BenchmarkSynthesizeCacheHit(b *testing.B) {
	engine := newEngine(b, EngineEspeak)
	c := NewCache(b.TempDir(), engine, engine.Key())
	ctx := context.Background()
	if _, err := c.Synthesize(ctx, typicalPhrase); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Synthesize(ctx, typicalPhrase); err != nil {
			b.Fatal(err)
		}
	}
}
