package scheduler_test

import (
	"bufio"
	"context"
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

const (
	killDSNEnv = "DOZVON_SCHED_KILL_DSN"
	killAtEnv  = "DOZVON_SCHED_KILL_AT"
	killTasks  = 8
	killChans  = 4
)

func TestMain(m *testing.M) {
	if dsn := os.Getenv(killDSNEnv); dsn != "" {
		os.Exit(runKillChild(dsn))
	}
	os.Exit(m.Run())
}

// hangingDialer is the child's dialer: it reports each dial and never returns,
// like a node that dies mid-call.
type hangingDialer struct{}

func (hangingDialer) Dial(ctx context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	fmt.Printf("DIALING %s\n", c.Task.DebtorID)
	<-ctx.Done()
	select {}
}

// runKillChild is the child half of TestKill9: a scheduler node that leases
// tasks, reserves and "dials", then is killed with SIGKILL mid-call.
func runKillChild(dsn string) int {
	ctx := context.Background()
	at, err := time.Parse(time.RFC3339, os.Getenv(killAtEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	clock := clock.NewSim(at)
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock, Holder: "child", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: g, Dialer: hangingDialer{}, Clock: clock, Holder: "child", Channels: killChans})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	if err := s.Run(ctx, time.Time{}); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
	}
	return 1
}

// TestKill9: a node is killed with SIGKILL while its calls are up. Another
// node does not touch those tasks while the leases live, then takes them over;
// no task is lost or dialed twice at once, and the ledger counts the killed
// calls exactly once (as attempts, by reservation expiry).
func TestKill9(t *testing.T) {
	ctx := t.Context()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "kill.db")
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC) // 11:00 in Moscow
	var debtors []store.Debtor
	for i := range killTasks {
		d := store.Debtor{ID: fmt.Sprintf("k%d", i), Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916300000%d", i)}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, d)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "c", "kill", scheduler.Config{Script: "s"}, debtors, at); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killDSNEnv+"="+dsn, killAtEnv+"="+at.Format(time.RFC3339))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := map[string]bool{}
	sc := bufio.NewScanner(out)
	for len(killed) < killChans && sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "DIALING "); ok {
			killed[id] = true
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if len(killed) != killChans {
		t.Fatalf("child dialed %v before dying", killed)
	}

	run := func(now time.Time) *scriptedDialer {
		clock := clock.NewSim(now)
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock, Holder: "parent", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		plans := map[string][]scheduler.Attempt{}
		for _, d := range debtors {
			plans[d.Phones[0]] = []scheduler.Attempt{answered(scripts.OutcomeIdentified, nil)}
		}
		dialer := newDialer(t, clock, plans)
		s, err := scheduler.New(scheduler.Options{Store: db, Guard: g, Dialer: dialer, Clock: clock, Holder: "parent", Channels: killChans})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Run(ctx, now); err != nil {
			t.Fatal(err)
		}
		return dialer
	}
	// One minute later the child's leases still live: only the other tasks are dialed.
	d1 := run(at.Add(time.Minute))
	for _, d := range debtors {
		if n := len(d1.calls[d.Phones[0]]); killed[d.ID] && n != 0 || !killed[d.ID] && n != 1 {
			t.Errorf("while the leases live: %s dialed %d times (killed mid-call: %v)", d.ID, n, killed[d.ID])
		}
	}
	// After the leases (2 min) and the reservations (15 min) run out, the orphans are taken over.
	d2 := run(at.Add(20 * time.Minute))
	for _, d := range debtors {
		if n := len(d2.calls[d.Phones[0]]); killed[d.ID] && n != 1 || !killed[d.ID] && n != 0 {
			t.Errorf("after expiry: %s dialed %d times (killed mid-call: %v)", d.ID, n, killed[d.ID])
		}
	}
	tasks, _ := db.Tasks(ctx, "c")
	for _, tk := range tasks {
		if tk.State != store.TaskDone || tk.Outcome != "identified" || tk.Attempts != 1 {
			t.Errorf("task %s: %s %s attempts %d", tk.DebtorID, tk.State, tk.Outcome, tk.Attempts)
		}
		// The ledger: the killed call expired into one attempt; each finished call committed once.
		es, err := db.LedgerEntries(ctx, tk.DebtorID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.State+":"+e.Kind)
		}
		want := "committed:conversation"
		if killed[tk.DebtorID] {
			want = "expired:attempt " + want
		}
		if strings.Join(got, " ") != want {
			t.Errorf("ledger of %s: %v, want %s", tk.DebtorID, got, want)
		}
	}
}
