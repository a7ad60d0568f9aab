package store

import (
	"context"
	"time"
)

// BatchTrace is where a ledger batch's time went, filled when the
// context LedgerBatch runs with carries it (WithBatchTrace): for the
// guard's bench (`bench guard --trace-slow`), never for the rules.
type BatchTrace struct {
	// RoundTrips are the batch's round trips to PostgreSQL, in order (the
	// pipelined flushes, COMMIT's included); empty on SQLite.
	RoundTrips []time.Duration
	// Commit is SQLite's COMMIT of the group commit's transaction, and
	// Sync its WAL's fdatasync after it (0 for a lazy batch).
	Commit, Sync time.Duration
	// Queued is the wait in SQLite's group commit for the batch before it.
	Queued time.Duration
}

type batchTraceKey struct{}

// WithBatchTrace returns ctx carrying t: a LedgerBatch run with it records
// its round trips (PostgreSQL) or commit and sync (SQLite) into t.
func WithBatchTrace(ctx context.Context, t *BatchTrace) context.Context {
	return context.WithValue(ctx, batchTraceKey{}, t)
}

func batchTraceOf(ctx context.Context) *BatchTrace {
	t, _ := ctx.Value(batchTraceKey{}).(*BatchTrace)
	return t
}
