package store

import (
	"context"
	"sync"
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
				var busy, log, done int
				t0 := time.Now()
				if err := db.rd.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err == nil {
					db.ckpts.add(CheckpointRun{At: t0, Took: time.Since(t0), Frames: log, Copied: done})
				}
			}
		}
	}()
	db.stopCheckpointer = func() { cancel(); <-done }
}

// CheckpointRun is one background checkpoint: when it started, how long
// it took, the WAL's frames then and how many of them it copied.
type CheckpointRun struct {
	At             time.Time
	Took           time.Duration
	Frames, Copied int
}

// maxCheckpointRuns bounds the runs kept (ten a second: nearly 7 minutes).
const maxCheckpointRuns = 4096

type checkpointRuns struct {
	mu   sync.Mutex
	runs []CheckpointRun
	base int // runs dropped from the front
}

func (c *checkpointRuns) add(r CheckpointRun) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.runs) == maxCheckpointRuns {
		n := maxCheckpointRuns / 2
		c.runs = append(c.runs[:0], c.runs[n:]...)
		c.base += n
	}
	c.runs = append(c.runs, r)
}

// Checkpoints is the background checkpoints run so far (SQLite; none on
// PostgreSQL), oldest first, for `bench guard`: index i of one call is
// index i of the next as long as fewer than 2,048 ran between them.
func (db *DB) Checkpoints() []CheckpointRun {
	c := &db.ckpts
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]CheckpointRun, c.base, c.base+len(c.runs))
	return append(out, c.runs...)
}
