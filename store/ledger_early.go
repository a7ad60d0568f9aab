package store

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// CountedKey is what one reservation of a batch counts on, as known
// before its debtor is read: the debtor, and the person and number the
// request itself names ("" when it names none). The ledger finds the rest
// from the stored debtor, as the guard does: the person is the debtor's
// stored person, else the request's, else the debtor itself; the number is
// the request's, else the debtor's first.
type CountedKey struct {
	DebtorID, PersonID, Phone string
}

// Counted is what LockAndReadCounted found: the persons' and numbers'
// keys it locked ("person:…", "phone:…"), the persons and numbers the
// entries were read for, the links and the counted entries.
type Counted struct {
	Locked  []string
	Persons []string
	Phones  []string
	Links   map[string]map[string]time.Time
	Entries []LedgerEntry
}

// pgCountedKeys finds each request's person and number from the stored
// debtor in SQL, as the guard's reserveFacts does in Go, each debtor and its
// first number looked up by its index (LATERAL … OFFSET 0, a generic plan).
// $1 debtors, $2 the requests' persons, $3 their numbers.
const pgCountedKeys = `r AS MATERIALIZED (SELECT COALESCE(NULLIF(d.person_id, ''), NULLIF(q.rp, ''), q.did) AS person,
		COALESCE(NULLIF(q.rph, ''), (SELECT phone FROM phones WHERE debtor_id = q.did ORDER BY position LIMIT 1), '') AS phone
		FROM unnest($1::text[], $2::text[], $3::text[]) AS q(did, rp, rph)
		LEFT JOIN LATERAL (SELECT person_id FROM debtors WHERE id = q.did OFFSET 0) d ON true)`

// pgLockCountedEarly takes the locks LockCounted would take for the keys
// pgCountedKeys finds, sorted byte-wise (COLLATE "C": Go's order, which
// every other ledger transaction takes them in) and returns them. $4 the seed.
const pgLockCountedEarly = `WITH ` + pgCountedKeys + `
	SELECT array_agg(k ORDER BY n), count(l) FROM (SELECT k, n, pg_advisory_xact_lock(hashtextextended(k, $4)) AS l
		FROM unnest(ARRAY(SELECT DISTINCT x.k COLLATE "C" FROM (SELECT 'person:' || person AS k FROM r
			UNION ALL SELECT 'phone:' || phone FROM r WHERE phone <> '') x ORDER BY 1)) WITH ORDINALITY AS t(k, n) ORDER BY n) s`

// pgLinksCountedEarly is linksCounted for the keys pgCountedKeys finds
// (found again: a statement of its own, run after the locks), and, tagged
// 2, each request's person and number as it found them. $4 since, $5 the
// released state.
const pgLinksCountedEarly = `WITH ` + pgCountedKeys + `,
	ps AS MATERIALIZED (SELECT DISTINCT person FROM r),
	phs AS MATERIALIZED (SELECT DISTINCT phone FROM r WHERE phone <> ''),
	lk AS MATERIALIZED (SELECT l.person_id, l.counts_person_id, l.before_at FROM ps
		CROSS JOIN LATERAL (SELECT person_id, counts_person_id, before_at FROM person_links WHERE person_id = ps.person OFFSET 0) l)
	SELECT 2 AS t, person::text, phone::text, ''::text, ''::text, ''::text, 0::bigint, 0::bigint, 0::bigint, ''::text, ''::text, ''::text, 0::bigint, ''::text FROM r
	UNION ALL SELECT 1, person_id, counts_person_id, '', '', '', before_at, 0, 0, '', '', '', 0, '' FROM lk
	UNION ALL SELECT 0, e.* FROM (SELECT person AS p FROM ps UNION SELECT counts_person_id FROM lk) k
		CROSS JOIN LATERAL (SELECT ` + entryCols + ` FROM ledger WHERE person_id = k.p AND at >= $4 AND state <> $5 OFFSET 0) e
	UNION ALL SELECT 0, e.* FROM phs
		CROSS JOIN LATERAL (SELECT ` + entryCols + ` FROM ledger WHERE phone = phs.phone AND at >= $4 AND state <> $5 OFFSET 0) e`

// CanLockEarly tells whether LockAndReadCounted can be used: a pipelined
// PostgreSQL batch.
func (b *BatchTx) CanLockEarly() bool { return b.pipe != nil }

// LockAndReadCounted queues, on a pipelined PostgreSQL batch, the persons'
// and numbers' locks of keys and then the read of their links and counted
// entries, both finding each request's person and number from its stored
// debtor in SQL: they go out with the batch's next read (the debtors', whose
// locks were taken before them), so a reservation's batch needs one round
// trip fewer. The server runs the lock before the read, so the read's
// snapshot is taken with the locks held, as with LockCounted and
// LinksAndCounted. *into is filled once that read returns; the caller must
// check that the person and number it finds for each request from the
// debtors it read are among into.Locked, into.Persons and into.Phones (a
// debtor whose person changed between the statements), and else roll back.
func (b *BatchTx) LockAndReadCounted(keys []CountedKey, since time.Time, into *Counted) error {
	if b.pipe == nil {
		return fmt.Errorf("ledger batch: early counted locks need a pipelined PostgreSQL batch")
	}
	dids, rps, rphs := make([]string, len(keys)), make([]string, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		dids[i], rps[i], rphs[i] = k.DebtorID, k.PersonID, k.Phone
	}
	*into = Counted{Links: map[string]map[string]time.Time{}}
	b.pipe.read(pgLockCountedEarly, []any{dids, rps, rphs, int64(countedLockSeed)}, func(rows rowScanner) error {
		for rows.Next() {
			var n int64
			if err := rows.Scan(&into.Locked, &n); err != nil {
				return fmt.Errorf("ledger batch: lock persons and numbers: %w", err)
			}
		}
		return rows.Err()
	})
	b.pipe.read(pgLinksCountedEarly, []any{dids, rps, rphs, ns(since), StateReleased}, func(rows rowScanner) error {
		for rows.Next() {
			var tag int
			var e LedgerEntry
			var at, exp, closed, answered int64
			if err := rows.Scan(&tag, &e.ID, &e.DebtorID, &e.Channel, &e.Kind, &e.State, &at, &exp, &closed, &e.Holder, &e.Phone, &e.CallID, &answered, &e.PersonID); err != nil {
				return fmt.Errorf("ledger batch: links and counted entries: %w", err)
			}
			switch tag {
			case 2:
				into.Persons = append(into.Persons, e.ID)
				if e.DebtorID != "" {
					into.Phones = append(into.Phones, e.DebtorID)
				}
			case 1:
				if into.Links[e.ID] == nil {
					into.Links[e.ID] = map[string]time.Time{}
				}
				into.Links[e.ID][e.DebtorID] = time.Unix(0, at)
			default:
				e.At, e.ExpiresAt, e.ClosedAt, e.AnsweredAt = fromNS(at), fromNS(exp), fromNS(closed), fromNS(answered)
				into.Entries = append(into.Entries, e)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		slices.SortFunc(into.Entries, func(a, b LedgerEntry) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		into.Entries = slices.CompactFunc(into.Entries, func(a, b LedgerEntry) bool { return a.ID == b.ID })
		return nil
	})
	return nil
}
