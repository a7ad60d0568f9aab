package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// BatchTx is one transaction deciding many ledger requests together (the
// guard's group commit): it holds the ledger locks of every debtor it was
// opened for, and reads and writes for all of them with a few statements —
// one fsync and a handful of round trips for a whole batch instead of a
// dozen statements and a commit per decision.
type BatchTx struct {
	db *DB
	tx querier
	// pipe: PostgreSQL's batch, its statements pipelined (ledger_pipe.go)
	pipe *pgPipe
	// syncLater: the transaction commits without waiting for the disk
	// (SyncLater asked by every job it commits with)
	syncLater bool
	// job: SQLite's group-commit job running the batch (SyncNow,
	// AfterSync); nil on PostgreSQL
	job *ledgerJob
	// afterSync: PostgreSQL's AfterSync, called once COMMIT returned
	afterSync func(error)
}

// Sync says when a ledger transaction's commit must be on disk.
type Sync int

const (
	// SyncNow: durable before the call returns (SQLite: the WAL synced
	// after the commit, ledger_batch.go; PostgreSQL: the server's
	// synchronous_commit).
	SyncNow Sync = iota
	// SyncLater: the commit may be lost to a power cut (not to a crash of
	// this process) until the next SyncNow commit, which makes it durable
	// with everything before it: both back ends write one log in order, so
	// only a tail of SyncLater commits can ever be lost, never one that a
	// later durable decision was made on. For writes whose loss leaves
	// the ledger counting at least as much (compliance decides which).
	SyncLater
)

// SyncLater tells whether the transaction commits without waiting for the
// disk: it was asked for, and on SQLite every transaction committed with it
// asked for it too.
func (b *BatchTx) SyncLater() bool { return b.syncLater }

// pgSyncDefault undoes, for the rest of the transaction, the
// synchronous_commit off that a SyncLater batch set with its debtors' locks:
// the server's own setting applies at COMMIT.
const pgSyncDefault = `SET LOCAL synchronous_commit TO DEFAULT`

// SyncNow makes a SyncLater transaction durable after all, as a SyncNow
// one: for a batch that finds, once it has read the ledger, a write whose
// loss would undercount. PostgreSQL's COMMIT then waits for the server's
// own setting (the SET goes out with the next round trip); SQLite's group
// commit syncs the WAL after the commit. (Before, such a batch was rolled
// back and run again durably: a second batch on the decision's path.)
func (b *BatchTx) SyncNow() {
	if !b.syncLater {
		return
	}
	b.syncLater = false
	if b.pipe != nil {
		b.pipe.add(pgStmt{query: pgSyncDefault})
		return
	}
	if b.job != nil {
		b.job.mustSync = true
	}
}

// AfterSync lets the batch's caller hear of the commit before the disk
// has it: LedgerBatch then returns as soon as COMMIT has (SQLite: before
// the WAL's sync, which runs on another goroutine while the writer goes on
// with the next batch), and f is called once with the sync's result when
// the commit is durable — or at once with nil when the batch does not
// wait for the disk (SyncLater), and on PostgreSQL, whose COMMIT already
// waited for the server's setting. f is called only if LedgerBatch
// returns nil. The guard uses it to answer the closes whose loss is
// stricter at the commit and the reservations at the sync, so a close
// never waits for a sync, its own or another's.
func (b *BatchTx) AfterSync(f func(error)) {
	if b.job != nil {
		b.job.afterSync = f
		return
	}
	b.afterSync = f
}

// Advisory lock seeds: a debtor's ledger (WithDebtor takes it too), and the
// counted ledgers (persons, numbers) taken after it (also by person merges
// and splits, persons.go).
const (
	debtorLockSeed  = 7255
	countedLockSeed = 7256
)

