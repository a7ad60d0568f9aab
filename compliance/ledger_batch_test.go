package compliance

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// gatedLedger is a test double Ledger over a real store whose first batch
// waits at the gate until the test opens it, so that the operations asked
// for meanwhile queue and are decided together in the next batch. It
// records the debtors of each batch.
type gatedLedger struct {
	*store.DB
	gate    chan struct{}
	mu      sync.Mutex
	batches [][]string
}

func (l *gatedLedger) LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error {
	l.mu.Lock()
	l.batches = append(l.batches, slices.Clone(debtorIDs))
	first, gate := len(l.batches) == 1, l.gate
	l.mu.Unlock()
	if first {
		<-gate
	}
	return l.DB.LedgerBatch(ctx, debtorIDs, mode, fn)
}

// LedgerBatchWidth is 1: the test asks that what queues behind the gated
// batch is decided together, in arrival order; with several batches in
// flight (PostgreSQL's width) the first callers would each lead their own.
func (l *gatedLedger) LedgerBatchWidth() int { return 1 }

// queued waits (with a deadline, not a sleep) until n operations wait for
// the guard's next batch.
func queued(t *testing.T, g *Guard, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := 0
		g.ops.mu.Lock()
		for _, b := range g.ops.lanes {
			got += len(b.queue)
		}
		g.ops.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d operations queued, want %d", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestBatchDecidesInArrivalOrder: reservations and releases queued while a
// batch runs are decided together, in arrival order, each against the
// ledger the earlier ones of the same batch left: of six records of one
// person only the first asked gets through, of five people on one shared
// number only the first; a release ahead of a reservation frees its slot,
// one behind it does not. The audit log, replayed per person and per
// number, shows no limit broken.
func TestBatchDecidesInArrivalOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		var csv strings.Builder
		csv.WriteString("ФИО;Телефон;Номер договора;Дата рождения;Регион\n")
		for i := range 6 { // one person, six contracts, six numbers
			fmt.Fprintf(&csv, "Ковалёв Пётр;891633300%02d;К-%d;01.02.1980;г. Москва\n", i, i)
		}
		names := []string{"Антонов Иван", "Борисов Олег", "Васильев Юрий", "Гришин Лев", "Давыдов Ян"}
		for i, n := range names { // five people; their numbers come below
			fmt.Fprintf(&csv, "%s;891644400%02d;Ш-%d;0%d.03.1970;г. Москва\n", n, i, i, i+1)
		}
		for i, n := range []string{"Егоров Макс", "Жуков Глеб", "Зайцев Лука"} {
			fmt.Fprintf(&csv, "%s;891655500%02d;Р-%d;0%d.04.1960;г. Москва\n", n, i, i, i+1)
		}
		res := importCSV(t, db, csv.String())
		id := map[string]string{} // contract → debtor id
		for _, d := range res.Debtors {
			id[d.Contract] = d.ID
		}
		shared := phonenum.MustParse("+79160000001")
		fl := &gatedLedger{DB: db, gate: make(chan struct{})}
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g, err := NewGuard(Config{Ledger: fl, Clock: clk, Holder: "node", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		// Р-0 and Р-1 hold a reservation each before the gate closes:
		// Р-0's is released ahead of its next request, Р-1's behind it.
		held := map[string]Reservation{}
		close(fl.gate) // the first batch goes through at once here
		for _, c := range []string{"Р-0", "Р-1"} {
			r, d, err := g.Reserve(ctx, Request{DebtorID: id[c], Channel: RobotCall})
			if err != nil || !d.Allowed {
				t.Fatalf("%s: %+v %v", c, d, err)
			}
			held[c] = r
		}
		fl.mu.Lock()
		fl.batches, fl.gate = nil, make(chan struct{})
		fl.mu.Unlock()

		type result struct {
			name    string
			allowed bool
			err     error
		}
		results := make(chan result, 32)
		var wg sync.WaitGroup
		ask := func(name string, f func() (bool, error)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := f()
				results <- result{name, ok, err}
			}()
		}
		reserve := func(contract string, phone phonenum.Number) func() (bool, error) {
			return func() (bool, error) {
				_, d, err := g.Reserve(ctx, Request{DebtorID: id[contract], Phone: phone, Channel: RobotCall})
				return d.Allowed, err
			}
		}
		release := func(contract string) func() (bool, error) {
			return func() (bool, error) { return true, g.Release(ctx, held[contract]) }
		}
		// The first asked (Р-2, a person of its own) leads a batch that
		// waits at the gate; the rest queue, one after another, in this order.
		order := []string{"Р-2"}
		ask("Р-2", reserve("Р-2", phonenum.Number{}))
		queued(t, g, 0)
		fl.mu.Lock()
		for len(fl.batches) == 0 {
			fl.mu.Unlock()
			time.Sleep(time.Millisecond)
			fl.mu.Lock()
		}
		fl.mu.Unlock()
		steps := []struct {
			name string
			f    func() (bool, error)
		}{
			{"К-3", reserve("К-3", phonenum.Number{})},
			{"Ш-2", reserve("Ш-2", shared)},
			{"release Р-0", release("Р-0")},
			{"Р-0", reserve("Р-0", phonenum.Number{})},
			{"Р-1", reserve("Р-1", phonenum.Number{})},
			{"release Р-1", release("Р-1")},
		}
		for i := range 6 {
			if c := fmt.Sprintf("К-%d", i); c != "К-3" {
				steps = append(steps, struct {
					name string
					f    func() (bool, error)
				}{c, reserve(c, phonenum.Number{})})
			}
		}
		for i := range 5 {
			if c := fmt.Sprintf("Ш-%d", i); c != "Ш-2" {
				steps = append(steps, struct {
					name string
					f    func() (bool, error)
				}{c, reserve(c, shared)})
			}
		}
		for i, s := range steps {
			ask(s.name, s.f)
			queued(t, g, i+1)
			order = append(order, s.name)
		}
		close(fl.gate)
		wg.Wait()
		close(results)
		got := map[string]bool{}
		for r := range results {
			if r.err != nil {
				t.Fatalf("%s: %v", r.name, r.err)
			}
			got[r.name] = r.allowed
		}
		want := map[string]bool{"Р-2": true, "К-3": true, "Ш-2": true, "release Р-0": true, "Р-0": true, "Р-1": false, "release Р-1": true}
		for _, name := range order {
			if w, ok := want[name]; ok && got[name] != w || !ok && got[name] {
				t.Errorf("%s: allowed %v, want %v (order %q)", name, got[name], want[name], order)
			}
		}
		fl.mu.Lock()
		if len(fl.batches) != 2 || len(fl.batches[1]) != 13 {
			t.Errorf("batches %q: want the gated one, then one of the 13 debtors queued behind it", fl.batches)
		}
		fl.mu.Unlock()
		if v := replayLimits(t, db, g.Policy()); len(v) > 0 {
			t.Errorf("%d violations, first: %s", len(v), v[0])
		}
	})
}

