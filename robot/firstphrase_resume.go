package robot

import (
	"context"
	"sync"
)

// resumedConversation is the Conversation of a dialogue started again after
// an early "not a person, class pending" stop was undone (resumeAsPerson):
// the prompts the first run played in full, in the order it played them, are
// not played again — the person heard the greeting's "Здравствуйте" once and
// then waited; a second one after the pause would sound like a new call. The
// prompt the stop cut, and everything after it, is played as the script
// says. Skipping ends at the first prompt that differs and at the first
// Listen: from then on the dialogue is new.
type resumedConversation struct {
	Conversation

	mu      sync.Mutex
	played  []string // texts of the prompts the first run played in full, in order
	skipped int      // prompts not played again, whose turns the session still records
}

// newResumedConversation wraps conv for a dialogue resumed after first, the
// turns of the run the stop ended.
func newResumedConversation(conv Conversation, first []Turn) *resumedConversation {
	var played []string
	for _, t := range first {
		if t.Who == WhoRobot && t.Kind == TurnKindSay && !t.BargedIn {
			played = append(played, t.Text)
		}
	}
	return &resumedConversation{Conversation: conv, played: played}
}

// Say skips a prompt the first run already played in full.
func (c *resumedConversation) Say(ctx context.Context, p Prompt) (SayResult, error) {
	c.mu.Lock()
	if len(c.played) > 0 && c.played[0] == p.Text {
		c.played = c.played[1:]
		c.skipped++
		c.mu.Unlock()
		return SayResult{}, ctx.Err()
	}
	c.played = nil
	c.mu.Unlock()
	return c.Conversation.Say(ctx, p)
}

// Listen ends the skipping: what the robot says after the person's reply is
// new to them.
func (c *resumedConversation) Listen(ctx context.Context, o ListenOptions) (Input, error) {
	c.mu.Lock()
	c.played = nil
	c.mu.Unlock()
	return c.Conversation.Listen(ctx, o)
}

// dropSkipped removes from turns (the resumed run's, in order) the robot
// turns of the prompts Say skipped: they were never played again, and the
// first run's turns already hold them.
func (c *resumedConversation) dropSkipped(turns []Turn) []Turn {
	c.mu.Lock()
	n := c.skipped
	c.mu.Unlock()
	out := turns[:0:0]
	for _, t := range turns {
		if n > 0 && t.Who == WhoRobot && t.Kind == TurnKindSay {
			n--
			continue
		}
		out = append(out, t)
	}
	return out
}