// LedgerBatch runs fn in one transaction holding the ledger locks of every
// debtor in debtorIDs. On SQLite it is one job of the group commit (the
// writer lock covers every debtor). On PostgreSQL it takes the debtors'
// advisory locks in one statement, sorted; BatchTx.LockCounted then takes
// the persons' and numbers' the same way. Every ledger transaction takes
// its debtor locks before its counted ones, each class in sorted order
// ("person:…" before "phone:…"), so two nodes' batches can
// never wait on each other in a circle. The transaction commits when fn
// returns nil; fn's statements are not cancelled by ctx once it has started.
//
// mode SyncLater lets the commit skip waiting for the disk (see Sync); the
// batch's fn learns whether it does from BatchTx.SyncLater.
func (db *DB) LedgerBatch(ctx context.Context, debtorIDs []string, mode Sync, fn func(tx *BatchTx) error) error {
	if len(debtorIDs) == 0 {
		return fmt.Errorf("ledger batch: no debtors")
	}
	if slices.Contains(debtorIDs, "") {
		return fmt.Errorf("ledger batch: empty debtor id")
	}
	if !db.postgres {
		return db.batch.do(ctx, "batch of "+debtorIDs[0], mode == SyncLater, func(tx *Tx) error {
			return fn(&BatchTx{db: db, tx: tx.tx, syncLater: tx.syncLater, job: tx.job})
		})
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("ledger batch: begin: %w", err)
	}
	defer conn.Close()
	bg := context.WithoutCancel(ctx)
	// BEGIN and the debtors' locks go out with the batch's first read
	// (pgPipe). The statements that follow start on their generic plans
	// (pgPipe's Plans): the setting rides on the debtors' locks, as does
	// synchronous_commit off for a SyncLater batch (a SyncNow one keeps
	// the server's setting).
	p := &pgPipe{conn: conn, generic: true, genericPlans: db.bulk.genericPlans, trace: batchTraceOf(ctx)}
	p.pending = append(p.pending, pgStmt{query: "BEGIN"})
	p.add(pgStmt{query: pgDebtorLockQuery, args: []any{sortedKeys(debtorIDs), int64(debtorLockSeed), mode == SyncLater}})
	defer func() {
		if r := recover(); r != nil {
			p.rollback(bg) // the locks go now, not when the pool drops the connection
			panic(r)
		}
	}()
	tx := &BatchTx{db: db, tx: p, pipe: p, syncLater: mode == SyncLater}
	if err := fn(tx); err != nil {
		p.rollback(bg)
		return err
	}
	if err := p.commit(bg); err != nil {
		p.rollback(bg)
		return fmt.Errorf("ledger batch: commit: %w", err)
	}
	if tx.afterSync != nil {
		tx.afterSync(nil)
	}
	return nil
}

// pgDebtorLockQuery takes the debtors' locks ($1 sorted, $2 the seed) and
// sets the batch's plan_cache_mode and, when $3, synchronous_commit off.
const pgDebtorLockQuery = `SELECT set_config('plan_cache_mode', 'force_generic_plan', true),
		CASE WHEN $3 THEN set_config('synchronous_commit', 'off', true) END, count(l)
		FROM (SELECT pg_advisory_xact_lock(hashtextextended(k, $2)) AS l FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n) s`

// pgBatchWidth is how many ledger batches one guard runs at once on
// PostgreSQL (compliance.LedgerParallel): a batch is mostly round trips,
// so a few in flight keep the server's cores busy; the pool has 32.
const pgBatchWidth = 4

// LedgerBatchWidth tells the guard how many of its batches may run at
// once: one on SQLite (one writer; the group commit joins them anyway),
// pgBatchWidth on PostgreSQL, where the ledger locks order them.
func (db *DB) LedgerBatchWidth() int {
	if db.postgres {
		return pgBatchWidth
	}
	return 1
}

// lockSorted takes PostgreSQL transaction-scoped advisory locks on keys, in
// sorted order and each once, in one round trip.
func lockSorted(ctx context.Context, tx querier, seed int64, keys []string) error {
	_, err := tx.ExecContext(ctx, lockSortedQuery, sortedKeys(keys), seed)
	return err
}

// lockSortedQuery takes the advisory locks of $1 (sorted keys) seeded with
// $2: unnest yields the array in order and the locks are taken row by row
// as it does, the order of the sorted array.
const lockSortedQuery = `SELECT pg_advisory_xact_lock(hashtextextended(k, $2)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`

// sortedKeys is keys sorted, each once: the order every ledger
// transaction takes its locks in.
func sortedKeys(keys []string) []string {
	ks := slices.Clone(keys)
	slices.Sort(ks)
	return slices.Compact(ks)
}

