package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// pgPipe runs a PostgreSQL ledger batch's transaction on one connection
// with its statements pipelined: statements whose results the batch does
// not read (BEGIN, the lock statements, the writes) wait in pending and go
// out with the next statement that is read, or with COMMIT, in one round
// trip (a pgx batch: one Sync). The server still runs them one after the
// other as separate statements, so under READ COMMITTED a read queued after
// a lock takes its snapshot only once the lock is held, exactly as when
// each was its own round trip. A reservation's batch is 3 round trips
// instead of 7, a close's 2 instead of 5: at 500 decisions a second a
// batch was mostly those round trips' wake-ups on a shared box.
//
// Statements of other BatchTx methods go through database/sql on the same
// connection (querier), after the pending ones are sent.
type pgPipe struct {
	conn    *sql.Conn
	pending []pgStmt
	// err is the first failure of a pipeline whose caller could not be
	// told (QueryRowContext); commit returns it.
	err error
	// generic: the transaction's plan_cache_mode is force_generic_plan
	// (set with the debtors' locks), not force_custom_plan (plans).
	generic bool
	// genericPlans: the statements run on their generic plans
	// (bulkSQL.genericPlans)
	genericPlans map[string]bool
	// trace, when set, records each round trip (WithBatchTrace)
	trace *BatchTrace
}

// Plans. A statement whose good plan does not depend on the data — the
// locks, keys looked up one by one by their indexes — runs on the plan the server
// made once for its connection's prepared statement (force_generic_plan):
// TestLedgerGenericPlansUseIndexes checks that each such plan reads by its
// indexes on a fresh, never-analyzed database and on a loaded one. Every
// other statement is planned for its arguments (force_custom_plan): a
// generic plan made while the ledger was small (a new database) scanned
// the whole ledger until autovacuum's ANALYZE, at a fifth of the
// throughput. Planning every statement was about half the server's time
// per batch. The mode changes by a SET LOCAL pipelined before the
// statement, when the one before it ran in the other mode.
const (
	setGenericPlans = `SET LOCAL plan_cache_mode = force_generic_plan`
	setCustomPlans  = `SET LOCAL plan_cache_mode = force_custom_plan`
)

// plans queues the SET LOCAL that makes the next statement run in mode
// generic, if the transaction is in the other one.
func (p *pgPipe) plans(generic bool) {
	if p.generic == generic {
		return
	}
	p.generic = generic
	q := setCustomPlans
	if generic {
		q = setGenericPlans
	}
	p.pending = append(p.pending, pgStmt{query: q})
}

// add queues s, on its generic plan if it is one of genericPlans.
func (p *pgPipe) add(s pgStmt) {
	p.plans(p.genericPlans[s.query])
	p.pending = append(p.pending, s)
}

type pgStmt struct {
	query string
	args  []any
	// check, when set, reads the statement's one row (its result must
	// be what the batch expected; the statement fails itself otherwise)
	check func(pgx.Row) error
	// rows, when set, reads the statement's rows
	rows func(rowScanner) error
}

// rowScanner is what both *sql.Rows and pgx.Rows give a scan loop.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// queue adds a statement to go out with the next round trip.
func (p *pgPipe) queue(query string, args ...any) {
	p.add(pgStmt{query: query, args: args})
}

// read queues a statement whose rows scan reads when it is sent.
func (p *pgPipe) read(query string, args []any, scan func(rowScanner) error) {
	p.add(pgStmt{query: query, args: args, rows: scan})
}

// flush sends the pending statements in one round trip, in order, and
// reads what they return. The first error stops it: the server skips what
// follows a failed statement up to the pipeline's end. It returns the
// command tag of the last statement.
func (p *pgPipe) flush(ctx context.Context) (lastTag string, err error) {
	if p.err != nil {
		return "", p.err
	}
	stmts := p.pending
	p.pending = nil
	if len(stmts) == 0 {
		return "", nil
	}
	if p.trace != nil {
		t0 := time.Now()
		defer func() { p.trace.RoundTrips = append(p.trace.RoundTrips, time.Since(t0)) }()
	}
	err = p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("ledger batch: connection is %T, not pgx", dc)
		}
		var b pgx.Batch
		for _, s := range stmts {
			b.Queue(s.query, s.args...)
		}
		br := c.Conn().SendBatch(ctx, &b)
		var first error
		for _, s := range stmts {
			switch {
			case s.check != nil:
				first = s.check(br.QueryRow())
			case s.rows != nil:
				rows, err := br.Query()
				if err == nil {
					err = s.rows(rows)
					rows.Close()
					if err == nil {
						err = rows.Err()
					}
				}
				first = err
			default:
				var ct interface{ String() string }
				if ct, first = br.Exec(); first == nil {
					lastTag = ct.String()
				}
			}
			if first != nil {
				break
			}
		}
		if err := br.Close(); first == nil {
			first = err
		}
		return first
	})
	if err != nil {
		p.err = err
	}
	return lastTag, err
}

// send queues a read and sends it with everything pending.
func (p *pgPipe) send(ctx context.Context, query string, args []any, scan func(rowScanner) error) error {
	p.read(query, args, scan)
	_, err := p.flush(ctx)
	return err
}

// commit sends the pending statements and COMMIT in one round trip. A
// COMMIT the server turned into a rollback (an earlier statement of the
// transaction failed) is an error.
func (p *pgPipe) commit(ctx context.Context) error {
	p.pending = append(p.pending, pgStmt{query: "COMMIT"})
	tag, err := p.flush(ctx)
	if err == nil && tag != "COMMIT" {
		err = fmt.Errorf("the server answered %q", tag)
		p.err = err
	}
	return err
}

// rollback ends the transaction after a failure. A connection left in a
// transaction is never reused: database/sql asks the pgx driver to reset
// it before its next use, which throws it away if it is not idle; one whose
// rollback failed is thrown away at once.
func (p *pgPipe) rollback(ctx context.Context) {
	p.pending = nil
	if _, err := p.conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		_ = p.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// The querier of the BatchTx methods that are not pipelined: the pending
// statements go first, then the statement on the same connection.

func (p *pgPipe) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p.plans(false)
	if _, err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.QueryContext(ctx, query, args...)
}

func (p *pgPipe) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.plans(false)
	// *sql.Row carries only database/sql's errors: a failed flush leaves
	// the transaction aborted, so the query fails too, and commit returns
	// the flush's own error.
	_, _ = p.flush(ctx)
	return p.conn.QueryRowContext(ctx, query, args...)
}

func (p *pgPipe) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p.plans(false)
	if _, err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.ExecContext(ctx, query, args...)
}
