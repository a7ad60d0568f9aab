package robot

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/dozvon/dozvon/scripts"
)

// HandOff takes an answered call over at a transfer node: it rings a person,
// keeps the caller waiting, and connects them. It returns who took the call
// once the human part has ended, or an error when nobody took it (the
// dialogue then goes on at the node's on_fail, on the same call: the robot
// takes a callback time). It must return when ctx is done.
type HandOff func(ctx context.Context, req HandOffRequest) (taker string, err error)

// ErrCallerGone is what a HandOff returns (wrapped or not) when the caller
// hung up while waiting: the dialogue ends as a hang-up.
var ErrCallerGone = errors.New("the caller hung up during the hand-off")

// HandOffRequest is what the dialogue knows when it hands the call off.
type HandOffRequest struct {
	Node   string            // the transfer node
	Target string            // the node's (or the session's) transfer target; may be empty
	Turns  []Turn            // the transcript so far
	Slots  map[string]string // the slots so far
}

// handOff runs the session's HandOff at transfer node n.
func (d *dialogue) handOff(ctx context.Context, n *scripts.Node, target string) (string, bool, error) {
	taker, err := d.s.HandOff(ctx, HandOffRequest{Node: n.ID, Target: target,
		Turns: slices.Clone(d.res.Turns), Slots: maps.Clone(d.slots)})
	if err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		if errors.Is(err, ErrCallerGone) {
			return "", false, hungUp{}
		}
		d.log.Info("hand-off: nobody took the call, the robot goes on", "node", n.ID, "err", err)
		return n.Transfer.OnFail, false, nil
	}
	d.slots[scripts.SlotTransferTo] = taker
	d.res.Outcome, d.res.Reason = scripts.OutcomeTransfer, "handed off at "+n.ID
	return "", true, nil
}
