package handoff

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Sync makes the directory's endpoints exactly eps: a collector added since
// rings from now on, one disabled or deleted is no longer rung. Pages open
// stay counted. Nothing changes when an endpoint is invalid.
func (d *Directory) Sync(eps []Endpoint) error {
	next, err := New(nil, nil, eps)
	if err != nil {
		return fmt.Errorf("handoff: sync: %w", err)
	}
	d.mu.Lock()
	d.endpoints = next.endpoints
	d.mu.Unlock()
	return nil
}

// Follow keeps d in step with list (the collectors as the store has them
// now) every period until ctx is done, so a collector added or disabled
// through the API or `dozvon user` is seen without a restart. A failed
// listing keeps the last endpoints.
func (d *Directory) Follow(ctx context.Context, every time.Duration, list func(context.Context) ([]Endpoint, error), log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		eps, err := list(ctx)
		if err == nil {
			err = d.Sync(eps)
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("hand-off: collectors not refreshed", "err", err)
		}
	}
}
