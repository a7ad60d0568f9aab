package compliance

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/internal/selfexec"
	"github.com/dozvon/dozvon/store"
)

const (
	killChildEnv   = "DOZVON_KILL_CHILD_DSN"
	killChildAtEnv = "DOZVON_KILL_CHILD_AT"
	killHeld       = 20 // d00..d19: even ones committed as conversations, odd ones left open
)

// runKillChild is the child half of TestKill9: it holds reservations, then
// reserves without pause until the parent kills it with SIGKILL.
func runKillChild(dsn string) int {
	ctx := context.Background()
	at, err := time.Parse(time.RFC3339, os.Getenv(killChildAtEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	g, err := NewGuard(Config{Ledger: db, Clock: &settableClock{t: at}, Holder: "child", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	for i := 0; i < killHeld; i++ {
		res, d, err := g.Reserve(ctx, Request{DebtorID: fmt.Sprintf("d%02d", i), Channel: RobotCall})
		if err != nil || !d.Allowed {
			fmt.Fprintln(os.Stderr, "child: reserve:", err, d.Detail)
			return 1
		}
		if i%2 == 0 {
			if err := g.Commit(ctx, res, Conversation); err != nil {
				fmt.Fprintln(os.Stderr, "child: commit:", err)
				return 1
			}
		}
	}
	fmt.Println("HELD")
	for j := 0; j < 1_000_000; j++ {
		res, _, err := g.Reserve(ctx, Request{DebtorID: fmt.Sprintf("e%06d", j), Region: "г. Москва", Channel: HumanCall})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child: reserve:", err)
			return 1
		}
		fmt.Println("R", res.ID)
	}
	time.Sleep(5 * time.Minute) // the parent kills us long before
	return 1
}

// TestKill9 kills (SIGKILL) a process that holds open reservations and is in
// the middle of reserving, then restarts on the same ledger: every granted
// reservation is there exactly once, open ones expire into attempts exactly
// once, and the limits see precisely what happened.
func TestKill9(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, dsn string) {
		ctx := t.Context()
		for i := 0; i < killHeld; i++ {
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: fmt.Sprintf("d%02d", i), Region: "г. Москва"}); err != nil {
				t.Fatal(err)
			}
		}
		t0 := local(t, "Europe/Moscow", "2026-11-23 12:00")
		cmd, sc, err := selfexec.Start(ctx, killChildEnv+"="+dsn, killChildAtEnv+"="+t0.Format(time.RFC3339))
		if err != nil {
			t.Fatal(err)
		}
		held, seen := false, 0
		for sc.Scan() {
			line := sc.Text()
			if line == "HELD" {
				held = true
			} else if strings.HasPrefix(line, "R ") {
				seen++
			}
			if held && seen >= 25 {
				break
			}
		}
		if !held || seen < 25 {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child stopped early: held=%v reserves=%d", held, seen)
		}
		if err := cmd.Process.Kill(); err != nil { // SIGKILL
			t.Fatal(err)
		}
		cmd.Wait()

		entries, err := db.LedgerEntries(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		openBefore, extra := 0, 0
		for _, e := range entries {
			if e.State == store.StateOpen {
				openBefore++
			}
			if strings.HasPrefix(e.DebtorID, "e") {
				extra++
			}
		}
		if extra < seen {
			t.Fatalf("child reported %d reservations, ledger has %d", seen, extra)
		}
		if v := auditViolations(t, db, DefaultPolicy()); len(v) > 0 {
			t.Fatalf("after kill: %v", v)
		}

		clock := &settableClock{t: t0.Add(DefaultPolicy().ReservationTTL + time.Minute)}
		g := ledgerGuard(t, db, clock, "restarted")
		n, err := g.ExpireStale(ctx)
		if err != nil || n != openBefore || n != killHeld/2+extra {
			t.Fatalf("expired %d (%v), open before %d, want %d", n, err, openBefore, killHeld/2+extra)
		}
		if n, err := g.ExpireStale(ctx); err != nil || n != 0 {
			t.Fatalf("second expiry %d %v", n, err)
		}
		for i := 0; i < killHeld; i++ {
			id := fmt.Sprintf("d%02d", i)
			es, _ := db.LedgerEntries(ctx, id)
			wantKind, wantState := "attempt", store.StateExpired
			if i%2 == 0 {
				wantKind, wantState = "conversation", store.StateCommitted
			}
			if len(es) != 1 || es[0].Kind != wantKind || es[0].State != wantState {
				t.Fatalf("%s ledger: %+v, want one %s %s", id, es, wantState, wantKind)
			}
			_, d, err := g.Reserve(ctx, Request{DebtorID: id, Channel: RobotCall})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != (i%2 == 1) {
				t.Fatalf("%s after restart: allowed=%v (%s)", id, d.Allowed, d.Detail)
			}
		}
		if v := auditViolations(t, db, DefaultPolicy()); len(v) > 0 {
			t.Fatalf("after restart: %v", v)
		}
		t.Logf("%s: killed after %d+ reservations; %d open reservations expired into attempts", db.Backend(), seen, n)
	})
}