// replayLimits replays the audit log against the ledger per person and per
// number (Guard.Audit replays per debtor record): in a local day no person
// and no number may have more granted reservations than attempts_per_day,
// nor more than one reservation that ended as (or is still held as) a
// conversation; and every granted reservation is in the ledger once.
func replayLimits(t *testing.T, db *store.DB, p Policy) []string {
	t.Helper()
	audit, err := db.AuditLog(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.LedgerEntries(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.LedgerEntry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	var v []string
	granted := map[string]int{}
	conv := map[string]int{}
	for _, a := range audit {
		if a.Action != "reserve" || !a.Allowed {
			continue
		}
		e, ok := byID[a.ReservationID]
		if !ok {
			v = append(v, fmt.Sprintf("audit %d: reservation %s is not in the ledger", a.ID, a.ReservationID))
			continue
		}
		if e.State == store.StateReleased {
			continue
		}
		day := a.LocalTime[:10]
		for _, key := range []string{"person " + e.PersonID + " " + day, "number " + e.Phone + " " + day} {
			if granted[key]++; granted[key] > p.AttemptsPerDay {
				v = append(v, fmt.Sprintf("audit %d: %d granted for %s", a.ID, granted[key], key))
			}
			if e.Kind == string(Conversation) {
				if conv[key]++; conv[key] > p.ConversationsPerDay {
					v = append(v, fmt.Sprintf("audit %d: %d conversations for %s", a.ID, conv[key], key))
				}
			}
		}
	}
	return v
}

// TestNodesNeverDoubleGrant: two guards on two connection pools (two nodes)
// ask for one hot person — six records, two of them on one number — and for
// colder debtors at once, round after round, committing what they get as
// attempts and conversations. Replayed from the audit log per person and
// per number, and by Guard.Audit per record, no limit is ever broken, and
// no batch fails (the nodes take their locks in one order).
func TestNodesNeverDoubleGrant(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, dsn string) {
		ctx := t.Context()
		var csv strings.Builder
		csv.WriteString("ФИО;Телефон;Номер договора;Дата рождения;Регион\n")
		for i := range 6 {
			fmt.Fprintf(&csv, "Ковалёв Пётр;891633300%02d;К-%d;01.02.1980;г. Москва\n", i, i)
		}
		for i := range 30 {
			fmt.Fprintf(&csv, "Должник%c Иван;89167770%03d;Х-%d;%02d.05.1975;Новосибирская область\n", 'А'+rune(i), i, i, i%28+1)
		}
		res := importCSV(t, db, csv.String())
		var hot, cold []string
		for _, d := range res.Debtors {
			if strings.HasPrefix(d.Contract, "К-") {
				hot = append(hot, d.ID)
			} else {
				cold = append(cold, d.ID)
			}
		}
		if len(hot) != 6 || len(cold) != 30 {
			t.Fatalf("imported %d hot and %d cold debtors", len(hot), len(cold))
		}
		shared := phonenum.MustParse("+79163330000") // К-0's number, asked for by К-1 too
		db2, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 10:00")}
		nodes := []*Guard{ledgerGuard(t, db, clk, "node-a"), ledgerGuard(t, db2, clk, "node-b")}
		const rounds, perNode = 6, 40
		var errs []error
		var mu sync.Mutex
		for round := range rounds {
			// three rounds a day, two days: the attempts a day run out
			clk.Set(local(t, "Europe/Moscow", "2026-11-23 10:00").Add(time.Duration(round/3)*24*time.Hour + time.Duration(round%3)*2*time.Hour))
			start := make(chan struct{})
			var wg sync.WaitGroup
			for n, g := range nodes {
				for i := range perNode {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rng := rand.New(rand.NewPCG(uint64(round), uint64(n*perNode+i)))
						req := Request{DebtorID: cold[rng.IntN(len(cold))], Channel: RobotCall}
						if rng.IntN(3) > 0 {
							req.DebtorID = hot[rng.IntN(len(hot))]
							if rng.IntN(2) == 0 {
								req.DebtorID, req.Phone = hot[rng.IntN(2)], shared
							}
						}
						<-start
						r, d, err := g.Reserve(ctx, req)
						if err == nil && d.Allowed {
							kind := Attempt
							if rng.IntN(2) == 0 {
								kind = Conversation
							}
							err = g.Commit(ctx, r, kind)
						}
						if err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
						}
					}()
				}
			}
			close(start)
			wg.Wait()
		}
		if len(errs) > 0 {
			t.Fatalf("%d errors, first: %v", len(errs), errs[0])
		}
		if v := replayLimits(t, db, nodes[0].Policy()); len(v) > 0 {
			t.Fatalf("%d violations, first: %s", len(v), v[0])
		}
		var all []store.Debtor
		for _, d := range res.Debtors {
			all = append(all, store.Debtor{ID: d.ID, Region: d.Region})
		}
		a, err := nodes[0].Audit(ctx, db, all)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Findings) > 0 {
			t.Fatalf("%d findings, first: %s", len(a.Findings), a.Findings[0])
		}
		granted := 0
		log, err := db.AuditLog(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range log {
			if r.Action == "reserve" && r.Allowed {
				granted++
			}
		}
		if granted == 0 {
			t.Fatal("nothing granted: the test asked for nothing it could check")
		}
	})
}

