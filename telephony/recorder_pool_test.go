package telephony

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// oneSlotPool is a test double for the UA's recorder buffer pool that always
// lends its one buffer back (a sync.Pool may drop it), so reuse is certain.
type oneSlotPool struct{ b *[]byte }

func (p *oneSlotPool) Get() any {
	b := p.b
	p.b = nil
	if b == nil {
		return nil
	}
	return b
}

func (p *oneSlotPool) Put(x any) { p.b = x.(*[]byte) }

// record writes frames 20 ms frames of a pattern seeded by seed through a
// recorder made with bufs and returns the file's bytes.
func record(t *testing.T, path string, bufs bufferPool, seed, frames int) []byte {
	t.Helper()
	r, err := newStereoRecorder(path, recorderSetup{bufs: bufs})
	if err != nil {
		t.Fatal(err)
	}
	in, out := make([]int16, frameSamples), make([]int16, frameSamples)
	for f := range frames {
		for i := range in {
			in[i], out[i] = int16(seed*1000+f*31+i), int16(-seed*7-f*3-i)
		}
		if err := r.write(in, out); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.close(); err != nil {
		t.Fatal(err)
	}
	if err := r.close(); err != nil { // as finish may, after the loop's own close
		t.Fatalf("second close: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRecorderReusedBufferCarriesNothing: a recording made through an ended
// call's buffer — full of that call's audio, and of stale bytes past it — is
// byte for byte the one a fresh buffer makes, and the buffer goes back to the
// pool at close (once, however often close is called).
func TestRecorderReusedBufferCarriesNothing(t *testing.T) {
	dir := t.TempDir()
	junk := bytes.Repeat([]byte{0xAA}, 64<<10)[:0]
	pool := &oneSlotPool{b: &junk}
	for n, tc := range []struct{ seed, frames int }{
		{1, 65}, // 1.3 s: one flush, 0.3 s left in the buffer at close
		{2, 35}, // shorter than the last call: its tail is still in the buffer
		{3, 50}, // exactly one buffer
		{4, 1},
	} {
		lent := pool.b
		if lent == nil {
			t.Fatalf("call %d: the last call's buffer did not come back to the pool", n)
		}
		got := record(t, filepath.Join(dir, "pooled.wav"), pool, tc.seed, tc.frames)
		want := record(t, filepath.Join(dir, "fresh.wav"), nil, tc.seed, tc.frames)
		if !bytes.Equal(got, want) {
			t.Fatalf("call %d: the recording through a reused buffer differs from a fresh one (%d bytes, want %d)", n, len(got), len(want))
		}
		if pool.b == nil || &(*pool.b)[:1][0] != &(*lent)[:1][0] {
			t.Fatalf("call %d: the pool holds another buffer than the one it lent", n)
		}
	}
}
