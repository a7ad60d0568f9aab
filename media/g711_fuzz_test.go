package media

import (
	"encoding/binary"
	"testing"
)

// FuzzG711 decodes any bytes with either law and compands any samples: the
// lengths are what Encode and Decode report, a decoded code encodes back to a
// code of the same value (μ-law's two zeros are one sample), and companding
// loses no more than the law's step at that level.
func FuzzG711(f *testing.F) {
	f.Add([]byte{0x00, 0x7f, 0x80, 0xff, 0x55, 0xd5}, false)
	f.Add([]byte{0x01, 0x80, 0xff, 0x7f, 0x00, 0x80}, true) // int16 extremes as little-endian pairs
	f.Fuzz(func(t *testing.T, data []byte, alaw bool) {
		g := PCMU
		if alaw {
			g = PCMA
		}
		pcm := make([]int16, len(data))
		if n := g.Decode(pcm, data); n != len(data) {
			t.Fatalf("decoded %d of %d", n, len(data))
		}
		codes := make([]byte, len(pcm))
		if n := g.Encode(codes, pcm); n != len(pcm) {
			t.Fatalf("encoded %d of %d", n, len(pcm))
		}
		for i := range data {
			if g.DecodeSample(codes[i]) != pcm[i] {
				t.Fatalf("%s code %#x decodes to %d, re-encodes to %#x which decodes to %d", g, data[i], pcm[i], codes[i], g.DecodeSample(codes[i]))
			}
		}
		// the same bytes read as samples
		samples := make([]int16, len(data)/2)
		for i := range samples {
			samples[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		for i, s := range g.RoundTrip(samples) {
			in := int(samples[i])
			if d := abs(int(s) - in); d > abs(in)/16+16 {
				t.Fatalf("%s: %d comes back as %d", g, in, s)
			}
		}
		if n := g.Decode(pcm[:len(pcm)/2], data); n != len(pcm)/2 {
			t.Fatalf("decode into a short buffer reported %d, want %d", n, len(pcm)/2)
		}
	})
}
