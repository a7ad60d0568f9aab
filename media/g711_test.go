package media

import (
	"testing"

	"github.com/zaf/g711"
)

// TestG711CodePoints pins known code points of the ITU-T G.711 tables
// (16-bit linear scale): μ-law peaks at ±32124 and inverts all bits,
// A-law peaks at ±32256 and toggles the even bits (0x55).
func TestG711CodePoints(t *testing.T) {
	tests := []struct {
		law  G711
		pcm  int16
		code byte  // Encode(pcm)
		back int16 // Decode(code)
	}{
		{PCMU, 0, 0xFF, 0},
		{PCMU, -1, 0x7F, 0}, // negative zero decodes to 0
		{PCMU, 8, 0xFE, 8},
		{PCMU, 120, 0xF0, 120},
		{PCMU, 32767, 0x80, 32124},
		{PCMU, -32768, 0x00, -32124},
		{PCMA, 0, 0xD5, 8}, // A-law has no zero: the smallest step is ±8
		{PCMA, -1, 0x55, -8},
		{PCMA, 24, 0xD4, 24},
		{PCMA, 32767, 0xAA, 32256},
		{PCMA, -32768, 0x2A, -32256},
	}
	for _, tt := range tests {
		code := make([]byte, 1)
		if n := tt.law.Encode(code, []int16{tt.pcm}); n != 1 || code[0] != tt.code {
			t.Errorf("%s.Encode(%d) = %#02x (n=%d), want %#02x", tt.law, tt.pcm, code[0], n, tt.code)
		}
		back := make([]int16, 1)
		if n := tt.law.Decode(back, []byte{tt.code}); n != 1 || back[0] != tt.back {
			t.Errorf("%s.Decode(%#02x) = %d (n=%d), want %d", tt.law, tt.code, back[0], n, tt.back)
		}
		if got := tt.law.DecodeSample(tt.code); got != tt.back {
			t.Errorf("%s.DecodeSample(%#02x) = %d, want %d", tt.law, tt.code, got, tt.back)
		}
	}
}

// TestG711RoundTrip: every code decodes to a level that encodes back to the
// same code (μ-law's negative zero aside), and any sample survives a round
// trip within half of its segment's step (the companding error).
func TestG711RoundTrip(t *testing.T) {
	for _, law := range []G711{PCMU, PCMA} {
		t.Run(law.String(), func(t *testing.T) {
			codes := make([]byte, 256)
			for i := range codes {
				codes[i] = byte(i)
			}
			pcm := make([]int16, 256)
			law.Decode(pcm, codes)
			again := make([]byte, 256)
			law.Encode(again, pcm)
			for i := range codes {
				if again[i] != codes[i] && !(law == PCMU && codes[i] == 0x7F) {
					t.Errorf("code %#02x → %d → %#02x", codes[i], pcm[i], again[i])
				}
			}
			var in []int16
			for v := -32768; v <= 32767; v += 7 {
				in = append(in, int16(v))
			}
			out := law.RoundTrip(in)
			for i, v := range in {
				// the step doubles per segment: 1/32 of the level, at least 16
				// (μ-law's finest is 4, A-law's 16 around zero), up to 2048
				// at the clipped peaks
				tol := max(16, abs(int(v))/16)
				if d := abs(int(out[i]) - int(v)); d > tol {
					t.Fatalf("%d came back as %d (off by %d, tolerance %d)", v, out[i], d, tol)
				}
			}
		})
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func TestParseG711(t *testing.T) {
	known := map[string]G711{"PCMU": PCMU, "PCMA": PCMA}
	// SDP names are matched exactly, as negotiated: "pcmu" is not one
	for _, name := range []string{"PCMU", "PCMA", "G729", "pcmu", ""} {
		got, ok := ParseG711(name)
		want, wantOK := known[name]
		if got != want || ok != wantOK {
			t.Errorf("ParseG711(%q) = %s, %v; want %s, %v", name, got, ok, want, wantOK)
		}
		if ok && got.String() != name {
			t.Errorf("%s.String() = %q", got, got.String())
		}
	}
}

func TestG711ShortBuffers(t *testing.T) {
	if n := PCMA.Encode(make([]byte, 2), make([]int16, 5)); n != 2 {
		t.Errorf("Encode into 2 bytes reported %d samples", n)
	}
	if n := PCMU.Decode(make([]int16, 5), make([]byte, 3)); n != 3 {
		t.Errorf("Decode of 3 bytes reported %d samples", n)
	}
}

func BenchmarkG711Frame(b *testing.B) {
	pcm := make([]int16, FrameSamples)
	for i := range pcm {
		pcm[i] = int16(i * 191)
	}
	payload := make([]byte, FrameSamples)
	for _, law := range []G711{PCMU, PCMA} {
		b.Run(law.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				law.Encode(payload, pcm)
				law.Decode(pcm, payload)
			}
		})
	}
}

// TestG711EncodeTablesMatchZaf checks the encode tables against zaf/g711's
// encoders on every 16-bit sample, for both laws.
func TestG711EncodeTablesMatchZaf(t *testing.T) {
	for _, tc := range []struct {
		law G711
		enc func(int16) uint8
	}{{PCMU, g711.EncodeUlawFrame}, {PCMA, g711.EncodeAlawFrame}} {
		src := make([]int16, 1<<16)
		for i := range src {
			src[i] = int16(uint16(i))
		}
		dst := make([]byte, len(src))
		tc.law.Encode(dst, src)
		for i, s := range src {
			if want := tc.enc(s); dst[i] != want || tc.law.EncodeSample(s) != want {
				t.Fatalf("%s: sample %d encodes to %#x (EncodeSample %#x), zaf/g711 gives %#x", tc.law, s, dst[i], tc.law.EncodeSample(s), want)
			}
		}
	}
}