// LockCounted takes the ledger locks of persons and numbers (sorted,
// persons first) on PostgreSQL; on SQLite the
// batch already holds the writer lock.
func (b *BatchTx) LockCounted(ctx context.Context, persons, phones []string) error {
	if !b.db.postgres {
		return nil
	}
	keys := make([]string, 0, len(persons)+len(phones))
	for _, p := range persons {
		keys = append(keys, "person:"+p)
	}
	for _, p := range phones {
		if p != "" {
			keys = append(keys, "phone:"+p)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	if b.pipe != nil {
		// sent with the read that follows (LinksAndCounted), which the
		// server runs only once these locks are held
		b.pipe.add(pgStmt{query: lockSortedQuery, args: []any{sortedKeys(keys), int64(countedLockSeed)}})
		return nil
	}
	if err := lockSorted(ctx, b.tx, countedLockSeed, keys); err != nil {
		return fmt.Errorf("ledger batch: lock persons and numbers: %w", err)
	}
	return nil
}

// bulkSQL is the batch's statements in one back end's dialect. Each has
// one fixed text whatever the batch's size — lists go as one argument (a
// JSON array on SQLite, arrays on PostgreSQL) — so SQLite prepares each
// once per process (prepareBulk) and pgx caches each per connection,
// instead of parsing a statement the size of the batch every time.
type bulkSQL struct {
	debtors, blocks, links, counted, byID string
	// blocksNotEnded: the blocks of the debtors that have not ended by an
	// instant, begun or not (BatchTx.BlocksNotEnded)
	blocksNotEnded string
	// PostgreSQL: the debtors with their numbers and their blocks in
	// force, as one statement (BatchTx.DebtorsAndBlocks).
	debtorsBlocks string
	// PostgreSQL: the persons' links and the entries counted for them and
	// the numbers, as one statement (BatchTx.LinksAndCounted).
	linksCounted string
	// PostgreSQL: one statement each, the rows as one array per column.
	// SQLite: insert and audit are keyed by how many rows they take
	// (sqliteChunks), set is one row's update.
	insert, audit map[int]string
	set           string
	// SQLite: set for that many rows at once (sqliteChunks), UPDATE … FROM VALUES.
	setRows map[int]string
	// PostgreSQL: insert, set and audit in one statement (BatchTx.Write).
	writeAll string
	// PostgreSQL: the batch's statements that run on their generic plans,
	// whose good plan does not depend on the data (pgPipe's Plans).
	genericPlans map[string]bool
}

// sqliteChunks are the row counts SQLite's multi-row inserts come in: a
// batch of n rows runs as chunks of these, largest first, each a statement
// prepared once (JSON rows decoded column by column cost more than the
// statements' parsing they saved).
var sqliteChunks = []int{64, 16, 4, 1}

// list is the condition "col is one of the list argument".
func list(postgres bool, col string) string {
	if postgres {
		return col + " = ANY(?)"
	}
	return col + " IN (SELECT value FROM json_each(?))"
}

func newBulkSQL(postgres bool) bulkSQL {
	// An entry is most often found both by its person and by its number:
	// each is read and sent once. PostgreSQL ORs the two index scans'
	// bitmaps; SQLite unites the rowids (which both indexes hold) before
	// it reads the table.
	counted := `SELECT ` + entryCols + ` FROM ledger WHERE (` + list(postgres, "person_id") + ` AND at >= ?
		OR ` + list(postgres, "phone") + ` AND at >= ?) AND state <> ?`
	if !postgres {
		counted = `SELECT ` + entryCols + ` FROM ledger WHERE rowid IN (
			SELECT rowid FROM ledger WHERE ` + list(postgres, "person_id") + ` AND at >= ?
			UNION SELECT rowid FROM ledger WHERE ` + list(postgres, "phone") + ` AND at >= ?) AND state <> ?`
	}
	b := bulkSQL{
		// One statement for the debtors and their numbers (a debtor without
		// one comes once, with a NULL number).
		debtors: `SELECT d.id, d.name, d.region, d.district, d.person_id, d.match_key, p.phone FROM debtors d
		LEFT JOIN phones p ON p.debtor_id = d.id WHERE ` + list(postgres, "d.id") + ` ORDER BY d.id, p.position`,
		blocks: `SELECT id, debtor_id, phone, kind, note, since, until FROM blocks
		WHERE ` + list(postgres, "debtor_id") + ` AND since <= ? AND (until = 0 OR until > ?) ORDER BY id`,
		blocksNotEnded: `SELECT id, debtor_id, phone, kind, note, since, until FROM blocks
		WHERE ` + list(postgres, "debtor_id") + ` AND (until = 0 OR until > ?) ORDER BY id`,
		links:   `SELECT person_id, counts_person_id, before_at FROM person_links WHERE ` + list(postgres, "person_id"),
		counted: counted,
		byID:    `SELECT ` + entryCols + ` FROM ledger WHERE ` + list(postgres, "id"),
	}
	const auditCols = `at, debtor_id, action, allowed, reason, reasons, detail, reservation_id, channel, kind, zone, local_time, next_allowed_at, holder`
	b.insert, b.audit = map[int]string{}, map[int]string{}
	if postgres {
		b.insert[0] = rebind(`INSERT INTO ledger (` + entryCols + `) SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])`)
		b.set = rebind(`UPDATE ledger SET kind = v.kind, state = v.state, closed_at = v.closed_at
			FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) AS v(id, kind, state, closed_at) WHERE ledger.id = v.id`)
		// ORDER BY n: the audit's ids follow the batch's order.
		b.audit[0] = rebind(`INSERT INTO audit (` + auditCols + `) SELECT ` + auditCols + ` FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY AS v(` + auditCols + `, n) ORDER BY n`)
		// The three as data-modifying parts of one statement: one round trip
		// for a batch's writes. They see the same snapshot, so the update
		// never meets a row the insert adds: SetEntries' rows exist before
		// the batch (the guard writes entries it made in their final state).
		b.writeAll = rebind(`WITH ins AS (INSERT INTO ledger (` + entryCols + `) SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
			?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])),
		upd AS (UPDATE ledger SET kind = v.kind, state = v.state, closed_at = v.closed_at
			FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[]) AS v(id, kind, state, closed_at) WHERE ledger.id = v.id RETURNING 1),
		aud AS (INSERT INTO audit (` + auditCols + `) SELECT ` + auditCols + ` FROM unnest(?::bigint[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[],
			?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY AS v(` + auditCols + `, n) ORDER BY n)
		SELECT CASE WHEN n = w THEN n ELSE ('ledger batch: ' || n || ' rows matched of ' || w || ' entries to close')::bigint END
		FROM (SELECT count(*) AS n, ?::bigint AS w FROM upd) c`)
		// Each debtor's numbers by the phones index, whatever the planner
		// knows: before the first ANALYZE of a freshly imported portfolio
		// it joined by reading all of phones for every batch (a hash join
		// on its default estimates), most of a batch's time at 500/s.
		// OFFSET 0 keeps the subquery from being flattened into that join.
		b.debtors = `SELECT d.id, d.name, d.region, d.district, d.person_id, d.match_key, p.phone FROM debtors d
		LEFT JOIN LATERAL (SELECT phone, position FROM phones WHERE debtor_id = d.id OFFSET 0) p ON true
		WHERE d.id = ANY(?) ORDER BY d.id, p.position`
		// Tagged rows: 0 a debtor and one of its numbers (in order), 1 one
		// of its blocks in force. Blocks are written without the ledger
		// locks, so reading them with the debtors (after the debtors' locks)
		// sees them as exactly as a statement of their own did.
		b.debtorsBlocks = `SELECT 0 AS t, d.id, d.name, d.region, d.district, d.person_id, d.match_key, p.phone, p.position AS n, '' AS kind, '' AS note, 0::bigint AS since, 0::bigint AS until
		FROM debtors d LEFT JOIN LATERAL (SELECT phone, position FROM phones WHERE debtor_id = d.id OFFSET 0) p ON true WHERE d.id = ANY(?)
		UNION ALL SELECT 1, debtor_id, '', '', '', '', '', phone, id, kind, note, since, until FROM blocks
		WHERE debtor_id = ANY(?) AND since <= ? AND (until = 0 OR until > ?)
		ORDER BY t, 2, n`
		// Tagged rows: 1 a link (person, the person it counts, up to when
		// in the id, debtor_id and at columns), 0 a counted entry of the
		// persons, of those they count, or of the numbers. One statement
		// reads both under the persons' locks taken before it.
		// Each key is looked up on its own (LATERAL … OFFSET 0), so the
		// plan reads the indexes whatever the planner knows of the tables
		// and is made once per connection (pgPipe's Plans). An entry found
		// both by its person and by its number comes twice; the caller
		// keeps one.
		b.linksCounted = `WITH lk AS MATERIALIZED (SELECT l.person_id, l.counts_person_id, l.before_at FROM unnest(?::text[]) k(p)
			CROSS JOIN LATERAL (SELECT person_id, counts_person_id, before_at FROM person_links WHERE person_id = k.p OFFSET 0) l)
		SELECT 1 AS t, person_id, counts_person_id, '', '', '', before_at, 0::bigint, 0::bigint, '', '', '', 0::bigint, '' FROM lk
		UNION ALL SELECT 0, e.* FROM unnest(?::text[] || ARRAY(SELECT counts_person_id FROM lk)) k(p)
			CROSS JOIN LATERAL (SELECT ` + entryCols + ` FROM ledger WHERE person_id = k.p AND at >= ? AND state <> ? OFFSET 0) e
		UNION ALL SELECT 0, e.* FROM unnest(?::text[]) k(p)
			CROSS JOIN LATERAL (SELECT ` + entryCols + ` FROM ledger WHERE phone = k.p AND at >= ? AND state <> ? OFFSET 0) e`
		for _, q := range []*string{&b.debtors, &b.blocks, &b.blocksNotEnded, &b.links, &b.counted, &b.byID, &b.debtorsBlocks, &b.linksCounted} {
			*q = rebind(*q)
		}
		b.genericPlans = map[string]bool{pgDebtorLockQuery: true, lockSortedQuery: true, b.debtorsBlocks: true, b.linksCounted: true}
		return b
	}
	rows := func(n, cols int) string {
		r := make([]string, n)
		for i := range r {
			r[i] = "(" + placeholders(cols) + ")"
		}
		return strings.Join(r, ", ")
	}
	for _, n := range sqliteChunks {
		b.insert[n] = `INSERT INTO ledger (` + entryCols + `) VALUES ` + rows(n, 13)
		b.audit[n] = `INSERT INTO audit (` + auditCols + `) VALUES ` + rows(n, 14)
	}
	b.set = `UPDATE ledger SET kind = ?, state = ?, closed_at = ? WHERE id = ?`
	b.setRows = map[int]string{}
	for _, n := range sqliteChunks {
		b.setRows[n] = `UPDATE ledger SET kind = v.column2, state = v.column3, closed_at = v.column4 FROM (VALUES ` + rows(n, 4) + `) AS v WHERE ledger.id = v.column1`
	}
	return b
}

// statements lists every statement of b.
func (b bulkSQL) statements() []string {
	qs := []string{b.debtors, b.blocks, b.blocksNotEnded, b.links, b.counted, b.byID, b.set, ledgerVersionQuery}
	for _, m := range []map[int]string{b.insert, b.audit, b.setRows} {
		for _, q := range m {
			qs = append(qs, q)
		}
	}
	return qs
}

// prepareBulk prepares SQLite's batch statements on the writer connection
// while it is idle (at Open); each batch's transaction then reuses them
// (batchQuerier.stmt, database/sql's Tx.StmtContext).
func (db *DB) prepareBulk(ctx context.Context) error {
	db.stmts = map[string]*sql.Stmt{}
	for _, q := range db.bulk.statements() {
		st, err := db.sql.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare ledger batch statement: %w", err)
		}
		db.stmts[q] = st
	}
	return nil
}

// arg is a list argument in the back end's form.
func (b *BatchTx) arg(vals []string) (any, error) {
	if b.db.postgres {
		return vals, nil
	}
	return jsonArg(vals)
}

// jsonArg encodes a list for SQLite's json_each. JSON cannot carry bytes
// that are not UTF-8: such a string is refused, not silently replaced.
func jsonArg(v []string) (string, error) {
	for _, x := range v {
		if !utf8.ValidString(x) {
			return "", fmt.Errorf("ledger batch: %q is not valid UTF-8", x)
		}
	}
	if v == nil {
		return "[]", nil
	}
	j, err := json.Marshal(v)
	return string(j), err
}

// Debtors returns the stored debtors among ids, with their phones; a
// debtor not stored is absent from the map.
func (b *BatchTx) Debtors(ctx context.Context, ids []string) (map[string]Debtor, error) {
	out := make(map[string]Debtor, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	a, err := b.arg(ids)
	if err != nil {
		return nil, err
	}
	rows, err := b.tx.QueryContext(ctx, b.db.bulk.debtors, a)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: debtors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d Debtor
		var phone sql.NullString
		if err := rows.Scan(&d.ID, &d.Name, &d.Region, &d.District, &d.PersonID, &d.MatchKey, &phone); err != nil {
			return nil, fmt.Errorf("ledger batch: debtors: %w", err)
		}
		if have, ok := out[d.ID]; ok {
			d = have
		}
		if phone.Valid {
			d.Phones = append(d.Phones, phone.String)
		}
		out[d.ID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batch: debtors: %w", err)
	}
	return out, nil
}

// DebtorsAndBlocks is Debtors and Blocks together: on PostgreSQL one
// statement, one round trip instead of two.
func (b *BatchTx) DebtorsAndBlocks(ctx context.Context, ids []string, at time.Time) (map[string]Debtor, map[string][]Block, error) {
	if !b.db.postgres || len(ids) == 0 {
		ds, err := b.Debtors(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		bs, err := b.Blocks(ctx, ids, at)
		return ds, bs, err
	}
	ds, bs := make(map[string]Debtor, len(ids)), map[string][]Block{}
	scan := func(rows rowScanner) error {
		for rows.Next() {
			var tag int
			var d Debtor
			var phone sql.NullString
			var n sql.NullInt64
			var kind, note string
			var since, until int64
			if err := rows.Scan(&tag, &d.ID, &d.Name, &d.Region, &d.District, &d.PersonID, &d.MatchKey, &phone, &n, &kind, &note, &since, &until); err != nil {
				return err
			}
			if tag == 1 {
				bs[d.ID] = append(bs[d.ID], Block{ID: n.Int64, DebtorID: d.ID, Phone: phone.String, Kind: kind, Note: note, Since: fromNS(since), Until: fromNS(until)})
				continue
			}
			if have, ok := ds[d.ID]; ok {
				d = have
			}
			if phone.Valid {
				d.Phones = append(d.Phones, phone.String)
			}
			ds[d.ID] = d
		}
		return rows.Err()
	}
	if err := b.pgQuery(ctx, b.db.bulk.debtorsBlocks, []any{ids, ids, ns(at), ns(at)}, scan); err != nil {
		return nil, nil, fmt.Errorf("ledger batch: debtors and blocks: %w", err)
	}
	return ds, bs, nil
}

// pgQuery runs a PostgreSQL read and hands its rows to scan: in a
// pipelined batch with the statements pending before it, in one round trip.
func (b *BatchTx) pgQuery(ctx context.Context, query string, args []any, scan func(rowScanner) error) error {
	if b.pipe != nil {
		return b.pipe.send(ctx, query, args, scan)
	}
	rows, err := b.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return scan(rows)
}

// Blocks returns the blocks in force at at of the debtors in ids, by debtor.
func (b *BatchTx) Blocks(ctx context.Context, ids []string, at time.Time) (map[string][]Block, error) {
	out := map[string][]Block{}
	if len(ids) == 0 {
		return out, nil
	}
	a, err := b.arg(ids)
	if err != nil {
		return nil, err
	}
	return b.blocks(ctx, b.db.bulk.blocks, a, ns(at), ns(at))
}

// BlocksNotEnded returns the blocks of the debtors in ids that have not
// ended at at — in force then or beginning later — by debtor: what a
// guard keeping them between batches filters by each batch's instant.
func (b *BatchTx) BlocksNotEnded(ctx context.Context, ids []string, at time.Time) (map[string][]Block, error) {
	if len(ids) == 0 {
		return map[string][]Block{}, nil
	}
	a, err := b.arg(ids)
	if err != nil {
		return nil, err
	}
	return b.blocks(ctx, b.db.bulk.blocksNotEnded, a, ns(at))
}

func (b *BatchTx) blocks(ctx context.Context, query string, args ...any) (map[string][]Block, error) {
	out := map[string][]Block{}
	rows, err := b.tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: blocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var bl Block
		var since, until int64
		if err := rows.Scan(&bl.ID, &bl.DebtorID, &bl.Phone, &bl.Kind, &bl.Note, &since, &until); err != nil {
			return nil, fmt.Errorf("ledger batch: blocks: %w", err)
		}
		bl.Since, bl.Until = fromNS(since), fromNS(until)
		out[bl.DebtorID] = append(out[bl.DebtorID], bl)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batch: blocks: %w", err)
	}
	return out, nil
}

// PersonLinks returns, for each of persons that counts another person's
// ledger (after a merge or a split, persons.go), that person and the
// instant up to which its entries count.
func (b *BatchTx) PersonLinks(ctx context.Context, persons []string) (map[string]map[string]time.Time, error) {
	out := map[string]map[string]time.Time{}
	if len(persons) == 0 {
		return out, nil
	}
	a, err := b.arg(persons)
	if err != nil {
		return nil, err
	}
	rows, err := b.tx.QueryContext(ctx, b.db.bulk.links, a)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: person links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, counts string
		var before int64
		if err := rows.Scan(&p, &counts, &before); err != nil {
			return nil, fmt.Errorf("ledger batch: person links: %w", err)
		}
		if out[p] == nil {
			out[p] = map[string]time.Time{}
		}
		out[p][counts] = time.Unix(0, before)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batch: person links: %w", err)
	}
	return out, nil
}

// CountedEntries returns the counted entries (all but released) from since
// on that were written under one of persons or made on one of phones, each
// once, in (at, id) order.
func (b *BatchTx) CountedEntries(ctx context.Context, persons, phones []string, since time.Time) ([]LedgerEntry, error) {
	var ph []string
	for _, p := range phones {
		if p != "" {
			ph = append(ph, p)
		}
	}
	if len(persons) == 0 && len(ph) == 0 {
		return nil, nil
	}
	pa, err := b.arg(persons)
	if err != nil {
		return nil, err
	}
	na, err := b.arg(ph)
	if err != nil {
		return nil, err
	}
	rows, err := b.tx.QueryContext(ctx, b.db.bulk.counted, pa, ns(since), na, ns(since), StateReleased)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: counted entries: %w", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: counted entries: %w", err)
	}
	slices.SortFunc(es, func(a, b LedgerEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return slices.CompactFunc(es, func(a, b LedgerEntry) bool { return a.ID == b.ID }), nil
}

// LinksAndCounted is PersonLinks of persons and then CountedEntries of
// persons, the persons they count, and phones: on PostgreSQL one statement,
// one round trip instead of two.
func (b *BatchTx) LinksAndCounted(ctx context.Context, persons, phones []string, since time.Time) (map[string]map[string]time.Time, []LedgerEntry, error) {
	var ph []string
	for _, p := range phones {
		if p != "" {
			ph = append(ph, p)
		}
	}
	if !b.db.postgres || len(persons) == 0 {
		links, err := b.PersonLinks(ctx, persons)
		if err != nil {
			return nil, nil, err
		}
		counted := slices.Clone(persons)
		for _, ls := range links {
			for p := range ls {
				counted = append(counted, p)
			}
		}
		slices.Sort(counted)
		es, err := b.CountedEntries(ctx, slices.Compact(counted), ph, since)
		return links, es, err
	}
	if ph == nil {
		ph = []string{}
	}
	links := map[string]map[string]time.Time{}
	var es []LedgerEntry
	scan := func(rows rowScanner) error {
		for rows.Next() {
			var tag int
			var e LedgerEntry
			var at, exp, closed, answered int64
			if err := rows.Scan(&tag, &e.ID, &e.DebtorID, &e.Channel, &e.Kind, &e.State, &at, &exp, &closed, &e.Holder, &e.Phone, &e.CallID, &answered, &e.PersonID); err != nil {
				return err
			}
			if tag == 1 {
				if links[e.ID] == nil {
					links[e.ID] = map[string]time.Time{}
				}
				links[e.ID][e.DebtorID] = time.Unix(0, at)
				continue
			}
			e.At, e.ExpiresAt, e.ClosedAt, e.AnsweredAt = fromNS(at), fromNS(exp), fromNS(closed), fromNS(answered)
			es = append(es, e)
		}
		return rows.Err()
	}
	if err := b.pgQuery(ctx, b.db.bulk.linksCounted, []any{persons, persons, ns(since), StateReleased, ph, ns(since), StateReleased}, scan); err != nil {
		return nil, nil, fmt.Errorf("ledger batch: links and counted entries: %w", err)
	}
	slices.SortFunc(es, func(a, b LedgerEntry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return links, slices.CompactFunc(es, func(a, b LedgerEntry) bool { return a.ID == b.ID }), nil
}

// DebtorsBlocksAndEntries is DebtorsAndBlocks of ids and EntriesByID of
// entryIDs: on PostgreSQL both reads go in one round trip. The entries to
// close are of debtors whose locks the batch holds (the guard refuses one
// of another debtor), so reading them before the persons' and numbers'
// locks finds what reading them after would.
func (b *BatchTx) DebtorsBlocksAndEntries(ctx context.Context, ids []string, at time.Time, entryIDs []string) (map[string]Debtor, map[string][]Block, []LedgerEntry, error) {
	if b.pipe == nil || len(ids) == 0 || len(entryIDs) == 0 {
		ds, bs, err := b.DebtorsAndBlocks(ctx, ids, at)
		if err != nil {
			return nil, nil, nil, err
		}
		es, err := b.EntriesByID(ctx, entryIDs)
		return ds, bs, es, err
	}
	var es []LedgerEntry
	b.pipe.read(b.db.bulk.byID, []any{entryIDs}, b.entriesInto(&es))
	ds, bs, err := b.DebtorsAndBlocks(ctx, ids, at)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w (with entries)", err)
	}
	return ds, bs, es, nil
}

// entriesInto is a scan of entryCols rows into *es.
func (b *BatchTx) entriesInto(es *[]LedgerEntry) func(rowScanner) error {
	return func(rows rowScanner) (err error) {
		*es, err = scanEntryRows(rows)
		return err
	}
}

// EntriesByID returns the entries among ids that exist, whatever their state.
func (b *BatchTx) EntriesByID(ctx context.Context, ids []string) ([]LedgerEntry, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	a, err := b.arg(ids)
	if err != nil {
		return nil, err
	}
	if b.pipe != nil {
		var es []LedgerEntry
		if err := b.pipe.send(ctx, b.db.bulk.byID, []any{a}, b.entriesInto(&es)); err != nil {
			return nil, fmt.Errorf("ledger batch: entries: %w", err)
		}
		return es, nil
	}
	rows, err := b.tx.QueryContext(ctx, b.db.bulk.byID, a)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: entries: %w", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: entries: %w", err)
	}
	return es, nil
}

