package asr_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"strings"
	"time"

	"github.com/dozvon/dozvon/asr"
)

// byteCounter is a test double for asr.Recognizer: its streams recognise nothing and only
// count the audio they are fed, so the example can show what the Segmenter hands over.
type byteCounter struct{}

func (byteCounter) NewStream(context.Context, asr.StreamConfig) (asr.Stream, error) {
	return &countingStream{}, nil
}

type countingStream struct{ samples int }

func (s *countingStream) Accept(pcm []int16) error { s.samples += len(pcm); return nil }
func (s *countingStream) Partial() (string, error) { return "", nil }
func (s *countingStream) Final() (asr.Result, error) {
	r := asr.Result{Text: fmt.Sprintf("<%v of audio>", time.Duration(s.samples)*time.Second/8000)}
	s.samples = 0
	return r, nil
}
func (s *countingStream) Close() error { return nil }

// vowel makes d of a voiced, speech-like sound: ten harmonics of a pitch that glides
// between 120 and 180 Hz, with a rising and falling loudness.
func vowel(d time.Duration) []int16 {
	n := int(d * 8000 / time.Second)
	out := make([]int16, n)
	phase := 0.0
	for i := range out {
		t := float64(i) / 8000
		f0 := 150 + 30*math.Sin(2*math.Pi*2*t)
		phase += 2 * math.Pi * f0 / 8000
		env := math.Sin(math.Pi * float64(i) / float64(n))
		v := 0.0
		for k := 1; k <= 10; k++ {
			v += math.Sin(float64(k)*phase) / float64(k)
		}
		out[i] = int16(3000 * env * v)
	}
	return out
}

// The media loop of one call: each 20 ms frame goes through the Segmenter; what it hands back
// goes to the call's recognition stream; at the end of an utterance the stream's Final gives
// the text.
func Example_mediaLoop() {
	var rec asr.Recognizer = byteCounter{} // in dozvon: a *vosk.Model loaded at start-up
	stream, err := rec.NewStream(context.Background(), asr.StreamConfig{SampleRate: 8000})
	if err != nil {
		log.Fatal(err)
	}
	defer stream.Close()
	seg, err := asr.NewSegmenter(asr.DefaultVADConfig())
	if err != nil {
		log.Fatal(err)
	}

	// one second of silence, 800 ms of "speech", two seconds of silence
	call := append(append(make([]int16, 8000), vowel(800*time.Millisecond)...), make([]int16, 16000)...)
	for i := 0; i+160 <= len(call); i += 160 {
		at := time.Duration(i+160) * time.Second / 8000
		ev, feed := seg.Push(call[i : i+160])
		for _, b := range feed { // feed first ...
			if err := stream.Accept(b); err != nil {
				log.Fatal(err)
			}
		}
		switch ev { // ... then act on the event
		case asr.SpeechStart:
			fmt.Println(at, ev)
		case asr.SpeechEnd, asr.MaxLength:
			res, err := stream.Final()
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(at, ev, strings.TrimSpace(res.Text))
		}
	}
	received, fed := seg.Stats()
	fmt.Println("received", received, "fed", fed)
	// Output:
	// 1.1s speech-start
	// 2.5s speech-end <1.8s of audio>
	// received 3.8s fed 1.8s
}
