package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// BatchTx is one transaction deciding many ledger requests together (the
// guard's group commit): it holds the ledger locks of every debtor it was
// opened for, and reads and writes for all of them with a few statements —
// one fsync and a handful of round trips for a whole batch instead of a
// dozen statements and a commit per decision.
type BatchTx struct {
	db *DB
	tx querier
}

// Advisory lock seeds: a debtor's ledger, and the counted ledgers (persons,
// numbers) taken after it. WithDebtor and LockCounted use the same.
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
// ("person:…" before "phone:…", as LockCounted), so two nodes' batches can
// never wait on each other in a circle. The transaction commits when fn
// returns nil; fn's statements are not cancelled by ctx once it has started.
func (db *DB) LedgerBatch(ctx context.Context, debtorIDs []string, fn func(tx *BatchTx) error) error {
	if len(debtorIDs) == 0 {
		return fmt.Errorf("ledger batch: no debtors")
	}
	if slices.Contains(debtorIDs, "") {
		return fmt.Errorf("ledger batch: empty debtor id")
	}
	if !db.postgres {
		return db.batch.do(ctx, "batch of "+debtorIDs[0], func(tx *Tx) error { return fn(&BatchTx{db: db, tx: tx.tx}) })
	}
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger batch: begin: %w", err)
	}
	defer stx.Rollback()
	bg := context.WithoutCancel(ctx)
	if err := lockSorted(bg, stx, debtorLockSeed, debtorIDs); err != nil {
		return fmt.Errorf("ledger batch: lock debtors: %w", err)
	}
	if err := fn(&BatchTx{db: db, tx: stx}); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("ledger batch: commit: %w", err)
	}
	return nil
}