// write runs a multi-row write: on PostgreSQL one statement taking one
// array per column, on SQLite chunks of prepared multi-row statements.
func (b *BatchTx) write(ctx context.Context, qs map[int]string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if !b.db.postgres {
		for _, n := range sqliteChunks {
			for len(rows) >= n {
				args := make([]any, 0, n*len(rows[0]))
				for _, r := range rows[:n] {
					args = append(args, r...)
				}
				if _, err := b.tx.ExecContext(ctx, qs[n], args...); err != nil {
					return err
				}
				rows = rows[n:]
			}
		}
		return nil
	}
	_, err := b.tx.ExecContext(ctx, qs[0], columns(rows, rows[0])...)
	return err
}

// columns turns rows into one array per column for PostgreSQL's unnest,
// each typed as the column of zero (a row of the statement's types; no
// rows give empty arrays of those types).
func columns(rows [][]any, zero []any) []any {
	cols := make([]any, len(zero))
	for c := range cols {
		switch zero[c].(type) {
		case int64:
			v := make([]int64, len(rows))
			for r := range rows {
				v[r] = rows[r][c].(int64)
			}
			cols[c] = v
		case int:
			v := make([]int32, len(rows))
			for r := range rows {
				v[r] = int32(rows[r][c].(int))
			}
			cols[c] = v
		default:
			v := make([]string, len(rows))
			for r := range rows {
				v[r] = rows[r][c].(string)
			}
			cols[c] = v
		}
	}
	return cols
}