// TestBatchRefusesWhatItCannotCarry: an id that is not UTF-8 (the batch's
// lists travel as JSON on SQLite) is refused alone, with a clear error, and
// leaves the next batch working.
func TestBatchRefusesWhatItCannotCarry(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		g := ledgerGuard(t, db, &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}, "node")
		for _, tc := range []struct {
			name string
			do   func() error
		}{
			{"reserve", func() error {
				_, _, err := g.Reserve(ctx, Request{DebtorID: "d\xff", Channel: RobotCall})
				return err
			}},
			{"reserve for a person", func() error {
				_, _, err := g.Reserve(ctx, Request{DebtorID: "d1", PersonID: "p\xfe", Channel: RobotCall})
				return err
			}},
			{"commit", func() error { return g.Commit(ctx, Reservation{ID: "r-\xff", DebtorID: "d1"}, Attempt) }},
			{"release", func() error { return g.Release(ctx, Reservation{ID: "r-1", DebtorID: "d\xff"}) }},
		} {
			if err := tc.do(); err == nil || !strings.Contains(err.Error(), "UTF-8") {
				t.Errorf("%s: %v, want an error naming UTF-8", tc.name, err)
			}
		}
		res, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall})
		if err != nil || !d.Allowed {
			t.Fatalf("reserve d1 after the refusals: %+v %v", d, err)
		}
		if err := g.Commit(ctx, res, Attempt); err != nil {
			t.Fatal(err)
		}
	})
}

// wideLedger is a test double Ledger over a real store that lets width
// batches run at once and holds every batch at the gate until the test
// opens it, counting those inside.
type wideLedger struct {
	*store.DB
	width  int
	gate   chan struct{}
	mu     sync.Mutex
	inside int
}

func (l *wideLedger) LedgerBatchWidth() int { return l.width }

func (l *wideLedger) LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error {
	l.mu.Lock()
	l.inside++
	l.mu.Unlock()
	<-l.gate
	return l.DB.LedgerBatch(ctx, debtorIDs, mode, fn)
}

