package compliance

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/dozvon/dozvon/store"
)

// LedgerVersioned is what a Ledger may tell the guard: that its version
// (store.BatchTx.LedgerVersion) moves with every write of the ledger by
// anyone, so a view kept in memory between batches can be checked with one
// read. A ledger without it is read afresh by every batch.
type LedgerVersioned interface {
	LedgerVersioned() bool
}

// maxViewEntries bounds the view: past it the view starts again empty (a
// reload per key, no loss of exactness).
const maxViewEntries = 1 << 20

// ledgerView is the guard's ledger kept in memory between batches (SQLite,
// where one batch runs at a time): the counted entries and links of the
// persons and numbers batches asked for. A batch reads the ledger's version
// first; when it is the one this guard's last batch left, nobody else
// wrote the ledger or person_links since, and the view is the ledger as it
// is — the batch reads only the persons and numbers the view has not
// loaded. Any other version (another process on the file, this process's
// non-batch ledger writes, a person merge) empties the view, and a batch
// that fails empties it too, since its changes in memory were not kept.
type ledgerView struct {
	mu      sync.Mutex
	version int64 // -1: nothing loaded
	pending int64 // the version after the running batch's writes
	l       *batchLedger
	debtors map[string]viewDebtor
	// person or number → the look-back start its entries (a person's:
	// with its links and the entries of those it counts) were loaded from
	persons, phones map[string]time.Time
}

func newLedgerView() *ledgerView {
	v := &ledgerView{}
	v.reset()
	return v
}

func (v *ledgerView) reset() {
	v.version, v.pending = -1, -1
	v.l = newBatchLedger()
	v.persons, v.phones = map[string]time.Time{}, map[string]time.Time{}
	v.debtors = map[string]viewDebtor{}
}

// viewDebtor is a debtor as the view keeps it: its record (when stored)
// and its blocks not ended at from, filtered by each batch's instant.
type viewDebtor struct {
	d      store.Debtor
	stored bool
	blocks []store.Block
	from   time.Time
}

// check reads the ledger's version and empties the view unless it is the
// one the view was left at.
func (v *ledgerView) check(ctx context.Context, tx *store.BatchTx) error {
	ver, ok, err := tx.LedgerVersion(ctx)
	if err != nil {
		return err
	}
	if !ok || ver != v.version || len(v.l.byID)+len(v.l.loose)+len(v.debtors) > maxViewEntries {
		v.reset()
	}
	v.version = ver
	return nil
}

// debtorsAndBlocks is tx.DebtorsAndBlocks from the view: the debtors
// stored among ids, and their blocks in force at now.
func (v *ledgerView) debtorsAndBlocks(ctx context.Context, tx *store.BatchTx, ids []string, now time.Time) (map[string]store.Debtor, map[string][]store.Block, error) {
	var missing []string
	for _, id := range ids {
		if vd, ok := v.debtors[id]; !ok || now.Before(vd.from) {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	missing = slices.Compact(missing)
	if len(missing) > 0 {
		ds, err := tx.Debtors(ctx, missing)
		if err != nil {
			return nil, nil, err
		}
		bs, err := tx.BlocksNotEnded(ctx, missing, now)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range missing {
			d, ok := ds[id]
			v.debtors[id] = viewDebtor{d: d, stored: ok, blocks: bs[id], from: now}
		}
	}
	ds, bs := make(map[string]store.Debtor, len(ids)), map[string][]store.Block{}
	for _, id := range ids {
		vd := v.debtors[id]
		if !vd.stored {
			continue
		}
		ds[id] = vd.d
		for _, b := range vd.blocks {
			if !b.Since.After(now) && (b.Until.IsZero() || b.Until.After(now)) {
				bs[id] = append(bs[id], b)
			}
		}
	}
	return ds, bs, nil
}

// load makes the view the ledger as tx sees it for persons and phones
// from since on, and the reservations closeIDs (counted or not), and
// returns it as the batch's ledger. check came first.
func (v *ledgerView) load(ctx context.Context, tx *store.BatchTx, persons, phones, closeIDs []string, since time.Time) (*batchLedger, error) {
	var np, nph []string
	for _, p := range persons {
		if from, ok := v.persons[p]; !ok || since.Before(from) {
			np = append(np, p)
		}
	}
	for _, p := range phones {
		if from, ok := v.phones[p]; !ok || since.Before(from) {
			nph = append(nph, p)
		}
	}
	slices.Sort(np)
	np = slices.Compact(np)
	slices.Sort(nph)
	nph = slices.Compact(nph)
	l := v.l
	if len(np)+len(nph) > 0 {
		links, entries, err := tx.LinksAndCounted(ctx, np, nph, since)
		if err != nil {
			return nil, err
		}
		for _, p := range np {
			if links[p] != nil {
				l.links[p] = links[p]
			} else {
				delete(l.links, p)
			}
			v.persons[p] = since
		}
		for _, p := range nph {
			v.phones[p] = since
		}
		for i := range entries {
			l.add(&entries[i])
		}
	}
	var missing []string
	for _, id := range closeIDs {
		if l.byID[id] == nil && l.loose[id] == nil {
			missing = append(missing, id)
		}
	}
	closing, err := tx.EntriesByID(ctx, missing)
	if err != nil {
		return nil, err
	}
	for i := range closing {
		l.loose[closing[i].ID] = &closing[i]
	}
	l.since = since
	l.added, l.changed, l.dirty, l.audit = nil, nil, map[string]bool{}, nil
	return l, nil
}

// withDebtor runs fn, a write of one reservation (id) outside the batches,
// in the debtor's transaction, keeping the guard's view in step: when the
// transaction found the ledger at the view's version, the view takes the
// change (apply, to the entry when it holds it) and the version fn left;
// otherwise the view is left as it is and the next batch, finding another
// version, empties it. Without it every answered or renewed call would
// empty the view.
func (g *Guard) withDebtor(ctx context.Context, debtorID, id string, fn func(tx *store.Tx) error, apply func(e *store.LedgerEntry)) error {
	v := g.view
	if v == nil {
		return g.ledger.WithDebtor(ctx, debtorID, fn)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	before, after := int64(-1), int64(-1)
	err := g.ledger.WithDebtor(ctx, debtorID, func(tx *store.Tx) error {
		b, _, err := tx.LedgerVersion(ctx)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		a, _, err := tx.LedgerVersion(ctx)
		if err != nil {
			return err
		}
		before, after = b, a
		return nil
	})
	if err != nil || before < 0 || before != v.version {
		return err
	}
	if e := v.l.entry(id); e != nil {
		apply(e)
	}
	v.version = after
	return nil
}
