package testcalls

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"github.com/dozvon/dozvon/robot"
)

// Clock is a manual clock for text-level runs: the text conversation advances
// it by the time prompts and utterances would take.
type Clock struct{ t time.Time }

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

// Speaking rates used to advance the clock.
const (
	robotPerRune   = 65 * time.Millisecond
	callerPerRune  = 80 * time.Millisecond
	defaultNoInput = 5 * time.Second
)

// ErrTransferFailed is what TextConversation.Transfer returns when the case
// says the operator does not answer.
var ErrTransferFailed = errors.New("testcalls: transfer failed: no operator answered")

// TextConversation is the text-level robot.Conversation: a scripted caller
// answers each Listen with the next item of the case, without audio.
type TextConversation struct {
	Clock        *Clock
	Items        []CallerItem
	FailTransfer bool // Transfer returns ErrTransferFailed

	pos       int
	pending   *string // an interruption heard during a prompt, delivered by the next Listen
	hungUp    bool
	Prompts   []robot.Prompt // everything the robot said, in order
	Transfers []string
	Exhausted bool // the caller ran out of items and hung up
}

var _ robot.Conversation = (*TextConversation)(nil)

// Say plays a prompt. An {interrupt: …} item next in line speaks over the
// next prompt that allows barge-in, which stops; the words are delivered by
// the next Listen. Prompts without barge-in (the 230-FZ opening) play out.
func (c *TextConversation) Say(ctx context.Context, p robot.Prompt) (robot.SayResult, error) {
	if err := ctx.Err(); err != nil {
		return robot.SayResult{}, err
	}
	start := c.Clock.Now()
	if c.hungUp {
		return robot.SayResult{Start: start, End: start, HungUp: true}, nil
	}
	c.Prompts = append(c.Prompts, p)
	dur := time.Duration(utf8.RuneCountInString(p.Text)) * robotPerRune
	if p.BargeIn && c.pos < len(c.Items) && c.Items[c.pos].Interrupt != "" {
		text := c.Items[c.pos].Interrupt
		c.pos++
		c.pending = &text
		c.Clock.Advance(dur / 3)
		return robot.SayResult{Start: start, End: c.Clock.Now(), BargedIn: true}, nil
	}
	c.Clock.Advance(dur)
	return robot.SayResult{Start: start, End: c.Clock.Now()}, nil
}

// Listen returns the caller's next item. Silence shorter than the no-input
// timeout is waited out and the following item answers; running out of items
// is a hang-up.
func (c *TextConversation) Listen(ctx context.Context, o robot.ListenOptions) (robot.Input, error) {
	if err := ctx.Err(); err != nil {
		return robot.Input{}, err
	}
	start := c.Clock.Now()
	speech := func(text string) robot.Input {
		c.Clock.Advance(500*time.Millisecond + time.Duration(utf8.RuneCountInString(text))*callerPerRune)
		return robot.Input{Kind: robot.InputSpeech, Text: text, Confidence: 1, Start: start, End: c.Clock.Now()}
	}
	if c.pending != nil {
		text := *c.pending
		c.pending = nil
		return speech(text), nil
	}
	timeout := o.NoInputTimeout
	if timeout <= 0 {
		timeout = defaultNoInput
	}
	for {
		if c.hungUp {
			return robot.Input{Kind: robot.InputHangup, Start: start, End: start}, nil
		}
		if c.pos >= len(c.Items) {
			c.Exhausted, c.hungUp = true, true
			return robot.Input{Kind: robot.InputHangup, Start: start, End: start}, nil
		}
		it := c.Items[c.pos]
		c.pos++
		switch {
		case it.Hangup:
			c.hungUp = true
			return robot.Input{Kind: robot.InputHangup, Start: start, End: start}, nil
		case it.DTMF != "":
			c.Clock.Advance(time.Second)
			return robot.Input{Kind: robot.InputDTMF, Digits: it.DTMF, Confidence: 1, Start: start, End: c.Clock.Now()}, nil
		case it.Silence > 0 && it.Silence < timeout:
			c.Clock.Advance(it.Silence) // a pause; the next item answers
		case it.Silence > 0:
			c.Clock.Advance(timeout)
			return robot.Input{Kind: robot.InputNoInput, Start: start, End: c.Clock.Now()}, nil
		default:
			text := it.Say
			if text == "" {
				text = it.Interrupt
			}
			return speech(text), nil
		}
	}
}

// Transfer records the target; it fails when FailTransfer is set.
func (c *TextConversation) Transfer(ctx context.Context, target string) error {
	c.Transfers = append(c.Transfers, target)
	if c.FailTransfer {
		return ErrTransferFailed
	}
	return nil
}

// Hangup ends the call; safe to call twice.
func (c *TextConversation) Hangup(ctx context.Context) error {
	c.hungUp = true
	return nil
}
