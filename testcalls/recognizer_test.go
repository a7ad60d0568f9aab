package testcalls

import (
	"context"
	"testing"
	"time"

	"github.com/dozvon/dozvon/asr"
)

func TestScriptedRecognizerPartialAndFinal(t *testing.T) {
	b := NewBoard()
	now := time.Now()
	b.said("c1", "я голосовой помощник олег", now.Add(-time.Second), now.Add(time.Second))
	s, err := b.Recognizer("c1").NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Partial(); p != "" {
		t.Fatalf("partial %q before any audio was fed", p)
	}
	_ = s.Accept(make([]int16, 160))
	p, _ := s.Partial()
	if p != "я голосовой" { // half of the utterance's time has passed
		t.Fatalf("partial %q, want the first half of the words", p)
	}
	r, _ := s.Final()
	if r.Text != "я голосовой помощник олег" {
		t.Fatalf("final %q", r.Text)
	}
	_ = s.Accept(make([]int16, 160))
	if r, _ := s.Final(); r.Text != "" {
		t.Fatalf("an utterance was returned twice: %q", r.Text)
	}
}