// InsertEntries adds new entries, of the debtors the batch holds.
func (b *BatchTx) InsertEntries(ctx context.Context, es []LedgerEntry) error {
	if len(es) == 0 {
		return nil
	}
	if err := b.write(ctx, b.db.bulk.insert, entryRows(es)); err != nil {
		return fmt.Errorf("ledger batch: insert %d entries: %w", len(es), err)
	}
	return nil
}

// SetEntries writes the kind, state and closing time of existing entries
// (closed or expired in the batch) as given, each entry once; the caller
// has checked each transition under the batch's locks.
func (b *BatchTx) SetEntries(ctx context.Context, es []LedgerEntry) error {
	if len(es) == 0 {
		return nil
	}
	if !b.db.postgres {
		// In chunks of prepared multi-row updates, as the inserts: one
		// statement per entry cost a statement's overhead per close. The
		// guard changes each entry once per batch, so every row of a chunk
		// matches one entry, and a missing one shows in the count.
		rows := es
		for _, n := range sqliteChunks {
			for len(rows) >= n {
				args := make([]any, 0, 4*n)
				for _, e := range rows[:n] {
					args = append(args, e.ID, e.Kind, e.State, ns(e.ClosedAt))
				}
				res, err := b.tx.ExecContext(ctx, b.db.bulk.setRows[n], args...)
				if err != nil {
					return fmt.Errorf("ledger batch: set %d entries: %w", n, err)
				}
				if got, err := res.RowsAffected(); err != nil || got != int64(n) {
					return fmt.Errorf("ledger batch: set %d entries from %s: %d rows matched (%v)", n, rows[0].ID, got, err)
				}
				rows = rows[n:]
			}
		}
		return nil
	}
	ids, kinds, states, closed := make([]string, len(es)), make([]string, len(es)), make([]string, len(es)), make([]int64, len(es))
	for i, e := range es {
		ids[i], kinds[i], states[i], closed[i] = e.ID, e.Kind, e.State, ns(e.ClosedAt)
	}
	res, err := b.tx.ExecContext(ctx, b.db.bulk.set, ids, kinds, states, closed)
	if err != nil {
		return fmt.Errorf("ledger batch: set %d entries: %w", len(es), err)
	}
	if n, err := res.RowsAffected(); err != nil || n != int64(len(es)) {
		return fmt.Errorf("ledger batch: set %d entries: %d rows matched (%v)", len(es), n, err)
	}
	return nil
}

