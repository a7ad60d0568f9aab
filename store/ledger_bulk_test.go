package store_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLedgerBatchRoundTrip: a batch writes entries, closes and audit
// records of any count (SQLite splits inserts and closes into prepared
// chunks of 64, 16, 4 and 1 rows) and reads them back as written: the audit in the order
// given, the counted entries per person and number without released ones
// or ones before the look-back, each once, in (at, id) order.
func TestLedgerBatchRoundTrip(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		for _, n := range []int{1, 5, 85, 150} {
			prefix := fmt.Sprintf("n%d-", n)
			var debtors []string
			var entries []store.LedgerEntry
			var audit []store.AuditRecord
			for i := range n {
				d := fmt.Sprintf("%sd%03d", prefix, i%7)
				debtors = append(debtors, d)
				entries = append(entries, store.LedgerEntry{ID: fmt.Sprintf("%se%03d", prefix, i), DebtorID: d, Channel: "robot_call", Kind: "conversation",
					State: store.StateOpen, At: at.Add(time.Duration(i) * time.Second), ExpiresAt: at.Add(time.Hour), Holder: "h", Phone: fmt.Sprintf("+79%03d%06d", n, i%3),
					PersonID: fmt.Sprintf("%sp%d", prefix, i%2)})
				audit = append(audit, store.AuditRecord{At: at, DebtorID: d, Action: "reserve", Allowed: i%2 == 0, Reason: "r", Reasons: []string{"a", "b"},
					Detail: fmt.Sprintf("%s%d «подробно»", prefix, i), ReservationID: entries[i].ID, NextAllowedAt: at.Add(time.Minute)})
			}
			slices.Sort(debtors)
			debtors = slices.Compact(debtors)
			err := db.LedgerBatch(ctx, debtors, store.SyncNow, func(tx *store.BatchTx) error {
				if err := tx.InsertEntries(ctx, entries); err != nil {
					return err
				}
				closed := []store.LedgerEntry{entries[0]}
				closed[0].State, closed[0].Kind, closed[0].ClosedAt = store.StateReleased, "conversation", at.Add(time.Minute)
				for i := 1; i < n; i += 2 { // every other one committed: SQLite's update chunks of 64, 16, 4, 1
					e := entries[i]
					e.State, e.Kind, e.ClosedAt = store.StateCommitted, "attempt", at.Add(2*time.Minute)
					closed = append(closed, e)
				}
				if err := tx.SetEntries(ctx, closed); err != nil {
					return err
				}
				return tx.Audit(ctx, audit)
			})
			if err != nil {
				t.Fatalf("%d rows: %v", n, err)
			}
			log, err := db.AuditLog(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range log {
				if strings.HasPrefix(a.Detail, prefix) {
					got = append(got, a.Detail)
					if a.Reason != "r" || !slices.Equal(a.Reasons, []string{"a", "b"}) || !a.NextAllowedAt.Equal(at.Add(time.Minute)) {
						t.Errorf("%d rows: audit %+v", n, a)
					}
				}
			}
			for i := range audit {
				if i >= len(got) || got[i] != audit[i].Detail {
					t.Fatalf("%d rows: audit in order %q, want %d records in the order written", n, got, n)
				}
			}
			var counted []store.LedgerEntry
			err = db.LedgerBatch(ctx, debtors, store.SyncNow, func(tx *store.BatchTx) error {
				var err error
				counted, err = tx.CountedEntries(ctx, []string{prefix + "p0", prefix + "p1"}, []string{fmt.Sprintf("+79%03d%06d", n, 0)}, at.Add(time.Second))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			// entry 0 is released and before the look-back; every other one is counted once
			if len(counted) != n-1 {
				t.Errorf("%d rows: %d counted entries, want %d", n, len(counted), n-1)
			}
			for i, e := range counted {
				wantState, wantKind := store.StateOpen, "conversation"
				if (i+1)%2 == 1 {
					wantState, wantKind = store.StateCommitted, "attempt"
				}
				if want := entries[i+1].ID; e.ID != want || e.State != wantState || e.Kind != wantKind || !e.At.Equal(entries[i+1].At) {
					t.Fatalf("%d rows: counted[%d] = %s %s as %s at %s, want %s %s as %s", n, i, e.ID, e.State, e.Kind, e.At, want, wantState, wantKind)
				}
			}
		}
	})
}

// TestLedgerBatchSetEntriesNeedsTheEntry: closing an entry the ledger does
// not hold fails the batch, and nothing of it is kept.
func TestLedgerBatchSetEntriesNeedsTheEntry(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error {
			if err := tx.Audit(ctx, []store.AuditRecord{{At: at, DebtorID: "d1", Action: "commit", Allowed: true}}); err != nil {
				return err
			}
			return tx.SetEntries(ctx, []store.LedgerEntry{{ID: "r-missing", Kind: "attempt", State: store.StateCommitted, ClosedAt: at}})
		})
		if err == nil || !strings.Contains(err.Error(), "0 rows matched") {
			t.Fatalf("closing a missing entry: %v", err)
		}
		log, err := db.AuditLog(ctx, "d1")
		if err != nil || len(log) != 0 {
			t.Fatalf("audit after the failed batch: %+v %v", log, err)
		}
		if err := db.LedgerBatch(ctx, nil, store.SyncNow, func(*store.BatchTx) error { return errors.New("ran") }); err == nil || err.Error() == "ran" {
			t.Errorf("a batch of no debtors: %v, want refused before it runs", err)
		}
	})
}

