package events

import (
	"context"
	"time"

	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/store"
)

// Several nodes on one store (PostgreSQL) each run a hub; a viewer on node
// A must see node B's calls too. A following hub therefore sends its
// subscribers the store's events by seq, its own and the others', rather
// than its own batches. The store makes appends visible in seq order
// (store.DB.AppendEvents), so reading after the last seq sent never skips
// one, and subscribers keep the one-order, no-gap guarantee of a single node.

// followPage is how many stored events one read fetches.
const followPage = 512

// startFollowing starts after the store's last event: what was stored
// before the hub ran is replayed by the handler, not sent live (a history
// of months must not flood the viewers). own is the first seq of a batch
// this hub has just stored (0: none): a hub that could not read the tail
// before starts just before its own events.
func (h *Hub) startFollowing(ctx context.Context, own int64) {
	if own > 0 {
		h.last, h.following = own-1, true
		return
	}
	seq, err := h.st.LastEventSeq(ctx)
	if err != nil {
		h.followErr("the store's last seq not read (retrying)", err)
		return
	}
	h.last, h.following = seq, true
}

// followErr logs a read error once a minute at most: the store being down
// is logged by every part that uses it.
func (h *Hub) followErr(msg string, err error) {
	if now := time.Now(); now.Sub(h.followErrAt) > time.Minute {
		h.followErrAt = now
		h.log.Warn("events: "+msg, "after_seq", h.last, "err", err)
	}
}

// catchUp sends subscribers every stored event after the last one sent. A
// store error is logged and retried on the next batch or tick: nothing is
// skipped, it arrives late. own is as for startFollowing.
func (h *Hub) catchUp(ctx context.Context, own int64) {
	if !h.following {
		if h.startFollowing(ctx, own); !h.following {
			return
		}
	}
	_ = safe.Run(h.log, "events hub follow", func() {
		for {
			rows, err := h.st.EventsSince(ctx, h.last, store.EventFilter{}, followPage)
			if err != nil {
				h.followErr("stored events not read (retrying)", err)
				return
			}
			if len(rows) == 0 {
				return
			}
			envs := make([]Envelope, len(rows))
			for i, r := range rows {
				envs[i] = envelopeOf(r)
			}
			h.fanout(envs)
			h.last = rows[len(rows)-1].Seq
			if len(rows) < followPage {
				return
			}
		}
	})
}
