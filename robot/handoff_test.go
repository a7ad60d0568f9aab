package robot_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// TestHandOffTakesTransferNodes: with a HandOff, a transfer node hands the
// call to it instead of a REFER: taken → outcome transfer to whoever took
// it; nobody → the node's on_fail on the same call; the caller gone while
// waiting → a hang-up. The HandOff sees the transcript so far.
func TestHandOffTakesTransferNodes(t *testing.T) {
	sc := loadFeatureScript(t)
	tests := []struct {
		name    string
		taker   string
		err     error
		outcome scripts.Outcome
		slot    string
	}{
		{"a collector takes the call", "alice", nil, scripts.OutcomeTransfer, "alice"},
		{"nobody answers: on_fail", "", errors.New("no collector answered"), scripts.OutcomeUnrecognized, ""},
		{"the caller hangs up while waiting", "", fmt.Errorf("hand-off: %w", robot.ErrCallerGone), scripts.OutcomeHangup, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := testcalls.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, msk))
			conv := &testcalls.TextConversation{Clock: clock, Items: says("оператора")}
			var got robot.HandOffRequest
			s := &robot.Session{Script: sc, Vars: vars(), Clock: clock, Location: msk, Conv: conv, TransferTarget: "sip:desk@ops",
				HandOff: func(_ context.Context, req robot.HandOffRequest) (string, error) {
					got = req
					return tc.taker, tc.err
				}}
			res, err := s.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.outcome || res.Slots[scripts.SlotTransferTo] != tc.slot {
				t.Fatalf("outcome %q transfer_to %q (%s), want %q %q", res.Outcome, res.Slots[scripts.SlotTransferTo], res.Reason, tc.outcome, tc.slot)
			}
			if len(conv.Transfers) != 0 {
				t.Errorf("a REFER was sent (%v) though the hand-off took the node", conv.Transfers)
			}
			if got.Node != "to_human" || got.Target != "sip:desk@ops" || len(got.Turns) == 0 || got.Turns[len(got.Turns)-1].Text != "оператора" {
				t.Errorf("hand-off request %+v", got)
			}
		})
	}
}
