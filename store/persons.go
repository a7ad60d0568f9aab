package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"
)

// personSchema is migration step 6. A person is the human behind one or more
// debtor records (contracts): 230-FZ limits interaction with the debtor, not
// with a contract, so the ledger counts per person (and per number, see
// compliance). person_manual marks a person set by hand (split or merge),
// which an import never changes. person_links keeps the history of a person
// counted after a merge or a split: person_id also counts the ledger entries
// written under counts_person_id up to before_at.
const personSchema = `ALTER TABLE debtors ADD COLUMN person_id TEXT NOT NULL DEFAULT '';
	ALTER TABLE debtors ADD COLUMN match_key TEXT NOT NULL DEFAULT '';
	ALTER TABLE debtors ADD COLUMN person_manual INTEGER NOT NULL DEFAULT 0;
	UPDATE debtors SET person_id = id;
	CREATE INDEX debtors_person ON debtors(person_id);
	ALTER TABLE ledger ADD COLUMN person_id TEXT NOT NULL DEFAULT '';
	UPDATE ledger SET person_id = debtor_id;
	CREATE INDEX ledger_person_at ON ledger(person_id, at);
	CREATE INDEX ledger_phone_at ON ledger(phone, at);
	CREATE TABLE person_links (
		person_id TEXT NOT NULL,
		counts_person_id TEXT NOT NULL,
		before_at BIGINT NOT NULL,
		PRIMARY KEY (person_id, counts_person_id)
	)`

// newPersonID names a person found at import by the smallest debtor id of
// its records: the same file imported twice gives the same person.
func newPersonID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return "p-" + hex.EncodeToString(h[:8])
}

// unionFind groups records that are one person. Hand-written: it is the
// textbook twenty lines (path halving, union by size), no library needed.
type unionFind struct{ parent, size []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n), size: make([]int, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = i, 1
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}

// personRecord is one debtor record as the person merge sees it.
type personRecord struct {
	id, person, matchKey string
	manual               bool
	phones               []string
}

// assignPersons merges records into persons: records sharing a person
// already, a match key (normalised name and birth date) or a phone number are
// one person, transitively. A record whose person was set by hand joins no
// one by key or phone. It returns each record's person (index-aligned) and the
// persons absorbed into another, old → new.
func assignPersons(recs []personRecord) (persons []string, absorbed map[string]string) {
	u := newUnionFind(len(recs))
	first := map[string]int{}
	join := func(key string, i int) {
		if j, ok := first[key]; ok {
			u.union(i, j)
		} else {
			first[key] = i
		}
	}
	for i, r := range recs {
		if r.person != "" {
			join("person\x00"+r.person, i)
		}
		if r.manual {
			continue
		}
		if r.matchKey != "" {
			join("match\x00"+r.matchKey, i)
		}
		for _, p := range r.phones {
			join("phone\x00"+p, i)
		}
	}
	// The person of a group: the smallest person it already has (stable
	// across imports), else one named after its smallest record id.
	type group struct{ person, minID string }
	groups := map[int]*group{}
	for i, r := range recs {
		g := groups[u.find(i)]
		if g == nil {
			g = &group{minID: r.id}
			groups[u.find(i)] = g
		}
		if r.person != "" && (g.person == "" || r.person < g.person) {
			g.person = r.person
		}
		g.minID = min(g.minID, r.id)
	}
	persons = make([]string, len(recs))
	absorbed = map[string]string{}
	for i, r := range recs {
		g := groups[u.find(i)]
		if g.person == "" {
			g.person = newPersonID(g.minID)
		}
		persons[i] = g.person
		if r.person != "" && r.person != g.person {
			absorbed[r.person] = g.person
		}
	}
	return persons, absorbed
}

// loadPersonRecords reads every stored debtor with its person and phones.
func (db *DB) loadPersonRecords(ctx context.Context, tx *sql.Tx) ([]personRecord, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, person_id, match_key, person_manual FROM debtors ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var recs []personRecord
	at := map[string]int{}
	for rows.Next() {
		var r personRecord
		var manual int
		if err := rows.Scan(&r.id, &r.person, &r.matchKey, &manual); err != nil {
			rows.Close()
			return nil, err
		}
		r.manual = manual == 1
		at[r.id] = len(recs)
		recs = append(recs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	prows, err := tx.QueryContext(ctx, `SELECT debtor_id, phone FROM phones ORDER BY debtor_id, position`)
	if err != nil {
		return nil, err
	}
	defer prows.Close()
	for prows.Next() {
		var id, p string
		if err := prows.Scan(&id, &p); err != nil {
			return nil, err
		}
		if i, ok := at[id]; ok {
			recs[i].phones = append(recs[i].phones, p)
		}
	}
	return recs, prows.Err()
}

// relink makes person to count the ledger of from written before at, and
// everything from counted already (links are followed one step only, so
// they are copied).
func (db *DB) relink(ctx context.Context, tx *sql.Tx, to, from string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO person_links (person_id, counts_person_id, before_at) VALUES (?, ?, ?)
		ON CONFLICT (person_id, counts_person_id) DO UPDATE SET before_at = excluded.before_at`), to, from, ns(at)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, db.q(`INSERT INTO person_links (person_id, counts_person_id, before_at)
		SELECT ?, counts_person_id, before_at FROM person_links WHERE person_id = ? AND counts_person_id <> ?
		ON CONFLICT (person_id, counts_person_id) DO NOTHING`), to, from, to)
	return err
}

// lockKeys takes, on PostgreSQL, transaction-scoped advisory locks on keys in
// the order given; on SQLite the transaction already holds the write lock.
func (db *DB) lockKeys(ctx context.Context, tx querier, keys ...string) error {
	if !db.postgres {
		return nil
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 7256))`, k); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
	}
	return nil
}

