package testcalls

import (
	"context"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
)

func TestTextConversation(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)
	opts := robot.ListenOptions{NoInputTimeout: 5 * time.Second}
	tests := []struct {
		name    string
		items   []CallerItem
		bargeIn bool
		want    []robot.InputKind // Say then Listen, repeated
		barged  []bool
	}{
		{"speech then exhausted", []CallerItem{{Say: "да"}}, true,
			[]robot.InputKind{robot.InputSpeech, robot.InputHangup}, []bool{false, false}},
		{"short pause is waited out", []CallerItem{{Silence: 2 * time.Second}, {Say: "да"}}, true,
			[]robot.InputKind{robot.InputSpeech}, []bool{false}},
		{"long silence is no input", []CallerItem{{Silence: 6 * time.Second}, {DTMF: "1"}}, true,
			[]robot.InputKind{robot.InputNoInput, robot.InputDTMF}, []bool{false, false}},
		{"interrupt with barge-in", []CallerItem{{Interrupt: "да"}, {Hangup: true}}, true,
			[]robot.InputKind{robot.InputSpeech, robot.InputHangup}, []bool{true, false}},
		{"interrupt without barge-in waits for the listen", []CallerItem{{Interrupt: "да"}}, false,
			[]robot.InputKind{robot.InputSpeech}, []bool{false}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &TextConversation{Clock: NewClock(start), Items: tc.items}
			for i, want := range tc.want {
				before := c.Clock.Now()
				r, err := c.Say(ctx, robot.Prompt{ID: "p", Text: "Это Иван?", BargeIn: tc.bargeIn})
				if err != nil {
					t.Fatal(err)
				}
				if r.BargedIn != tc.barged[i] {
					t.Fatalf("turn %d: barged in %v, want %v", i, r.BargedIn, tc.barged[i])
				}
				if !c.Clock.Now().After(before) {
					t.Fatalf("turn %d: the clock did not advance while speaking", i)
				}
				in, err := c.Listen(ctx, opts)
				if err != nil {
					t.Fatal(err)
				}
				if in.Kind != want {
					t.Fatalf("turn %d: got %s, want %s", i, in.Kind, want)
				}
			}
		})
	}
}

func TestTextConversationTransfer(t *testing.T) {
	ctx := context.Background()
	c := &TextConversation{Clock: NewClock(time.Unix(0, 0)), FailTransfer: true}
	if err := c.Transfer(ctx, "100"); err == nil {
		t.Fatal("transfer succeeded, want it to fail")
	}
	c.FailTransfer = false
	if err := c.Transfer(ctx, "200"); err != nil || len(c.Transfers) != 2 || c.Transfers[1] != "200" {
		t.Fatalf("transfers %v, err %v", c.Transfers, err)
	}
	_ = c.Hangup(ctx)
	if r, _ := c.Say(ctx, robot.Prompt{Text: "x"}); !r.HungUp {
		t.Fatal("Say after Hangup does not report HungUp")
	}
}
