package telephony

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSentHandlerSeesWhatTheCallSends: the sent-frame handler gets each
// frame the call sends — the prompt's audio while it plays — once per tick,
// just before the frame handler gets that tick's received frame.
func TestSentHandlerSeesWhatTheCallSends(t *testing.T) {
	call, _ := dialPhone(t, Config{}, nil)
	var (
		mu             sync.Mutex
		order          []byte // 's' sent, 'h' handler
		loud, sentLoud int
	)
	// the frame handler first: a tick between the two calls gives an 'h'
	// alone, before the alternation starts
	call.SetHandler(func([]int16, time.Duration, bool) {
		mu.Lock()
		order = append(order, 'h')
		mu.Unlock()
	})
	call.SetSentHandler(func(out []int16) {
		mu.Lock()
		order = append(order, 's')
		if rms(out) > 1000 {
			sentLoud++
		}
		mu.Unlock()
	})
	pb := call.Play(tone(440, 500*time.Millisecond, 8000))
	<-pb.Done()
	loud = 500 / 20
	mu.Lock()
	got := string(order) // both handlers still installed
	n := sentLoud
	mu.Unlock()
	call.SetHandler(nil)
	call.SetSentHandler(nil)
	if n < loud-2 || n > loud+2 {
		t.Errorf("%d loud frames sent, want the prompt's %d", n, loud)
	}
	seq := strings.TrimLeft(got, "h")
	for i := range len(seq) {
		if want := "sh"[i%2]; seq[i] != want {
			t.Fatalf("ticks out of step at %d: %s", i, seq)
		}
	}
	if len(seq) < 2*loud-4 {
		t.Fatalf("only %d calls for a 500 ms prompt", len(seq))
	}
}

// TestPlayLeavesTheAudioUnchanged: a call only reads what it plays, so one
// prompt's samples can be shared by every call that plays it
// (tts.Cache.SynthesizeShared) — also when a playback is cut short.
func TestPlayLeavesTheAudioUnchanged(t *testing.T) {
	call, _ := dialPhone(t, Config{}, nil)
	pcm := tone(440, 300*time.Millisecond, 8000)
	want := slices.Clone(pcm)
	<-call.Play(pcm).Done()
	pb := call.Play(pcm)
	time.Sleep(100 * time.Millisecond) // cut mid-prompt; any point will do
	call.StopPlayback()
	<-pb.Done()
	if !slices.Equal(pcm, want) {
		t.Fatal("playing the prompt modified its samples")
	}
}
