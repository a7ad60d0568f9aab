package callbacks

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/store"
)

// WatchStore is what the callback watch reads and marks; *store.DB implements it.
type WatchStore interface {
	DueCallbacks(ctx context.Context, now time.Time, limit int) ([]store.Task, error)
	ClaimCallbackDue(ctx context.Context, id int64, dueAt time.Time) (bool, error)
}

// Publisher is the live stream (*events.Hub).
type Publisher interface{ Publish(events.Envelope) }

// Watch tells the live stream when a callback a debtor asked for
// falls due (callback.due), once per callback and due time: the store
// remembers which due time was announced, so a restart or a second node
// does not announce it again, and a callback moved to a later time is
// announced at that time. It looks every `every`: a callback is announced
// up to that late, which for a call promised to the minute is on time.
type Watch struct {
	st    WatchStore
	live  Publisher
	clk   clock.Clock
	log   *slog.Logger
	every time.Duration
}

// callbackBatch bounds one query of the watch; a backlog takes several.
const callbackBatch = 100

// NewWatch returns a watch that looks every 5 s on clk (nil: the wall clock).
func NewWatch(st WatchStore, live Publisher, clk clock.Clock, log *slog.Logger) *Watch {
	return &Watch{st: st, live: live, clk: clock.Or(clk), log: log, every: 5 * time.Second}
}

// Run looks at once, then every w.every, until ctx ends.
func (w *Watch) Run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		if _, err := w.Once(ctx); err != nil && ctx.Err() == nil {
			w.log.Warn("callbacks due", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Once announces every callback due now and not yet announced, and returns
// how many it announced.
func (w *Watch) Once(ctx context.Context) (int, error) {
	n := 0
	for {
		now := w.clk.Now()
		due, err := w.st.DueCallbacks(ctx, now, callbackBatch)
		if err != nil {
			return n, err
		}
		for _, t := range due {
			mine, err := w.st.ClaimCallbackDue(ctx, t.ID, t.DueAt)
			if err != nil {
				return n, err
			}
			if !mine { // another node announced it
				continue
			}
			env, err := events.CallbackDue(t, now)
			if err != nil {
				return n, fmt.Errorf("callback due: %w", err)
			}
			w.live.Publish(env)
			n++
		}
		if len(due) < callbackBatch {
			return n, nil
		}
	}
}
