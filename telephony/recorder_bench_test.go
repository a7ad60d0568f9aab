package telephony

import (
	"path/filepath"
	"testing"
)

// BenchmarkStereoRecorderFrame is one 20 ms frame of a call's recording:
// both directions into the stereo WAV (a file write every 2 s).
func BenchmarkStereoRecorderFrame(b *testing.B) {
	r, err := newStereoRecorder(filepath.Join(b.TempDir(), "call.wav"), recorderSetup{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	in, out := make([]int16, frameSamples), make([]int16, frameSamples)
	for i := range in {
		in[i], out[i] = int16(i*331), int16(-i*97)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.write(in, out); err != nil {
			b.Fatal(err)
		}
	}
}