// Audit appends decisions to the audit log, in order, inside the batch:
// a decision and its ledger effect are stored together or not at all.
// Each record names its debtor.
func (b *BatchTx) Audit(ctx context.Context, recs []AuditRecord) error {
	if len(recs) == 0 {
		return nil
	}
	rows, err := auditRows(recs)
	if err != nil {
		return err
	}
	if err := b.write(ctx, b.db.bulk.audit, rows); err != nil {
		return fmt.Errorf("ledger batch: audit %d records: %w", len(recs), err)
	}
	return nil
}

func entryRows(es []LedgerEntry) [][]any {
	rows := make([][]any, len(es))
	for i, e := range es {
		person := e.PersonID
		if person == "" {
			person = e.DebtorID // a debtor without a person is one of its own
		}
		rows[i] = []any{e.ID, e.DebtorID, e.Channel, e.Kind, e.State, ns(e.At), ns(e.ExpiresAt), ns(e.ClosedAt), e.Holder, e.Phone, e.CallID, ns(e.AnsweredAt), person}
	}
	return rows
}

func auditRows(recs []AuditRecord) ([][]any, error) {
	rows := make([][]any, len(recs))
	for i, a := range recs {
		if a.DebtorID == "" {
			return nil, fmt.Errorf("ledger batch: audit record %q without a debtor", a.Action)
		}
		rows[i] = []any{ns(a.At), a.DebtorID, a.Action, boolInt(a.Allowed), a.Reason, strings.Join(a.Reasons, ","), a.Detail, a.ReservationID,
			a.Channel, a.Kind, a.Zone, a.LocalTime, ns(a.NextAllowedAt), a.Holder}
	}
	return rows, nil
}

