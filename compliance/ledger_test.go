package compliance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

func TestReserveCommitRelease(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g := ledgerGuard(t, db, clock, "test")
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567", "+79031234567"}}); err != nil {
			t.Fatal(err)
		}
		req := Request{DebtorID: "d1", Channel: RobotCall}
		r1, d, err := g.Reserve(ctx, req)
		if err != nil || !d.Allowed || r1.ID == "" || r1.Phone != "+79161234567" {
			t.Fatalf("first reserve: %+v %+v %v", r1, d, err)
		}
		_, d, err = g.Reserve(ctx, req)
		if err != nil || d.Allowed || d.Reason != ReasonLimitDay {
			t.Fatalf("second reserve while the first is held: %+v %v", d, err)
		}
		if err := g.Release(ctx, r1); err != nil {
			t.Fatal(err)
		}
		if err := g.Release(ctx, r1); !errors.Is(err, ErrReservationClosed) {
			t.Fatalf("double release: %v", err)
		}
		r2, d, err := g.Reserve(ctx, req)
		if err != nil || !d.Allowed {
			t.Fatalf("reserve after release: %+v %v", d, err)
		}
		if err := g.Commit(ctx, r2, Attempt); err != nil {
			t.Fatal(err)
		}
		r3, d, err := g.Reserve(ctx, req)
		if err != nil || !d.Allowed {
			t.Fatalf("reserve after an attempt: %+v %v", d, err)
		}
		if err := g.Commit(ctx, r3, Conversation); err != nil {
			t.Fatal(err)
		}
		if err := g.Commit(ctx, r3, Conversation); !errors.Is(err, ErrReservationClosed) {
			t.Fatalf("double commit: %v", err)
		}
		if err := g.Release(ctx, r3); !errors.Is(err, ErrReservationClosed) {
			t.Fatalf("release after commit: %v", err)
		}
		_, d, err = g.Reserve(ctx, req)
		if err != nil || d.Allowed || d.Reason != ReasonLimitDay || d.NextAllowedLocal.Format("2006-01-02 15:04") != "2026-11-24 08:10" {
			t.Fatalf("reserve after a conversation: %+v %v", d, err)
		}
		// Messages have their own limits.
		rm, d, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: Message})
		if err != nil || !d.Allowed {
			t.Fatalf("message: %+v %v", d, err)
		}
		if err := g.Commit(ctx, rm, MessageKind); err != nil {
			t.Fatal(err)
		}
		if err := g.Commit(ctx, rm, Kind("chat")); err == nil {
			t.Fatal("unknown kind committed")
		}

		// A reservation whose holder vanished expires into an attempt; a late commit still lands.
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d2", Region: "Новосибирская область"}); err != nil {
			t.Fatal(err)
		}
		r4, d, err := g.Reserve(ctx, Request{DebtorID: "d2", Phone: phonenum.MustParse("8 913 123-45-67"), Channel: HumanCall})
		if err != nil || !d.Allowed || r4.Phone != "+79131234567" {
			t.Fatalf("d2: %+v %+v %v", r4, d, err)
		}
		// A live holder renews: nothing expires at the original deadline.
		clock.Set(clock.Now().Add(g.Policy().ReservationTTL - time.Minute))
		if r4, err = g.Renew(ctx, r4); err != nil {
			t.Fatal(err)
		}
		clock.Set(clock.Now().Add(2 * time.Minute))
		if n, err := g.ExpireStale(ctx); err != nil || n != 0 {
			t.Fatalf("expired a renewed reservation: %d %v", n, err)
		}
		clock.Set(r4.ExpiresAt)
		if n, err := g.ExpireStale(ctx); err != nil || n != 1 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if n, err := g.ExpireStale(ctx); err != nil || n != 0 {
			t.Fatalf("second expire: %d %v", n, err)
		}
		if err := g.Release(ctx, r4); !errors.Is(err, ErrReservationClosed) {
			t.Fatalf("release after expiry: %v", err)
		}
		if _, err := g.Renew(ctx, r4); !errors.Is(err, ErrReservationClosed) {
			t.Fatalf("renew after expiry: %v", err)
		}
		if err := g.Commit(ctx, r4, Conversation); err != nil {
			t.Fatalf("late commit: %v", err)
		}
		es, _ := db.LedgerEntries(ctx, "d2")
		if len(es) != 1 || es[0].State != store.StateCommitted || es[0].Kind != "conversation" {
			t.Fatalf("d2 ledger: %+v", es)
		}

		// Blocks from the store: debtor-wide and per phone.
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "d3", Phone: "+79161111111", Kind: "wrong_person", Since: clock.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d3", Region: "Москва", Phones: []string{"+79161111111", "+79162222222"}}); err != nil {
			t.Fatal(err)
		}
		if _, d, _ := g.Reserve(ctx, Request{DebtorID: "d3", Channel: RobotCall}); d.Allowed || d.Reason != ReasonBlocked {
			t.Fatalf("quarantined phone: %+v", d)
		}
		if _, d, _ := g.Reserve(ctx, Request{DebtorID: "d3", Phone: phonenum.MustParse("+79162222222"), Channel: RobotCall}); !d.Allowed {
			t.Fatalf("other phone: %+v", d)
		}
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "d3", Kind: "refusal", Since: clock.Now().Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, d, _ := g.Reserve(ctx, Request{DebtorID: "d3", Phone: phonenum.MustParse("+79162222222"), Channel: Message}); d.Allowed || d.Reason != ReasonBlocked || !d.NextAllowedAt.IsZero() {
			t.Fatalf("refusal: %+v", d)
		}
		// Unknown debtor with a region in the request; bad input.
		if _, d, err := g.Reserve(ctx, Request{DebtorID: "new", Region: "Камчатский край", Channel: RobotCall}); err != nil || d.Zone != "Asia/Kamchatka" {
			t.Fatalf("request region: %+v %v", d, err)
		}
		// An unreadable region or a foreign number is a decision in every
		// Russian zone, not an error (TestUnplaceableIsADecision has the table).
		if _, d, err := g.Reserve(ctx, Request{DebtorID: "x", Region: "Нарния", Channel: RobotCall}); err != nil || !slices.Equal(d.Zones, RussianZones()) {
			t.Fatalf("bad region: %+v %v", d, err)
		}
		if _, d, err := g.Reserve(ctx, Request{DebtorID: "x", Phone: phonenum.MustParse("+1 555 123 4567"), Channel: RobotCall}); err != nil ||
			!slices.Equal(d.Zones, RussianZones()) {
			t.Fatalf("foreign phone: %+v %v", d, err)
		}
		// The audit log holds every decision of d1 in order.
		audit, err := db.AuditLog(ctx, "d1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range audit {
			got = append(got, fmt.Sprintf("%s:%v", a.Action, a.Allowed))
		}
		want := "reserve:true reserve:false release:true reserve:true commit:true reserve:true commit:true reserve:false reserve:true commit:true"
		if strings.Join(got, " ") != want {
			t.Fatalf("audit\n got %s\nwant %s", strings.Join(got, " "), want)
		}
	})
}

