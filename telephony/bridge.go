package telephony

import (
	"context"
	"time"
)

// Join bridges two answered calls in dozvon — what each far end says is
// played to the other through both media loops, decoded and re-encoded in
// each call's own codec, and each call's recording keeps both directions —
// until either call ends or ctx is done. Then it unbridges them and hangs
// up the other one, and returns the call that ended first (nil when ctx
// ended the bridge: both calls are hung up then).
//
// Any prompt still playing on either call is stopped first: from the join
// on, a call's outgoing audio is the other far end.
func Join(ctx context.Context, a, b *Call) (first *Call) {
	a.StopPlayback()
	b.StopPlayback()
	Bridge(a, b)
	select {
	case <-a.Done():
		first = a
	case <-b.Done():
		first = b
	case <-ctx.Done():
	}
	a.unbridge()
	b.unbridge()
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for _, c := range []*Call{a, b} {
		if c != first {
			_ = c.Hangup(hctx)
		}
	}
	return first
}

// unbridge stops playing the peer's audio on c.
func (c *Call) unbridge() {
	c.mu.Lock()
	c.peer = nil
	c.mu.Unlock()
}

// Bridged reports whether c is bridged to another call now.
func (c *Call) Bridged() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peer != nil
}
