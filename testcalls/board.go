package testcalls

import (
	"strings"
	"sync"
	"time"
)

// Board records what each simulated callee said and when, per SIP Call-ID,
// so that a ScriptedRecognizer on the robot's side can return the planned
// text for the speech segments its VAD actually detected.
type Board struct {
	mu      sync.Mutex
	calls   map[string][]*utterance
	forward func(Utterance) // set by Forward: a copy of each new utterance
	// what the ScriptedRecognizers found: segments that matched no
	// utterance, and for each utterance taken, how long after its planned
	// end the recognizer was asked (the VAD's end of segment plus any delay
	// of the robot's media and recognizer goroutines)
	emptyTakes int
	multiTakes int
	takeLags   []time.Duration
}

// BoardStats is what a board saw of the recognizers' segments against the
// utterances said.
type BoardStats struct {
	Said, Taken int // utterances said, and taken by a recognizer's segment
	EmptyTakes  int // segments that overlapped no untaken utterance
	// MultiTakes counts segments that took more than one utterance: the
	// callee began its next utterance before the robot's recognizer was
	// done with the last one
	MultiTakes int
	// Lags are, per utterance taken, the time from its planned end to the
	// recognizer's final result, in the order taken.
	Lags []time.Duration
}

// Stats returns what the board saw so far.
func (b *Board) Stats() BoardStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := BoardStats{EmptyTakes: b.emptyTakes, MultiTakes: b.multiTakes, Lags: append([]time.Duration(nil), b.takeLags...)}
	for _, us := range b.calls {
		for _, u := range us {
			st.Said++
			if u.taken {
				st.Taken++
			}
		}
	}
	return st
}

// Utterance is one thing a simulated callee said on one call: what a board
// in another process needs to mirror it (Forward on the callee's side, Add
// on the robot's).
type Utterance struct {
	CallID string    `json:"call"`
	Text   string    `json:"text"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
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
	b.calls[callID] = append(b.calls[callID], &utterance{text: text, start: start, end: end})
	fwd := b.forward
	b.mu.Unlock()
	if fwd != nil {
		fwd(Utterance{CallID: callID, Text: text, Start: start, End: end})
	}
}

// Forward hands fn a copy of every utterance said from now on (from the
// speaking call's goroutine): a callee exchange in a child process sends
// them to the robot's process, whose board Adds them. Times are wall-clock
// instants, comparable across processes on one machine.
func (b *Board) Forward(fn func(Utterance)) {
	b.mu.Lock()
	b.forward = fn
	b.mu.Unlock()
}

// Add publishes an utterance said elsewhere (a callee in another process),
// for the ScriptedRecognizers of this board.
func (b *Board) Add(u Utterance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls[u.CallID] = append(b.calls[u.CallID], &utterance{text: u.Text, start: u.Start, end: u.End})
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
		b.takeLags = append(b.takeLags, to.Sub(u.end))
	}
	switch {
	case len(out) == 0:
		b.emptyTakes++
	case len(out) > 1:
		b.multiTakes++
	}
	return out
}

// partial returns the words of the untaken utterances overlapping
// [from, now] that have been spoken by now, assuming words are evenly
// spread over each utterance's duration — what a streaming recognizer's
// partial result would hold. Nothing is marked taken.
func (b *Board) partial(callID string, from, now time.Time) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, u := range b.calls[callID] {
		if u.taken || u.start.After(now) || u.end.Before(from) {
			continue
		}
		words := strings.Fields(u.text)
		n := len(words)
		if d := u.end.Sub(u.start); d > 0 && now.Before(u.end) {
			n = int(float64(len(words)) * float64(now.Sub(u.start)) / float64(d))
		}
		out = append(out, words[:n]...)
	}
	return strings.Join(out, " ")
}
