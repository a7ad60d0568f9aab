package testcalls

import (
	"sync"
	"time"
)

// Board records what each simulated callee said and when, per SIP Call-ID,
// so that a ScriptedRecognizer on the robot's side can return the planned
// text for the speech segments its VAD actually detected.
type Board struct {
	mu    sync.Mutex
	calls map[string][]*utterance
}

type utterance struct {
	text       string
	start, end time.Time
	taken      bool
}

// NewBoard returns an empty board.
func NewBoard() *Board { return &Board{calls: map[string][]*utterance{}} }

func (b *Board) said(callID, text string, start, end time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls[callID] = append(b.calls[callID], &utterance{text: text, start: start, end: end})
}

// take returns, in order, the untaken utterances that overlap [from, to]
// and marks them taken.
func (b *Board) take(callID string, from, to time.Time) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, u := range b.calls[callID] {
		if u.taken || u.start.After(to) || u.end.Before(from) {
			continue
		}
		u.taken = true
		out = append(out, u.text)
	}
	return out
}
