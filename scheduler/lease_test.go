package scheduler_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// countingStore is a test double around the real store that records the
// size of every batch LeaseTasks hands out.
type countingStore struct {
	*store.DB
	mu      sync.Mutex
	batches []int
}

func (c *countingStore) LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]store.Task, error) {
	ts, err := c.DB.LeaseTasks(ctx, campaignID, now, n, holder, ttl)
	c.mu.Lock()
	c.batches = append(c.batches, len(ts))
	c.mu.Unlock()
	return ts, err
}

// leaseCheckingDialer is a test double that fails the test when a call
// starts on a task whose lease has run out by the scheduler's clock.
type leaseCheckingDialer struct {
	*scriptedDialer
}

func (d leaseCheckingDialer) Dial(ctx context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	if now := d.clock.Now(); !c.Task.LeaseUntil.After(now) {
		d.t.Errorf("task %d started at %v with its lease ended at %v", c.Task.ID, now, c.Task.LeaseUntil)
	}
	return d.scriptedDialer.Dial(ctx, c)
}

// leaseCampaign makes a campaign of n Moscow debtors, one phone each, due at start.
func leaseCampaign(t *testing.T, db *store.DB, cfg scheduler.Config, n int, start time.Time) {
	t.Helper()
	var ds []store.Debtor
	for i := range n {
		d := store.Debtor{ID: fmt.Sprintf("d%02d", i), Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916%07d", i)}}
		if err := db.UpsertDebtor(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	if _, err := scheduler.CreateCampaign(t.Context(), db, "c", "c", cfg, ds, start); err != nil {
		t.Fatal(err)
	}
}

// TestLeasedAheadTasksKeepCPSPace: a CPS-limited campaign leases several
// tasks per store transaction, yet they start one CPS slot apart, each on a
// live lease.
func TestLeasedAheadTasksKeepCPSPace(t *testing.T) {
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) // 10:00 in Moscow
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	leaseCampaign(t, db, scheduler.Config{Script: "s", CPS: 2}, 10, start)
	cs := &countingStore{DB: db}
	dialer := newDialer(t, clk, nil)
	s, err := scheduler.New(scheduler.Options{Store: cs, Guard: guard, Dialer: leaseCheckingDialer{dialer}, Clock: clk,
		Channels: 10, Poll: time.Second, LeaseTTL: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(t.Context(), start.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	var first []time.Time
	for _, ts := range dialer.calls {
		first = append(first, ts[0])
	}
	if len(first) != 10 {
		t.Fatalf("%d debtors called, want 10", len(first))
	}
	slices.SortFunc(first, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(first); i++ {
		if gap := first[i].Sub(first[i-1]); gap < 500*time.Millisecond {
			t.Errorf("call %d started %v after the one before, want at least 500ms (CPS 2): %v", i, gap, first)
		}
	}
	t.Logf("lease batches %v", cs.batches)
	if slices.Max(cs.batches) < 2 {
		t.Errorf("lease batches %v: none leased ahead", cs.batches)
	}
	if n := len(cs.batches); n >= 10 {
		t.Errorf("%d lease transactions for 10 tasks (%v), want fewer", n, cs.batches)
	}
	tasks, err := db.Tasks(t.Context(), "c")
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range tasks {
		if tk.State == store.TaskLeased {
			t.Errorf("task %d left leased after the run", tk.ID)
		}
	}
}

// TestCancelReleasesLeasedAhead: when Run's context ends, the tasks it leased
// ahead of their CPS slots go back to pending as they were (no attempt
// counted), not left leased until their lease runs out.
func TestCancelReleasesLeasedAhead(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	leaseCampaign(t, db, scheduler.Config{Script: "s", CPS: 1}, 6, start)
	cs := &countingStore{DB: db}
	dialer := newDialer(t, clk, nil)
	dialer.hold = make(chan struct{}) // the first call stays up: the others wait for their slots
	dialer.start = make(chan string, 10)
	// horizon 3 s at CPS 1: one task starts now and three are leased ahead
	s, err := scheduler.New(scheduler.Options{Store: cs, Guard: guard, Dialer: dialer, Clock: clk, Channels: 10, Poll: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Time{}) }()
	<-dialer.start
	cancel()
	if err := <-done; err == nil {
		t.Fatal("Run returned nil after its context ended")
	}
	if !slices.Contains(cs.batches, 4) {
		t.Fatalf("lease batches %v, want one of 4 (one now, three ahead)", cs.batches)
	}
	tasks, err := db.Tasks(t.Context(), "c")
	if err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, tk := range tasks {
		switch {
		case tk.State == store.TaskLeased:
			t.Errorf("task %d left leased by %q after Run ended", tk.ID, tk.LeaseHolder)
		case tk.State == store.TaskPending && tk.Attempts == 0 && tk.LastResult == "" && !tk.DueAt.After(start):
			pending++
		}
	}
	// the called one is pending again too, but with its attempt counted and a later due time
	if pending != 5 {
		t.Errorf("%d tasks pending as they were, want 5 (3 released + 2 never leased): %+v", pending, tasks)
	}
	if calls := len(dialer.calls); calls != 1 {
		t.Errorf("%d debtors called, want 1", calls)
	}
}

// drainStore is a test double of serve's draining store: once drained it
// leases nothing and says so (scheduler.Draining).
type drainStore struct {
	*countingStore
	drained atomic.Bool
}

func (d *drainStore) LeaseTasks(ctx context.Context, campaignID string, now time.Time, n int, holder string, ttl time.Duration) ([]store.Task, error) {
	if d.drained.Load() {
		return nil, nil
	}
	return d.countingStore.LeaseTasks(ctx, campaignID, now, n, holder, ttl)
}

func (d *drainStore) Draining() bool { return d.drained.Load() }

// TestDrainReleasesLeasedAhead: a drain lets the call in flight finish but
// starts none of the tasks leased ahead of their CPS slots: they go back to
// pending at once.
func TestDrainReleasesLeasedAhead(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	leaseCampaign(t, db, scheduler.Config{Script: "s", CPS: 1}, 6, start)
	ds := &drainStore{countingStore: &countingStore{DB: db}}
	dialer := newDialer(t, clk, nil)
	dialer.hold = make(chan struct{})
	dialer.start = make(chan string, 10)
	dialer.ended = make(chan string, 10)
	events := make(chan scheduler.Event, 10)
	s, err := scheduler.New(scheduler.Options{Store: ds, Guard: guard, Dialer: dialer, Clock: clk, Channels: 10, Poll: 3 * time.Second,
		OnEvent: func(ev scheduler.Event) { events <- ev }})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Time{}) }()
	<-dialer.start
	ds.drained.Store(true)
	dialer.hold <- struct{}{} // the call in flight ends: Run looks again, drained
	<-events
	// Run goes on serving; wait until the released tasks show, on the store.
	for {
		tasks, err := db.Tasks(t.Context(), "c")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(tasks, func(tk store.Task) bool { return tk.State == store.TaskLeased }) {
			break
		}
		if len(dialer.start) > 0 {
			t.Fatal("a task leased ahead started after the drain")
		}
		select {
		case err := <-done:
			t.Fatalf("Run ended (%v) with tasks still leased", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	<-done
	if !slices.Contains(ds.batches, 4) {
		t.Fatalf("lease batches %v, want one of 4 (one now, three ahead)", ds.batches)
	}
	if calls := len(dialer.calls); calls != 1 {
		t.Errorf("%d debtors called after the drain, want 1", calls)
	}
}

// TestOverdueLeasedAheadStartOneSlotApart: when the loop is held up past
// several slots of its leased-ahead tasks (here: the clock jumps 10 s while
// the first call is up), the overdue tasks still start one CPS slot apart,
// not all at once.
func TestOverdueLeasedAheadStartOneSlotApart(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
	clk := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	leaseCampaign(t, db, scheduler.Config{Script: "s", CPS: 1}, 6, start)
	dialer := newDialer(t, clk, nil)
	dialer.hold = make(chan struct{})
	dialer.start = make(chan string, 10)
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clk, Channels: 10, Poll: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Time{}) }()
	<-dialer.start // one call up, three leased ahead
	clk.JumpTo(start.Add(10 * time.Second))
	for range 3 { // end each call in turn: the next starts
		dialer.hold <- struct{}{}
		<-dialer.start
	}
	cancel()
	<-done
	var starts []time.Time
	for _, ts := range dialer.calls {
		starts = append(starts, ts...)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	if len(starts) < 4 {
		t.Fatalf("%d calls, want 4", len(starts))
	}
	for i := 2; i < 4; i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < time.Second {
			t.Errorf("overdue call %d started %v after the one before, want at least 1 s (CPS 1): %v", i, gap, starts)
		}
	}
}
