package testcalls

import (
	"context"
	"encoding/json"
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

// TestBoardForwardsToAnotherBoard: what a callee says on one board (a child
// process's) reaches a recognizer reading another board (the robot's) once
// forwarded — through JSON, as the bench's processes pass it.
func TestBoardForwardsToAnotherBoard(t *testing.T) {
	callee, robot := NewBoard(), NewBoard()
	callee.Forward(func(u Utterance) {
		line, err := json.Marshal(u)
		if err != nil {
			t.Error(err)
			return
		}
		var back Utterance
		if err := json.Unmarshal(line, &back); err != nil {
			t.Error(err)
			return
		}
		robot.Add(back)
	})
	now := time.Now()
	callee.said("c1", "да, это я", now.Add(-time.Second), now)
	s, err := robot.Recognizer("c1").NewStream(context.Background(), asr.StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Accept(make([]int16, 160))
	if r, _ := s.Final(); r.Text != "да, это я" {
		t.Fatalf("the robot's board gave %q, want the forwarded utterance", r.Text)
	}
	if s2, _ := robot.Recognizer("other").NewStream(context.Background(), asr.StreamConfig{}); s2 != nil {
		_ = s2.Accept(make([]int16, 160))
		if r, _ := s2.Final(); r.Text != "" {
			t.Fatalf("another call heard %q", r.Text)
		}
	}
}