// TestBatchesSideBySide: with a ledger that takes three batches at once,
// debtors in three lanes lead three batches together, and the next
// operations queue behind them; asked for twelve records of one person, one
// is granted whatever lane each lands in, and the audit replayed per person
// and number is clean. It fails if the guard runs one batch at a time (a
// second batch never gets in) or if batches side by side double-grant.
func TestBatchesSideBySide(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		var csv strings.Builder
		csv.WriteString("ФИО;Телефон;Номер договора;Дата рождения;Регион\n")
		for i := range 12 {
			fmt.Fprintf(&csv, "Ковалёв Пётр;891633300%02d;К-%d;01.02.1980;г. Москва\n", i, i)
		}
		res := importCSV(t, db, csv.String())
		wl := &wideLedger{DB: db, width: 3, gate: make(chan struct{})}
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g, err := NewGuard(Config{Ledger: wl, Clock: clk, Holder: "node", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		// The first three debtors each lead a batch in an idle lane; the
		// others queue behind them.
		var leads, rest []string
		for i, d := range res.Debtors {
			if i < 3 {
				leads = append(leads, d.ID)
			} else {
				rest = append(rest, d.ID)
			}
		}
		type result struct {
			allowed bool
			err     error
		}
		results := make(chan result, len(res.Debtors))
		var wg sync.WaitGroup
		ask := func(id string) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, dec, err := g.Reserve(ctx, Request{DebtorID: id, Channel: RobotCall})
				results <- result{dec.Allowed, err}
			}()
		}
		for i, id := range leads {
			ask(id)
			deadline := time.Now().Add(20 * time.Second)
			for {
				wl.mu.Lock()
				in := wl.inside
				wl.mu.Unlock()
				if in == i+1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d batches in flight, want %d", in, i+1)
				}
				time.Sleep(time.Millisecond)
			}
		}
		for i, id := range rest {
			ask(id)
			queued(t, g, i+1)
		}
		close(wl.gate)
		wg.Wait()
		close(results)
		granted := 0
		for r := range results {
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.allowed {
				granted++
			}
		}
		if granted != 1 {
			t.Errorf("%d of one person's twelve records granted, want 1", granted)
		}
		if v := replayLimits(t, db, g.Policy()); len(v) > 0 {
			t.Errorf("%d violations, first: %s", len(v), v[0])
		}
	})
}

// TestLanesKeepADebtorInOneBatchAtATime: with three lanes, a debtor's
// second operation queues behind the batch deciding its first even while
// two lanes are idle (two batches never hold one debtor, and its operations
// are decided in arrival order), and another debtor's starts at once in an
// idle lane. It fails with a lane fixed by the debtor's hash (the second
// debtor may share the first's lane) or with routing that ignores what is
// pending (the second operation would lead a batch of its own).
func TestLanesKeepADebtorInOneBatchAtATime(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		res := importCSV(t, db, "ФИО;Телефон;Номер договора;Дата рождения;Регион\n"+
			"Петров Иван;89163330001;К-1;01.02.1980;г. Москва\nСидоров Олег;89163330002;К-2;03.04.1981;г. Москва\n")
		wl := &wideLedger{DB: db, width: 3, gate: make(chan struct{})}
		clk := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g, err := NewGuard(Config{Ledger: wl, Clock: clk, Holder: "node", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		inside := func(want int) {
			t.Helper()
			deadline := time.Now().Add(20 * time.Second)
			for {
				wl.mu.Lock()
				in := wl.inside
				wl.mu.Unlock()
				if in == want {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d batches in flight, want %d", in, want)
				}
				time.Sleep(time.Millisecond)
			}
		}
		a, b := res.Debtors[0].ID, res.Debtors[1].ID
		var wg sync.WaitGroup
		decs := make(chan Decision, 3)
		ask := func(id string) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, dec, err := g.Reserve(ctx, Request{DebtorID: id, Channel: RobotCall})
				if err != nil {
					t.Error(err)
				}
				decs <- dec
			}()
		}
		ask(a)
		inside(1)
		ask(a)
		queued(t, g, 1)
		wl.mu.Lock()
		if wl.inside != 1 {
			t.Errorf("%d batches in flight after the debtor's second operation, want 1 (it queues)", wl.inside)
		}
		wl.mu.Unlock()
		ask(b)
		inside(2)
		close(wl.gate)
		wg.Wait()
		close(decs)
		g.ops.mu.Lock()
		if n := len(g.ops.pending); n != 0 {
			t.Errorf("%d debtors still counted pending after every operation was decided", n)
		}
		g.ops.mu.Unlock()
		granted := 0
		for d := range decs {
			if d.Allowed {
				granted++
			}
		}
		if granted != 2 {
			// one debtor's two reservations: the second is refused while the
			// first is held; the other debtor is another person
			t.Errorf("%d of 3 granted, want 2", granted)
		}
	})
}