// Person is the records one person has in the store.
type Person struct {
	ID      string
	Manual  bool     // set by hand (split, merge): imports leave it alone
	Debtors []string // debtor ids, sorted
}

// PersonOf returns the person of a debtor with all of its records.
func (db *DB) PersonOf(ctx context.Context, debtorID string) (Person, error) {
	return db.personOf(ctx, db.rd, debtorID)
}

func (db *DB) personOf(ctx context.Context, q querier, debtorID string) (Person, error) {
	var p Person
	var manual int
	err := q.QueryRowContext(ctx, db.q(`SELECT person_id, person_manual FROM debtors WHERE id = ?`), debtorID).Scan(&p.ID, &manual)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, fmt.Errorf("person of %s: %w", debtorID, ErrNotFound)
	}
	if err != nil {
		return Person{}, fmt.Errorf("person of %s: %w", debtorID, err)
	}
	p.Manual = manual == 1
	if p.Debtors, err = db.texts(ctx, q, `SELECT id FROM debtors WHERE person_id = ? ORDER BY id`, p.ID); err != nil {
		return Person{}, fmt.Errorf("person of %s: %w", debtorID, err)
	}
	return p, nil
}

// texts runs a query of one text column and returns its values in order.
func (db *DB) texts(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, db.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// PersonChange is what a split or merge did.
type PersonChange struct {
	From, To string   // the person ids before and after
	Debtors  []string // the records that moved
}

// SplitPerson corrects a wrong merge: the debtor leaves its person for a new
// one of its own, set by hand so no import merges it back. The stricter
// reading of the past holds: the ledger of the old person before at (now, on
// the guard's clock) still counts for both. The change is audited under the debtor with note.
func (db *DB) SplitPerson(ctx context.Context, debtorID, note string, at time.Time) (PersonChange, error) {
	return db.rekey(ctx, "split", debtorID, at, func(ctx context.Context, tx *sql.Tx, now time.Time) (PersonChange, error) {
		p, err := db.personOf(ctx, tx, debtorID)
		if err != nil {
			return PersonChange{}, err
		}
		if len(p.Debtors) < 2 {
			return PersonChange{}, fmt.Errorf("debtor %s is the only record of person %s: nothing to split", debtorID, p.ID)
		}
		to := newPersonID(fmt.Sprintf("split|%s|%d", debtorID, now.UnixNano()))
		return PersonChange{From: p.ID, To: to, Debtors: []string{debtorID}}, nil
	}, note)
}

// MergePersons corrects a missed merge: every record of debtorID's person
// joins the person of intoID, set by hand. The merged person counts the
// ledger of both from the start. Audited under every moved debtor with note.
func (db *DB) MergePersons(ctx context.Context, debtorID, intoID, note string, at time.Time) (PersonChange, error) {
	return db.rekey(ctx, "merge", debtorID, at, func(ctx context.Context, tx *sql.Tx, now time.Time) (PersonChange, error) {
		from, err := db.personOf(ctx, tx, debtorID)
		if err != nil {
			return PersonChange{}, err
		}
		to, err := db.personOf(ctx, tx, intoID)
		if err != nil {
			return PersonChange{}, err
		}
		if from.ID == to.ID {
			return PersonChange{}, fmt.Errorf("debtors %s and %s are already one person %s", debtorID, intoID, to.ID)
		}
		return PersonChange{From: from.ID, To: to.ID, Debtors: from.Debtors}, nil
	}, note)
}

// rekey runs one correction in one transaction: plan decides the change, then
// the records move and are pinned (set by hand), the new person counts the
// old one's ledger before now (the old person keeps its own entries, the
// moved records' past among them) and every moved record gets an audit line.
func (db *DB) rekey(ctx context.Context, action, debtorID string, at time.Time,
	plan func(ctx context.Context, tx *sql.Tx, now time.Time) (PersonChange, error), note string) (PersonChange, error) {
	fail := func(err error) (PersonChange, error) {
		return PersonChange{}, fmt.Errorf("person %s %s: %w", action, debtorID, err)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	now := at.UTC()
	ch, err := plan(ctx, tx, now)
	if err != nil {
		return fail(err)
	}
	persons := []string{ch.From, ch.To}
	slices.SortFunc(persons, cmp.Compare) // one order for every correction: no circular wait
	if err := db.lockKeys(ctx, tx, "person:"+persons[0], "person:"+persons[1]); err != nil {
		return fail(err)
	}
	if err := db.relink(ctx, tx, ch.To, ch.From, now); err != nil {
		return fail(err)
	}
	for _, id := range ch.Debtors {
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE debtors SET person_id = ?, person_manual = 1 WHERE id = ?`), ch.To, id); err != nil {
			return fail(err)
		}
		detail := fmt.Sprintf("person %s: moved from %s to %s; the ledger of %s before %s still counts for %s",
			action, ch.From, ch.To, ch.From, now.Format(time.RFC3339), ch.To)
		if action == "split" {
			detail += " and " + ch.From + " keeps it"
		}
		if note != "" {
			detail += "; note: " + note
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit (at, debtor_id, action, allowed, reason, detail, holder) VALUES (?, ?, ?, 1, ?, ?, ?)`),
			ns(now), id, "person_"+action, action, detail, "dozvon debtor "+action); err != nil {
			return fail(err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return ch, nil
}

// DebtorID is the debtor whose ledger lock the transaction holds.
func (t *Tx) DebtorID() string { return t.debtorID }