// TestConcurrentReserve: 1,000 goroutines reserve for 100 debtors at the same
// instant, four times an hour apart, committing every granted slot as an
// attempt. The audit log is then replayed independently of the guard.
func TestConcurrentReserve(t *testing.T) {
	const debtors, perDebtor, rounds = 100, 10, 4
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		regions := []string{"г. Москва", "Новосибирская область", "Камчатский край", "Калининградская область"}
		for i := 0; i < debtors; i++ {
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: fmt.Sprintf("d%03d", i), Region: regions[i%len(regions)]}); err != nil {
				t.Fatal(err)
			}
		}
		// 2026-11-23 00:30Z: 03:30 MSK is outside the window, so use 06:30Z (09:30 MSK, 13:30 NSK, 18:30 Kamchatka, 08:30 Kaliningrad).
		t0 := time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)
		clock := &settableClock{t: t0}
		g := ledgerGuard(t, db, clock, "concurrent")
		wantGranted := []int{debtors, debtors, debtors, 0} // attempts_per_day = 3
		var lat []time.Duration
		for round := 0; round < rounds; round++ {
			clock.Set(t0.Add(time.Duration(round) * time.Hour))
			start := make(chan struct{})
			var wg sync.WaitGroup
			var mu sync.Mutex
			var granted []Reservation
			var errs []error
			for i := 0; i < debtors*perDebtor; i++ {
				wg.Add(1)
				go func(id string) {
					defer wg.Done()
					<-start
					t1 := time.Now()
					res, d, err := g.Reserve(ctx, Request{DebtorID: id, Channel: RobotCall})
					el := time.Since(t1)
					mu.Lock()
					defer mu.Unlock()
					lat = append(lat, el)
					if err != nil {
						errs = append(errs, err)
					} else if d.Allowed {
						granted = append(granted, res)
					}
				}(fmt.Sprintf("d%03d", i%debtors))
			}
			close(start)
			wg.Wait()
			if len(errs) > 0 {
				t.Fatalf("round %d: %d errors, first: %v", round, len(errs), errs[0])
			}
			if len(granted) != wantGranted[round] {
				t.Fatalf("round %d: %d granted, want %d", round, len(granted), wantGranted[round])
			}
			for _, r := range granted {
				if err := g.Commit(ctx, r, Attempt); err != nil {
					t.Fatal(err)
				}
			}
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		t.Logf("%s: %d reserves, latency p50 %v p99 %v max %v", db.Backend(), len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
		if v := auditViolations(t, db, g.Policy()); len(v) > 0 {
			t.Fatalf("%d violations, first: %s", len(v), v[0])
		}
	})
}