// lockSorted takes PostgreSQL transaction-scoped advisory locks on keys, in
// sorted order and each once, in one round trip.
func lockSorted(ctx context.Context, tx querier, seed int64, keys []string) error {
	ks := slices.Clone(keys)
	slices.Sort(ks)
	ks = slices.Compact(ks)
	// unnest yields the array in order and the locks are taken row by row
	// as it does: the order of the sorted array.
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(k, $2)) FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n`, ks, seed)
	return err
}

// LockCounted takes the ledger locks of persons and numbers (each class
// sorted, persons first, as Tx.LockCounted) on PostgreSQL; on SQLite the
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
	if err := lockSorted(ctx, b.tx, countedLockSeed, keys); err != nil {
		return fmt.Errorf("ledger batch: lock persons and numbers: %w", err)
	}
	return nil
}

// in returns "(?, ?, …)" for n values and the values as arguments.
func in(vals []string) (string, []any) {
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	return "(" + placeholders(len(vals)) + ")", args
}

// Debtors returns the stored debtors among ids, with their phones; a
// debtor not stored is absent from the map.
func (b *BatchTx) Debtors(ctx context.Context, ids []string) (map[string]Debtor, error) {
	out := make(map[string]Debtor, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, args := in(ids)
	rows, err := b.tx.QueryContext(ctx, b.db.q(`SELECT id, name, region, district, person_id, match_key FROM debtors WHERE id IN `+list), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: debtors: %w", err)
	}
	for rows.Next() {
		var d Debtor
		if err := rows.Scan(&d.ID, &d.Name, &d.Region, &d.District, &d.PersonID, &d.MatchKey); err != nil {
			rows.Close()
			return nil, fmt.Errorf("ledger batch: debtors: %w", err)
		}
		out[d.ID] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batch: debtors: %w", err)
	}
	prows, err := b.tx.QueryContext(ctx, b.db.q(`SELECT debtor_id, phone FROM phones WHERE debtor_id IN `+list+` ORDER BY debtor_id, position`), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: phones: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var id, p string
		if err := prows.Scan(&id, &p); err != nil {
			return nil, fmt.Errorf("ledger batch: phones: %w", err)
		}
		if d, ok := out[id]; ok {
			d.Phones = append(d.Phones, p)
			out[id] = d
		}
	}
	if err := prows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batch: phones: %w", err)
	}
	return out, nil
}

// Blocks returns the blocks in force at at of the debtors in ids, by debtor.
func (b *BatchTx) Blocks(ctx context.Context, ids []string, at time.Time) (map[string][]Block, error) {
	out := map[string][]Block{}
	if len(ids) == 0 {
		return out, nil
	}
	list, args := in(ids)
	rows, err := b.tx.QueryContext(ctx, b.db.q(`SELECT id, debtor_id, phone, kind, note, since, until FROM blocks
		WHERE debtor_id IN `+list+` AND since <= ? AND (until = 0 OR until > ?) ORDER BY id`), append(args, ns(at), ns(at))...)
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
	list, args := in(persons)
	rows, err := b.tx.QueryContext(ctx, b.db.q(`SELECT person_id, counts_person_id, before_at FROM person_links WHERE person_id IN `+list), args...)
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
	var parts []string
	var args []any
	if len(persons) > 0 {
		list, a := in(persons)
		parts = append(parts, `SELECT `+entryCols+` FROM ledger WHERE person_id IN `+list+` AND at >= ? AND state <> ?`)
		args = append(append(args, a...), ns(since), StateReleased)
	}
	var ph []string
	for _, p := range phones {
		if p != "" {
			ph = append(ph, p)
		}
	}
	if len(ph) > 0 {
		list, a := in(ph)
		parts = append(parts, `SELECT `+entryCols+` FROM ledger WHERE phone IN `+list+` AND at >= ? AND state <> ?`)
		args = append(append(args, a...), ns(since), StateReleased)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rows, err := b.tx.QueryContext(ctx, b.db.q(strings.Join(parts, " UNION ALL ")), args...)
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

// EntriesByID returns the entries among ids that exist, whatever their state.
func (b *BatchTx) EntriesByID(ctx context.Context, ids []string) ([]LedgerEntry, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	list, args := in(ids)
	rows, err := b.tx.QueryContext(ctx, b.db.q(`SELECT `+entryCols+` FROM ledger WHERE id IN `+list), args...)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: entries: %w", err)
	}
	es, err := scanEntries(rows)
	if err != nil {
		return nil, fmt.Errorf("ledger batch: entries: %w", err)
	}
	return es, nil
}

// batchRows bounds the rows of one multi-row statement (SQLite allows
// 32,766 parameters, PostgreSQL 65,535).
const batchRows = 500

// InsertEntries adds new entries, of the debtors the batch holds.
func (b *BatchTx) InsertEntries(ctx context.Context, es []LedgerEntry) error {
	for chunk := range slices.Chunk(es, batchRows) {
		args := make([]any, 0, 13*len(chunk))
		rows := make([]string, len(chunk))
		for i, e := range chunk {
			person := e.PersonID
			if person == "" {
				person = e.DebtorID // a debtor without a person is one of its own
			}
			rows[i] = "(" + placeholders(13) + ")"
			args = append(args, e.ID, e.DebtorID, e.Channel, e.Kind, e.State, ns(e.At), ns(e.ExpiresAt), ns(e.ClosedAt), e.Holder, e.Phone, e.CallID, ns(e.AnsweredAt), person)
		}
		if _, err := b.tx.ExecContext(ctx, b.db.q(`INSERT INTO ledger (`+entryCols+`) VALUES `+strings.Join(rows, ", ")), args...); err != nil {
			return fmt.Errorf("ledger batch: insert %d entries: %w", len(chunk), err)
		}
	}
	return nil
}

// SetEntries writes the kind, state and closing time of existing entries
// (closed or expired in the batch) as given; the caller has checked each
// transition under the batch's locks.
func (b *BatchTx) SetEntries(ctx context.Context, es []LedgerEntry) error {
	for chunk := range slices.Chunk(es, batchRows) {
		args := make([]any, 0, 4*len(chunk))
		rows := make([]string, len(chunk))
		for i, e := range chunk {
			rows[i] = "(?, ?, ?, CAST(? AS BIGINT))"
			args = append(args, e.ID, e.Kind, e.State, ns(e.ClosedAt))
		}
		q := `WITH v(id, kind, state, closed_at) AS (VALUES ` + strings.Join(rows, ", ") + `)
			UPDATE ledger SET kind = v.kind, state = v.state, closed_at = v.closed_at FROM v WHERE ledger.id = v.id`
		res, err := b.tx.ExecContext(ctx, b.db.q(q), args...)
		if err != nil {
			return fmt.Errorf("ledger batch: set %d entries: %w", len(chunk), err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(chunk)) {
			return fmt.Errorf("ledger batch: set %d entries: %d rows matched (%v)", len(chunk), n, err)
		}
	}
	return nil
}

// Audit appends decisions to the audit log, in order, inside the batch:
// a decision and its ledger effect are stored together or not at all.
// Each record names its debtor.
func (b *BatchTx) Audit(ctx context.Context, recs []AuditRecord) error {
	for chunk := range slices.Chunk(recs, batchRows) {
		args := make([]any, 0, 14*len(chunk))
		rows := make([]string, len(chunk))
		for i, a := range chunk {
			if a.DebtorID == "" {
				return fmt.Errorf("ledger batch: audit record %q without a debtor", a.Action)
			}
			rows[i] = "(" + placeholders(14) + ")"
			args = append(args, ns(a.At), a.DebtorID, a.Action, boolInt(a.Allowed), a.Reason, strings.Join(a.Reasons, ","), a.Detail, a.ReservationID,
				a.Channel, a.Kind, a.Zone, a.LocalTime, ns(a.NextAllowedAt), a.Holder)
		}
		if _, err := b.tx.ExecContext(ctx, b.db.q(`INSERT INTO audit (at, debtor_id, action, allowed, reason, reasons, detail, reservation_id, channel, kind, zone, local_time, next_allowed_at, holder)
		VALUES `+strings.Join(rows, ", ")), args...); err != nil {
			return fmt.Errorf("ledger batch: audit %d records: %w", len(chunk), err)
		}
	}
	return nil
}