// Write stores what a batch decided: its new entries, the kind, state and
// closing time of entries it closed (SetEntries' rules), and its audit
// records in order. On PostgreSQL it is one statement, one round trip;
// on SQLite (no round trips) the three writes of InsertEntries,
// SetEntries and Audit.
func (b *BatchTx) Write(ctx context.Context, added, changed []LedgerEntry, audit []AuditRecord) error {
	if !b.db.postgres {
		if err := b.InsertEntries(ctx, added); err != nil {
			return err
		}
		if err := b.SetEntries(ctx, changed); err != nil {
			return err
		}
		return b.Audit(ctx, audit)
	}
	if len(added)+len(changed)+len(audit) == 0 {
		return nil
	}
	ar, err := auditRows(audit)
	if err != nil {
		return err
	}
	ids, kinds, states, closed := make([]string, len(changed)), make([]string, len(changed)), make([]string, len(changed)), make([]int64, len(changed))
	for i, e := range changed {
		ids[i], kinds[i], states[i], closed[i] = e.ID, e.Kind, e.State, ns(e.ClosedAt)
	}
	zeroAudit, _ := auditRows([]AuditRecord{{DebtorID: "-"}})
	args := columns(entryRows(added), entryRows([]LedgerEntry{{}})[0])
	args = append(args, ids, kinds, states, closed)
	args = append(args, columns(ar, zeroAudit[0])...)
	args = append(args, int64(len(changed)))
	if b.pipe != nil {
		// Sent with COMMIT: the statement itself fails, and with it the
		// commit, if it matched another number of entries to close.
		b.pipe.add(pgStmt{query: b.db.bulk.writeAll, args: args, check: func(r pgx.Row) error {
			var n int64
			if err := r.Scan(&n); err != nil {
				return fmt.Errorf("ledger batch: write %d entries, %d closes, %d audit records: %w", len(added), len(changed), len(audit), err)
			}
			if n != int64(len(changed)) {
				return fmt.Errorf("ledger batch: set %d entries: %d rows matched", len(changed), n)
			}
			return nil
		}})
		return nil
	}
	var n int64
	if err := b.tx.QueryRowContext(ctx, b.db.bulk.writeAll, args...).Scan(&n); err != nil {
		return fmt.Errorf("ledger batch: write %d entries, %d closes, %d audit records: %w", len(added), len(changed), len(audit), err)
	}
	if n != int64(len(changed)) {
		return fmt.Errorf("ledger batch: set %d entries: %d rows matched", len(changed), n)
	}
	return nil
}