// auditViolations replays the audit log (not the guard's counters): no debtor
// may hold two open reservations at once, have more granted reservations in a
// local day than attempts_per_day, or more than one conversation a local day;
// and every granted reservation must be in the ledger exactly once.
func auditViolations(t *testing.T, db *store.DB, p Policy) []string {
	t.Helper()
	audit, err := db.AuditLog(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := db.LedgerEntries(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	inLedger := map[string]int{}
	for _, e := range entries {
		inLedger[e.ID]++
	}
	var v []string
	open := map[string]string{}       // debtor → open reservation
	perDay := map[string]int{}        // debtor|local day → granted
	convPerDay := map[string]int{}    // debtor|local day → conversations
	reserveDay := map[string]string{} // reservation → debtor|local day
	granted := 0
	for _, a := range audit {
		switch a.Action {
		case "reserve":
			if !a.Allowed {
				continue
			}
			granted++
			if o := open[a.DebtorID]; o != "" {
				v = append(v, fmt.Sprintf("audit %d: %s granted %s while %s is open", a.ID, a.DebtorID, a.ReservationID, o))
			}
			open[a.DebtorID] = a.ReservationID
			key := a.DebtorID + "|" + a.LocalTime[:10]
			reserveDay[a.ReservationID] = key
			if perDay[key]++; perDay[key] > p.AttemptsPerDay {
				v = append(v, fmt.Sprintf("audit %d: %d granted on %s", a.ID, perDay[key], key))
			}
			if inLedger[a.ReservationID] != 1 {
				v = append(v, fmt.Sprintf("audit %d: reservation %s is %d times in the ledger", a.ID, a.ReservationID, inLedger[a.ReservationID]))
			}
		case "commit", "release", "expire":
			if open[a.DebtorID] == a.ReservationID {
				delete(open, a.DebtorID)
			}
			if a.Action == "commit" && a.Kind == string(Conversation) {
				key := reserveDay[a.ReservationID]
				if convPerDay[key]++; convPerDay[key] > p.ConversationsPerDay {
					v = append(v, fmt.Sprintf("audit %d: %d conversations on %s", a.ID, convPerDay[key], key))
				}
			}
		}
	}
	if granted != len(entries) {
		v = append(v, fmt.Sprintf("%d granted reservations in the audit log, %d ledger entries", granted, len(entries)))
	}
	return v
}

// BenchmarkReserve measures one uncontended Reserve+Release (the service time
// behind the burst latencies TestConcurrentReserve logs).
func BenchmarkReserve(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var db *store.DB
			var err error
			switch backend {
			case "sqlite":
				db, err = store.Open(b.Context(), "sqlite:"+b.TempDir()+"/bench.db")
			case "postgres":
				if pg == nil {
					b.Skip("no postgres")
				}
				var dsn string
				if dsn, err = pg.NewDatabase(b.Context()); err == nil {
					db, err = store.Open(b.Context(), dsn)
				}
			}
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			g := ledgerGuard(b, db, &settableClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}, "bench")
			req := Request{DebtorID: "d1", Region: "г. Москва", Channel: RobotCall}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, d, err := g.Reserve(b.Context(), req)
				if err != nil || !d.Allowed {
					b.Fatal(err, d.Detail)
				}
				if err := g.Release(b.Context(), res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAnsweredReservationExpiresIntoAConversation: a node that dies mid-call
// leaves an open reservation; once it expires it counts as an attempt if the
// call was never answered, and as a conversation if it was — so the 1/day
// limit still holds the same day.
func TestAnsweredReservationExpiresIntoAConversation(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		for _, tc := range []struct {
			name      string
			answered  bool
			wantKind  Kind
			allowNext bool
		}{
			{"never answered", false, Attempt, true},
			{"answered, then the holder died", true, Conversation, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ctx := t.Context()
				clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
				g := ledgerGuard(t, db, clock, "node-a")
				debtor := "dead-" + strings.ReplaceAll(tc.name, " ", "-")
				// a number of its own: the limits also hold per number
				phone := fmt.Sprintf("+7916123456%d", len(tc.name)%10)
				if err := db.UpsertDebtor(ctx, store.Debtor{ID: debtor, Region: "г. Москва", Phones: []string{phone}}); err != nil {
					t.Fatal(err)
				}
				res, d, err := g.Reserve(ctx, Request{DebtorID: debtor, Channel: RobotCall})
				if err != nil || !d.Allowed {
					t.Fatalf("reserve: %+v %v", d, err)
				}
				if tc.answered {
					if err := g.Answered(ctx, res); err != nil {
						t.Fatal(err)
					}
				}
				// the node is gone: nobody commits; a survivor expires the entry
				clock.Set(res.ExpiresAt.Add(time.Minute))
				if n, err := ledgerGuard(t, db, clock, "node-b").ExpireStale(ctx); err != nil || n != 1 {
					t.Fatalf("expire: %d %v", n, err)
				}
				es, err := db.LedgerEntries(ctx, debtor)
				if err != nil || len(es) != 1 || es[0].Kind != string(tc.wantKind) || es[0].State != store.StateExpired {
					t.Fatalf("entries %+v %v, want one expired %s", es, err, tc.wantKind)
				}
				_, d, err = g.Reserve(ctx, Request{DebtorID: debtor, Channel: RobotCall})
				if err != nil || d.Allowed != tc.allowNext {
					t.Fatalf("next reserve the same day: %+v %v, want allowed=%v", d, err, tc.allowNext)
				}
				if err := g.Answered(ctx, res); !errors.Is(err, ErrReservationClosed) {
					t.Fatalf("answered after expiry: %v", err)
				}
			})
		}
	})
}

