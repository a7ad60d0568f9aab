package telephony

import (
	"math"
	"testing"
	"time"

	"github.com/dozvon/dozvon/media"
	"github.com/pion/rtp"
)

// benchFrames is 1 s of a 440 Hz tone at a speech-like level, G.711-encoded
// 20 ms payloads, so decode/encode see varied samples rather than zeros.
func benchFrames(law media.G711) [][]byte {
	frames := make([][]byte, 50)
	pcm := make([]int16, frameSamples)
	for f := range frames {
		for i := range pcm {
			n := f*frameSamples + i
			pcm[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(n)/sampleRate))
		}
		frames[f] = make([]byte, frameSamples)
		law.Encode(frames[f], pcm)
	}
	return frames
}

// BenchmarkMediaFrame is the per-20 ms-frame cost of one call's media path
// without the network: the read side's G.711 decode and jitter-buffer push,
// the media loop's jitter-buffer pop, the outgoing frame's G.711 encode and
// RTP marshal (what WriteRTP serialises), and the two lateness histograms.
// Multiply ns/op by 50 frames/s × calls for the CPU share of the media path.
func BenchmarkMediaFrame(b *testing.B) {
	for _, law := range []media.G711{media.PCMU, media.PCMA} {
		b.Run(law.String(), func(b *testing.B) {
			frames := benchFrames(law)
			jb := media.NewJitterBuffer(3)
			in := make([]int16, frameSamples)
			dec := make([]int16, maxPacketSamples)
			out := make([]int16, frameSamples)
			payload := make([]byte, frameSamples)
			wire := make([]byte, 12+frameSamples)
			pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SSRC: 1}}
			var sendLate, arrival media.LatenessHistogram
			for i := range out {
				out[i] = int16(i * 37)
			}
			var ts uint32
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				// read side: one packet in
				p := frames[i%len(frames)]
				samples := dec[:len(p)]
				law.Decode(samples, p)
				jb.Push(ts, samples)
				arrival.Add(time.Duration(i%7) * 100 * time.Microsecond)
				ts += frameSamples
				// media loop: one frame played out, one sent
				jb.Pop(in)
				law.Encode(payload, out)
				pkt.SequenceNumber = uint16(i)
				pkt.Timestamp = ts
				pkt.Payload = payload
				if _, err := pkt.MarshalTo(wire); err != nil {
					b.Fatal(err)
				}
				sendLate.Add(time.Duration(i%5) * 50 * time.Microsecond)
			}
			if st := jb.Stats(); st.Lost != 0 || st.Late != 0 {
				b.Fatalf("jitter buffer lost %d, late %d frames of an in-order stream", st.Lost, st.Late)
			}
		})
	}
}
