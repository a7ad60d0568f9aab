package compliance

import (
	"context"
	"time"

	"github.com/dozvon/dozvon/store"
)

// OpTrace is where one Reserve, Commit or Release spent its time in the
// guard's group commit, filled when its context carries it (WithOpTrace):
// for `bench guard --trace-slow`, which asks where a slow decision's time
// went. The rules never read it.
type OpTrace struct {
	// Wait is from the call to its batch's start: queued behind the
	// batch running in its lane.
	Wait time.Duration
	// Batch is its batch, from its start to the shared commit's end; Ops
	// the operations decided in it.
	Batch time.Duration
	Ops   int
	// Store is what the ledger recorded of the batch: its round trips
	// (PostgreSQL), or its group commit's wait, commit and sync (SQLite;
	// the sync only when the batch's caller waited for it inside).
	Store store.BatchTrace
	// Synced: when the operation, one that waits for the disk, heard its
	// batch was durable (zero: it was answered at the batch's end). Batch
	// ends at COMMIT, so Synced less the batch's end is the wait for the
	// sync that ran off the writer.
	Synced time.Time
}

type opTraceKey struct{}

// WithOpTrace returns ctx carrying t, which the guard fills for a Reserve,
// Commit or Release called with it.
func WithOpTrace(ctx context.Context, t *OpTrace) context.Context {
	return context.WithValue(ctx, opTraceKey{}, t)
}

func opTraceOf(ctx context.Context) *OpTrace {
	t, _ := ctx.Value(opTraceKey{}).(*OpTrace)
	return t
}