// flakyLedger is a test double Ledger over a real store whose next fail
// transactions fail, as a locked or restarting database does.
type flakyLedger struct {
	*store.DB
	fail int
}

func (l *flakyLedger) WithDebtor(ctx context.Context, debtorID string, fn func(tx *store.Tx) error) error {
	if l.fail > 0 {
		l.fail--
		return errors.New("database is locked")
	}
	return l.DB.WithDebtor(ctx, debtorID, fn)
}

func (l *flakyLedger) LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error {
	if l.fail > 0 {
		l.fail--
		return errors.New("database is locked")
	}
	return l.DB.LedgerBatch(ctx, debtorIDs, mode, fn)
}

// TestCommitRidesOutAFailingLedger: a commit that meets a failing ledger is
// retried, so the conversation is recorded as one instead of being left to
// expire; a ledger that stays down gives the error back.
func TestCommitRidesOutAFailingLedger(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		fl := &flakyLedger{DB: db}
		g, err := NewGuard(Config{Ledger: fl, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		for i, tc := range []struct {
			fail int
			ok   bool
		}{{fail: 2, ok: true}, {fail: 10, ok: false}} {
			debtor := fmt.Sprintf("flaky-%d", i)
			phone := fmt.Sprintf("+7916123456%d", i) // a number of its own: the limits also hold per number
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: debtor, Region: "г. Москва", Phones: []string{phone}}); err != nil {
				t.Fatal(err)
			}
			res, d, err := g.Reserve(ctx, Request{DebtorID: debtor, Channel: RobotCall})
			if err != nil || !d.Allowed {
				t.Fatalf("reserve: %+v %v", d, err)
			}
			fl.fail = tc.fail
			err = g.Commit(ctx, res, Conversation)
			if (err == nil) != tc.ok {
				t.Fatalf("%d failures: commit %v, want ok=%v", tc.fail, err, tc.ok)
			}
			fl.fail = 0
			es, err := db.LedgerEntries(ctx, debtor)
			want := store.StateOpen
			if tc.ok {
				want = store.StateCommitted
			}
			if err != nil || len(es) != 1 || es[0].State != want {
				t.Fatalf("%d failures: entries %+v %v, want %s", tc.fail, es, err, want)
			}
		}
	})
}

// TestEveryDecisionIsHeard: the guard tells its observer (the service's
// metrics) of each reservation decision, allowed or denied, with its reason.
func TestEveryDecisionIsHeard(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		var heard []string
		g, err := NewGuard(Config{Ledger: db, Clock: &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")},
			Logger: slog.New(slog.DiscardHandler), OnDecision: func(d Decision) { heard = append(heard, fmt.Sprint(d.Allowed, d.Reason)) }})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Region: "г. Москва", Phones: []string{"+79161234567"}}); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, _, err := g.Reserve(ctx, Request{DebtorID: "d1", Channel: RobotCall}); err != nil {
				t.Fatal(err)
			}
		}
		if want := []string{"true", "false" + ReasonLimitDay}; !slices.Equal(heard, want) {
			t.Errorf("heard %q, want %q", heard, want)
		}
	})
}
