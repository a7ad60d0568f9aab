package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// maxLedgerBatch bounds the ledger transactions SQLite commits as one: the
// wait of the last of them behind the others stays short.
const maxLedgerBatch = 128

// ledgerBatcher is SQLite's group commit for WithDebtor. SQLite has one
// writer and, at synchronous=FULL, one fsync per commit: one transaction per
// decision capped the ledger at a few hundred decisions a second, each
// waiting for the disk. Transactions that queue while one commits run next
// as savepoints of one transaction, in arrival order, each seeing what the
// ones before it wrote — the same serial order the writer lock gave — and
// are acknowledged only after the shared commit. PostgreSQL keeps one
// transaction per WithDebtor call; the guard's own batches (LedgerBatch,
// ledger_bulk.go) take their advisory locks sorted, so nodes batching, and
// the batches one node runs side by side (LedgerBatchWidth), cannot
// deadlock with each other.
//
// The first caller to find no batch running leads: it runs batches on its
// own goroutine until the queue is empty, so there is no goroutine to stop.
type ledgerBatcher struct {
	db      *DB
	mu      sync.Mutex
	queue   []*ledgerJob
	leading bool
}

type ledgerJob struct {
	ctx      context.Context
	debtorID string
	fn       func(tx *Tx) error
	lazy     bool // SyncLater: the batch may commit without waiting for the disk if all its jobs may
	mustSync bool // set by BatchTx.SyncNow: the job turned durable while it ran
	// afterSync, set by BatchTx.AfterSync: the job is answered at COMMIT
	// and told of the sync by this
	afterSync func(error)
	doneLater bool // done is closed after the WAL's sync, off the writer
	queued    time.Time
	err       error
	panicked  any // fn's panic, raised again on the caller's goroutine
	done      chan struct{}
}

// errBatchAborted is returned to a transaction whose batch could not go on
// (a savepoint failed): none of its writes were committed.
var errBatchAborted = errors.New("ledger batch aborted")

func (b *ledgerBatcher) do(ctx context.Context, debtorID string, lazy bool, fn func(tx *Tx) error) error {
	j := &ledgerJob{ctx: ctx, debtorID: debtorID, fn: fn, lazy: lazy, done: make(chan struct{}), queued: time.Now()}
	b.mu.Lock()
	b.queue = append(b.queue, j)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	if lead {
		b.lead()
	}
	<-j.done // the leader's own job is done before lead returns
	if j.panicked != nil {
		panic(j.panicked)
	}
	return j.err
}

// lead runs batches until nobody is waiting.
func (b *ledgerBatcher) lead() {
	for {
		b.mu.Lock()
		n := min(len(b.queue), maxLedgerBatch)
		if n == 0 {
			b.leading = false
			b.mu.Unlock()
			return
		}
		batch := b.queue[:n:n]
		b.queue = b.queue[n:]
		if len(b.queue) == 0 {
			b.queue = nil // let the old array go
		}
		b.mu.Unlock()
		b.run(batch)
		for _, j := range batch {
			if !j.doneLater {
				close(j.done)
			}
		}
	}
}

// run commits one batch: each job in a savepoint that its failure rolls
// back, then one commit for all.
func (b *ledgerBatcher) run(batch []*ledgerJob) {
	// The batch's statements ignore each caller's cancellation: SQLite
	// answers an interrupted write inside a transaction by rolling back the
	// whole transaction, and with it the other callers' work. A caller
	// cancelled before its turn is skipped instead.
	bg := context.Background()
	lazy := true
	started := time.Now()
	for _, j := range batch {
		lazy = lazy && j.lazy
	}
	stx, release, err := b.begin(bg)
	if err != nil {
		for _, j := range batch {
			j.err = fmt.Errorf("ledger %s: begin: %w", j.debtorID, err)
		}
		return
	}
	defer release()
	defer stx.Rollback()
	q := &batchQuerier{tx: stx, stmts: map[string]*sql.Stmt{}, prepared: b.db.stmts}
	var ok []*ledgerJob
	if len(batch) == 1 {
		// Alone, a job needs no savepoint (whose journal copies every page
		// it changes): its failure rolls back the whole transaction.
		j := batch[0]
		if err := j.ctx.Err(); err != nil {
			j.err = fmt.Errorf("ledger %s: %w", j.debtorID, err)
			return
		}
		if j.err, j.panicked = runJob(j, &Tx{db: b.db, tx: q, debtorID: j.debtorID, syncLater: lazy, job: j}); j.err != nil || j.panicked != nil {
			return
		}
		ok = batch
		batch = nil
	}
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.err = fmt.Errorf("ledger %s: %w", j.debtorID, err)
			continue
		}
		if _, err := q.ExecContext(bg, `SAVEPOINT ledger_job`); err != nil {
			abort(batch[i:], ok, err)
			return
		}
		j.err, j.panicked = runJob(j, &Tx{db: b.db, tx: q, debtorID: j.debtorID, syncLater: lazy, job: j})
		if j.err == nil && j.panicked == nil {
			if _, err := q.ExecContext(bg, `RELEASE ledger_job`); err != nil {
				abort(batch[i:], ok, err)
				return
			}
			ok = append(ok, j)
			continue
		}
		if _, err := q.ExecContext(bg, `ROLLBACK TO ledger_job`); err != nil {
			abort(batch[i+1:], ok, err)
			return
		}
		if _, err := q.ExecContext(bg, `RELEASE ledger_job`); err != nil {
			abort(batch[i+1:], ok, err)
			return
		}
	}
	if len(ok) == 0 {
		return
	}
	for _, j := range ok {
		lazy = lazy && !j.mustSync
	}
	t0 := time.Now()
	err = stx.Commit()
	t1 := time.Now()
	for _, j := range ok {
		if t := batchTraceOf(j.ctx); t != nil {
			t.Queued, t.Commit = started.Sub(j.queued), t1.Sub(t0)
		}
	}
	if err != nil {
		// Not committed: the callers hear an error.
		for _, j := range ok {
			j.err = fmt.Errorf("ledger %s: commit: %w", j.debtorID, err)
		}
		return
	}
	if lazy {
		for _, j := range ok {
			if j.afterSync != nil {
				j.afterSync(nil)
			}
		}
		return
	}
	// A durable batch: its WAL is synced before the jobs that wait for
	// the disk hear of it, on a goroutine of its own, while the writer
	// goes on with the next batch: a batch behind waits for this one's
	// COMMIT, not for its sync (the WAL is written in order, so a later
	// batch's sync covers this one's frames too). A job that asked to
	// hear of the commit at once (AfterSync) is answered now and told of
	// the sync by its callback; the others hear when the sync is done.
	var later []*ledgerJob // answered after the sync
	for _, j := range ok {
		if j.afterSync == nil {
			later = append(later, j)
			j.doneLater = true
		}
	}
	go func() {
		t := time.Now()
		err := b.db.syncWAL(b.db.walPath)
		took := time.Since(t)
		for _, j := range ok {
			if j.afterSync != nil {
				var jerr error
				if err != nil {
					jerr = fmt.Errorf("ledger %s: commit: %w", j.debtorID, err)
				}
				j.afterSync(jerr)
				continue
			}
			if t := batchTraceOf(j.ctx); t != nil {
				t.Sync = took
			}
			if err != nil {
				// Committed but not known to be on disk: the callers
				// hear an error (a reservation left open in the ledger
				// only expires into an attempt).
				j.err = fmt.Errorf("ledger %s: commit: %w", j.debtorID, err)
			}
		}
		for _, j := range later {
			close(j.done)
		}
	}()
}

