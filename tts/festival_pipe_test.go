package tts

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func newPersistentFestival(t testing.TB) *Festival {
	t.Helper()
	if _, err := exec.LookPath("festival"); err != nil {
		t.Skipf("festival not installed (apt-get install festival festvox-ru): %v", err)
	}
	f, err := NewFestival(FestivalOptions{Persistent: true, MaxProcs: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestFestivalPersistentSpeaks(t *testing.T) {
	f := newPersistentFestival(t)
	ctx := context.Background()
	for _, p := range []string{typicalPhrase, "Перезвоню в 10:30", "ООО «Ромашка»", `Кавычки "внутри" и \ слэш`} {
		a, err := f.Synthesize(ctx, p)
		if err != nil {
			t.Errorf("%q: %v", p, err)
			continue
		}
		checkPlausible(t, "festival --pipe", p, a, 0)
	}
	first, err := f.Synthesize(ctx, "з+амок")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.Synthesize(ctx, "зам+ок")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Equal(first.PCM, second.PCM) {
		t.Error("з+амок and зам+ок sound the same in pipe mode")
	}
}

func TestFestivalPersistentRecovers(t *testing.T) {
	f := newPersistentFestival(t)
	ctx := context.Background()
	want, err := f.Synthesize(ctx, "проверка связи")
	if err != nil {
		t.Fatal(err)
	}

	// The worker dies between calls: the next call starts a new one.
	w := <-f.pool.idle
	if w == nil {
		t.Fatal("no live worker after a successful call")
	}
	w.cmd.Process.Kill()
	<-w.exit
	f.pool.idle <- w
	got, err := f.Synthesize(ctx, "проверка связи")
	if err != nil {
		t.Fatalf("after the worker died: %v", err)
	}
	if !slices.Equal(got.PCM, want.PCM) {
		t.Error("a fresh worker speaks differently")
	}

	// A cancelled call kills its worker; the next call works.
	cctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	if _, err := f.Synthesize(cctx, strings.Repeat("очень длинная фраза, ", 50)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled call: %v, want context.DeadlineExceeded", err)
	}
	if _, err := f.Synthesize(ctx, "проверка связи"); err != nil {
		t.Fatalf("after a cancelled call: %v", err)
	}

	// After Close the processes are gone and calls fail.
	w = <-f.pool.idle
	f.pool.idle <- w
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if w != nil && w.alive() {
		t.Error("worker still running after Close")
	}
	if _, err := f.Synthesize(ctx, "проверка"); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("after Close: %v, want a closed error", err)
	}
}

// BenchmarkSynthesizeFestivalPersistent: the 10-word phrase through a warm
// festival --pipe worker.
func BenchmarkSynthesizeFestivalPersistent(b *testing.B) {
	f := newPersistentFestival(b)
	ctx := context.Background()
	if _, err := f.Synthesize(ctx, "прогрев"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := f.Synthesize(ctx, typicalPhrase); err != nil {
			b.Fatal(err)
		}
	}
}
