package store

import (
	"context"
	"time"
)

// checkpointEvery is how often SQLite's WAL is copied into the database
// file in the background.
const checkpointEvery = 100 * time.Millisecond

// checkpointer copies SQLite's WAL into the database file on a reader
// connection, off the writer's path: left to the writer (auto-checkpoint),
// a commit that crosses the threshold copies and syncs every page the
// others wrote since, and every decision queued behind it waits — a second
// on a busy disk. PASSIVE never waits for the writer nor blocks it; the
// writer's own auto-checkpoint stays as a backstop should this fall behind.
// It runs until stop is called (DB.Close).
func (db *DB) startCheckpointer() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				// An error (busy, closing) only means the next tick tries again.
				_, _ = db.rd.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	db.stopCheckpointer = func() { cancel(); <-done }
}