// TestLedgerBatchWrite: Write stores a batch's new entries, closes and
// audit together (one statement on PostgreSQL), the audit in the order
// given; a close of an entry the ledger does not hold fails the batch and
// none of its writes are kept.
func TestLedgerBatchWrite(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		entry := func(id string) store.LedgerEntry {
			return store.LedgerEntry{ID: id, DebtorID: "w1", Channel: "robot_call", Kind: "attempt", State: store.StateOpen, At: at,
				ExpiresAt: at.Add(time.Hour), Holder: "h", Phone: "+79000000001", PersonID: "pw1"}
		}
		rec := func(action, id string) store.AuditRecord {
			return store.AuditRecord{At: at, DebtorID: "w1", Action: action, Allowed: true, ReservationID: id, Detail: action + " " + id}
		}
		write := func(added, changed []store.LedgerEntry, audit []store.AuditRecord) error {
			return db.LedgerBatch(ctx, []string{"w1"}, store.SyncNow, func(tx *store.BatchTx) error { return tx.Write(ctx, added, changed, audit) })
		}
		if err := write([]store.LedgerEntry{entry("w-e1"), entry("w-e2")}, nil, []store.AuditRecord{rec("reserve", "w-e1"), rec("reserve", "w-e2")}); err != nil {
			t.Fatal(err)
		}
		closed := entry("w-e1")
		closed.State, closed.Kind, closed.ClosedAt = store.StateCommitted, "conversation", at.Add(time.Minute)
		if err := write([]store.LedgerEntry{entry("w-e3")}, []store.LedgerEntry{closed}, []store.AuditRecord{rec("commit", "w-e1"), rec("reserve", "w-e3")}); err != nil {
			t.Fatal(err)
		}
		missing := entry("w-missing")
		missing.State = store.StateCommitted
		err := write([]store.LedgerEntry{entry("w-e4")}, []store.LedgerEntry{missing}, []store.AuditRecord{rec("commit", "w-missing")})
		if err == nil || !strings.Contains(err.Error(), "rows matched") {
			t.Fatalf("closing a missing entry: %v, want the batch refused", err)
		}
		es, err := db.LedgerEntries(ctx, "w1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.ID+" "+e.State+" "+e.Kind)
		}
		if want := []string{"w-e1 committed conversation", "w-e2 open attempt", "w-e3 open attempt"}; !slices.Equal(got, want) {
			t.Errorf("ledger %q, want %q", got, want)
		}
		log, err := db.AuditLog(ctx, "w1")
		if err != nil {
			t.Fatal(err)
		}
		got = nil
		for _, a := range log {
			got = append(got, a.Detail)
		}
		if want := []string{"reserve w-e1", "reserve w-e2", "commit w-e1", "reserve w-e3"}; !slices.Equal(got, want) {
			t.Errorf("audit %q, want %q", got, want)
		}
	})
}