// begin starts a batch's transaction on the writer connection, pinned
// and set to synchronous=NORMAL: SQLite then appends the commit's WAL
// frames without syncing them, and run syncs the WAL itself after a durable
// batch's commit, with fdatasync — the build of SQLite used here syncs with
// fsync, which on ext4 also commits the file's new mtime to the journal (p50
// 0.3 against 1.2–3 ms, p99 16–27 against 34–44 ms on this VM's disk). The
// commit is on disk before any caller that waits for it hears of it, as at
// FULL (the sync runs off the writer, see run; AfterSync callers hear at
// COMMIT and of the sync by their callback). A lazy batch
// (every job SyncLater) is not synced: the next durable batch's sync makes
// its frames durable with its own (the WAL is written in order, so a power
// cut loses only a tail of lazy commits). SQLite refuses to change the
// setting inside a transaction, so it is set before BEGIN and set back to
// FULL after the commit, for the connection's other writers (calls, events,
// tasks); a connection that cannot be set back is thrown away.
func (b *ledgerBatcher) begin(ctx context.Context) (*sql.Tx, func(), error) {
	conn, err := b.db.sql.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	restore := func() {
		if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=FULL`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // discarded: the pool opens a FULL one
		}
		conn.Close()
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous=NORMAL`); err != nil {
		restore()
		return nil, nil, err
	}
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		restore()
		return nil, nil, err
	}
	return stx, restore, nil
}

// fdatasync syncs the file at path: its data and the size that reaches it.
// Opened afresh each time, so it is the file at path now, never a WAL that
// SQLite deleted and made again.
func fdatasync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	if err := datasync(f); err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Base(path), err)
	}
	return nil
}

// abort fails the jobs not yet run and those that had succeeded: the
// transaction is rolled back, so nothing of theirs is kept.
func abort(rest, ok []*ledgerJob, cause error) {
	for _, j := range append(ok, rest...) {
		if j.panicked == nil {
			j.err = fmt.Errorf("ledger %s: %w: %v", j.debtorID, errBatchAborted, cause)
		}
	}
}

// runJob runs one job's fn, catching its panic for the caller to raise.
func runJob(j *ledgerJob, tx *Tx) (err error, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			panicked = p
		}
	}()
	return j.fn(tx), nil
}

// batchQuerier runs a batch's statements, each prepared once per batch
// (the jobs of a batch run the same few statements; SQLite spent a third
// of a decision parsing them again), and without their contexts'
// cancellation (see ledgerBatcher.run).
type batchQuerier struct {
	tx       *sql.Tx
	stmts    map[string]*sql.Stmt // closed with the transaction
	prepared map[string]*sql.Stmt // prepared at Open, reused by every batch
}

func (q *batchQuerier) stmt(query string) (*sql.Stmt, error) {
	if st, ok := q.stmts[query]; ok {
		return st, nil
	}
	if st, ok := q.prepared[query]; ok {
		st = q.tx.StmtContext(context.Background(), st)
		q.stmts[query] = st
		return st, nil
	}
	st, err := q.tx.PrepareContext(context.Background(), query)
	if err != nil {
		return nil, err
	}
	q.stmts[query] = st
	return st, nil
}

func (q *batchQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := q.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(context.WithoutCancel(ctx), args...)
}

func (q *batchQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := q.stmt(query)
	if err != nil {
		// *sql.Row carries its error only from database/sql itself: let
		// the transaction prepare it again and report the error.
		return q.tx.QueryRowContext(context.WithoutCancel(ctx), query, args...)
	}
	return st.QueryRowContext(context.WithoutCancel(ctx), args...)
}

func (q *batchQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := q.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(context.WithoutCancel(ctx), args...)
}
