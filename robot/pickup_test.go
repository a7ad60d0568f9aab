package robot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
)

// pickupConversation is a test double of a call: every prompt takes two
// seconds of a fake clock; the caller's first turn is a word said at a
// given offset from the start of the call (the pickup word), then the
// lines follow, each said after the prompt before it.
type pickupConversation struct {
	now    time.Time
	pickup time.Duration // from the start of the call
	start  time.Time
	first  bool
	lines  []string
}

func (c *pickupConversation) Say(_ context.Context, _ robot.Prompt) (robot.SayResult, error) {
	st := c.now
	c.now = c.now.Add(2 * time.Second)
	return robot.SayResult{Start: st, End: c.now}, nil
}

func (c *pickupConversation) Listen(context.Context, robot.ListenOptions) (robot.Input, error) {
	if !c.first {
		c.first = true
		at := c.start.Add(c.pickup)
		return robot.Input{Kind: robot.InputSpeech, Text: "алло", Start: at, End: at.Add(400 * time.Millisecond)}, nil
	}
	if len(c.lines) == 0 {
		return robot.Input{Kind: robot.InputHangup}, nil
	}
	text := c.lines[0]
	c.lines = c.lines[1:]
	st := c.now.Add(300 * time.Millisecond)
	c.now = st.Add(time.Second)
	return robot.Input{Kind: robot.InputSpeech, Text: text, Start: st, End: c.now}, nil
}

func (c *pickupConversation) Transfer(context.Context, string) error { return nil }
func (c *pickupConversation) Hangup(context.Context) error           { return nil }

// TestPickupWordIsNotAnswered: an "алло" said on picking up, over the
// robot's greeting, does not make the robot ask its first question twice;
// one said after the question began is a hello and the question is asked
// again, as the script's hello route says.
func TestPickupWordIsNotAnswered(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 11, 0, 0, 0, msk)
	for _, c := range []struct {
		name      string
		pickup    time.Duration
		wantAsked int
	}{
		{name: "over the greeting", pickup: 700 * time.Millisecond, wantAsked: 1},
		{name: "after the question began", pickup: 9 * time.Second, wantAsked: 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			conv := &pickupConversation{now: t0, start: t0, pickup: c.pickup, lines: []string{"да, это я", "нет, неудобно, я занят", "перезвоните завтра в десять утра"}}
			s := &robot.Session{Script: load(t, "verify_contact.yaml"), Vars: vars(), Location: msk, Conv: conv}
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			asked, heard := 0, false
			for _, tn := range res.Turns {
				if tn.Who == robot.WhoRobot && tn.Node == "identify" && strings.Contains(tn.Text, "я говорю с") {
					asked++
				}
				if tn.Who == robot.WhoCaller && tn.Text == "алло" {
					heard = true
				}
			}
			if asked != c.wantAsked || !heard {
				t.Errorf("identity question asked %d times (want %d), the pickup word in the transcript: %v; robot said %q", asked, c.wantAsked, heard, robotTexts(res))
			}
			if res.Outcome != "callback" {
				t.Errorf("outcome %s, want callback", res.Outcome)
			}
		})
	}
}