// TestLedgerBatchReadsTogether: DebtorsAndBlocks and LinksAndCounted (one
// statement each on PostgreSQL) read what Debtors and Blocks, and
// PersonLinks and CountedEntries over the persons and those they count,
// read one by one: numbers in order, a debtor without numbers, only blocks
// in force, a merged person's link and the entries of both persons and of
// a number.
func TestLedgerBatchReadsTogether(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		for _, d := range []store.Debtor{{ID: "d1", Phones: []string{"+79160000002", "+79160000001"}}, {ID: "d2"}, {ID: "d3", Phones: []string{"+79160000003"}}} {
			if err := db.UpsertDebtor(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range []store.Block{{DebtorID: "d1", Kind: "refusal", Since: at.Add(-time.Hour)}, {DebtorID: "d1", Phone: "+79160000001", Kind: "wrong_number", Since: at.Add(-2 * time.Hour)},
			{DebtorID: "d1", Kind: "refusal", Since: at.Add(-3 * time.Hour), Until: at.Add(-time.Minute)}, {DebtorID: "d3", Kind: "refusal", Since: at.Add(time.Hour)}} {
			if _, err := db.AddBlock(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.MergePersons(ctx, "d2", "d1", "test", at); err != nil {
			t.Fatal(err)
		}
		var persons []string
		for _, d := range []string{"d1", "d2", "d3"} {
			p, err := db.PersonOf(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			persons = append(persons, p.ID)
		}
		// entries under the persons before the merge (the debtors' own ids
		// were their persons) and now, and one of another debtor on d3's number
		var entries []store.LedgerEntry
		for i, p := range []string{"d1", "d2", persons[0], "d3", "x"} {
			phone := ""
			if p == "x" {
				phone = "+79160000003"
			}
			entries = append(entries, store.LedgerEntry{ID: fmt.Sprintf("e%d", i), DebtorID: "d1", Channel: "robot_call", Kind: "attempt", State: store.StateCommitted,
				At: at.Add(time.Duration(i-10) * time.Minute), ExpiresAt: at, Holder: "h", Phone: phone, PersonID: p})
		}
		if err := db.LedgerBatch(ctx, []string{"d1"}, store.SyncNow, func(tx *store.BatchTx) error { return tx.InsertEntries(ctx, entries) }); err != nil {
			t.Fatal(err)
		}
		ids := []string{"d1", "d2", "d3", "missing"}
		phones := []string{"+79160000003", ""}
		err := db.LedgerBatch(ctx, ids[:3], store.SyncNow, func(tx *store.BatchTx) error {
			ds, bs, err := tx.DebtorsAndBlocks(ctx, ids, at)
			if err != nil {
				return err
			}
			wantDs, err := tx.Debtors(ctx, ids)
			if err != nil {
				return err
			}
			wantBs, err := tx.Blocks(ctx, ids, at)
			if err != nil {
				return err
			}
			if fmt.Sprint(ds) != fmt.Sprint(wantDs) || fmt.Sprint(bs) != fmt.Sprint(wantBs) {
				t.Errorf("together: %v %v\napart:    %v %v", ds, bs, wantDs, wantBs)
			}
			if len(bs["d1"]) != 2 || len(bs["d3"]) != 0 || !slices.Equal(ds["d1"].Phones, []string{"+79160000002", "+79160000001"}) || ds["d2"].ID != "d2" {
				t.Errorf("debtors %v, blocks %v: want d1's two numbers in order, d2, and d1's two blocks in force", ds, bs)
			}
			// With the entries to close (one round trip on PostgreSQL): the
			// same debtors and blocks, and the entries asked for that exist.
			wantIDs := []string{entries[0].ID, entries[len(entries)-1].ID}
			ds2, bs2, closing, err := tx.DebtorsBlocksAndEntries(ctx, ids, at, append(slices.Clone(wantIDs), "no-such-entry"))
			if err != nil {
				return err
			}
			var gotIDs []string
			for _, e := range closing {
				gotIDs = append(gotIDs, e.ID)
			}
			slices.Sort(gotIDs)
			slices.Sort(wantIDs)
			if fmt.Sprint(ds2) != fmt.Sprint(wantDs) || fmt.Sprint(bs2) != fmt.Sprint(wantBs) || !slices.Equal(gotIDs, wantIDs) {
				t.Errorf("with entries: %v %v %v\napart:        %v %v %v", ds2, bs2, gotIDs, wantDs, wantBs, wantIDs)
			}
			links, es, err := tx.LinksAndCounted(ctx, persons, phones, at.Add(-time.Hour))
			if err != nil {
				return err
			}
			wantLinks, err := tx.PersonLinks(ctx, persons)
			if err != nil {
				return err
			}
			counted := slices.Clone(persons)
			for _, ls := range wantLinks {
				for p := range ls {
					counted = append(counted, p)
				}
			}
			slices.Sort(counted)
			wantEs, err := tx.CountedEntries(ctx, slices.Compact(counted), phones, at.Add(-time.Hour))
			if err != nil {
				return err
			}
			if fmt.Sprint(links) != fmt.Sprint(wantLinks) || fmt.Sprint(es) != fmt.Sprint(wantEs) {
				t.Errorf("together: %v %v\napart:    %v %v", links, es, wantLinks, wantEs)
			}
			if len(wantLinks) == 0 || len(es) != len(entries) {
				t.Errorf("links %v, %d entries: want the merge's link and all %d entries", wantLinks, len(es), len(entries))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
