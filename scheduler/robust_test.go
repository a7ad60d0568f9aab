package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// panickingDialer is a test double: the first call to boom panics inside
// the dialer (a bug anywhere in the call path); every other call is the
// scripted one.
type panickingDialer struct {
	*scriptedDialer
	boom string
}

func (d *panickingDialer) Dial(ctx context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	a, err := d.scriptedDialer.Dial(ctx, c)
	d.mu.Lock()
	first := len(d.calls[d.boom]) == 1
	d.mu.Unlock()
	if c.Task.Phone == d.boom && first {
		panic("call path fault")
	}
	return a, err
}

// panickingStore is a test double around the real store: reading one
// debtor's details panics the first time (a bug in the task's bookkeeping,
// outside any call).
type panickingStore struct {
	*store.DB
	debtor string
	once   sync.Once
}

func (s *panickingStore) DebtorDetailsOf(ctx context.Context, id string) (store.DebtorDetails, error) {
	if id == s.debtor {
		s.once.Do(func() { panic("bookkeeping fault") })
	}
	return s.DB.DebtorDetailsOf(ctx, id)
}

// TestPanickedCallIsRetried: a call that panics while other calls run ends
// "failed" in the task's history and the task is rescheduled by the failed
// rule; the run and the other tasks carry on. The panicked call's
// reservation is left open to expire into what the ledger knows of it, so
// until then the guard counts it as the worst case (a conversation) and puts
// the retry off to the next day: a call that may have been a conversation is
// never followed by another the same day. A panic in a task's turn outside
// the call (here reading the debtor's details) reschedules the task by the
// failed rule too.
func TestPanickedCallIsRetried(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clk := clock.NewSim(time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)) // 11:00 in Moscow
	start, db := clk.Now(), openStore(t)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	var debtors []store.Debtor
	for i, id := range []string{"boom", "a", "b", "books"} {
		d := store.Debtor{ID: id, Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916000000%d", i+1)}}
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, d)
	}
	ok := answered(scripts.OutcomeIdentified, nil)
	dialer := &panickingDialer{boom: "+79160000001", scriptedDialer: newDialer(t, clk, map[string][]scheduler.Attempt{
		"+79160000001": {ok}, "+79160000002": {ok}, "+79160000003": {ok}, "+79160000004": {ok}})}
	failedAfter := 5 * time.Minute
	var mu sync.Mutex
	cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3, Failed: scheduler.Duration(failedAfter)}}
	if _, err := scheduler.CreateCampaign(ctx, db, "panic", "panic", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	var panicked []scheduler.Event
	s, err := scheduler.New(scheduler.Options{Store: &panickingStore{DB: db, debtor: "books"}, Guard: guard, Dialer: dialer, Clock: clk, Channels: 3,
		OnEvent: func(e scheduler.Event) { // called on the tasks' goroutines
			if e.Err != nil && strings.Contains(e.Err.Error(), "panic in scheduler call") {
				mu.Lock()
				panicked = append(panicked, e)
				mu.Unlock()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(30*time.Hour)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(panicked) != 1 || panicked[0].Update.LastResult != scheduler.ResultFailed || !panicked[0].Update.DueAt.Equal(start.Add(failedAfter)) {
		t.Fatalf("panicked calls' events %+v, want one, failed, due after the failed rule's %v", panicked, failedAfter)
	}
	tasks, _ := db.Tasks(ctx, "panic")
	for _, tk := range tasks {
		calls, err := db.TaskCalls(ctx, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != store.TaskDone || tk.Outcome != "identified" {
			t.Errorf("%s: %s %q (%s), want done identified", tk.Phone, tk.State, tk.Outcome, tk.Reason)
		}
		if tk.Phone != dialer.boom {
			if len(calls) != 1 {
				t.Errorf("%s: %d calls, want 1", tk.Phone, len(calls))
			} else if tk.DebtorID == "books" && calls[0].At.Before(start.Add(failedAfter)) {
				t.Errorf("books: called at %v, want the failed rule's %v after the panicked turn", calls[0].At, failedAfter)
			}
			continue
		}
		if len(calls) != 2 || calls[0].Result != scheduler.ResultFailed || calls[1].Result != scheduler.ResultAnswered {
			t.Fatalf("%s: calls %+v, want a failed one, then the retry answered", tk.Phone, calls)
		}
		if calls[1].At.Before(start.Add(20 * time.Hour)) {
			t.Errorf("%s: retried at %v, the day of a call that may have been a conversation", tk.Phone, calls[1].At)
		}
	}
}

// TestUnplaceableDebtorsAreCalled: a foreign number, a Russian range the
// numbering plan lacks, an empty and a garbage region are no guard errors:
// each is called once, when every Russian zone's window is open (from 08:10
// in Kaliningrad, 06:10 UTC); a readable address region wins over the phone.
func TestUnplaceableDebtorsAreCalled(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	// Wednesday 25 Nov 2026 03:00 UTC: 05:00 in Kaliningrad, 15:00 in Kamchatka.
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	clk := clock.NewSim(start)
	plan, err := compliance.NewPlan([]compliance.Range{{From: 9131000000, To: 9139999999, Region: "Новосибирская область"}})
	if err != nil {
		t.Fatal(err)
	}
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Plan: plan})
	if err != nil {
		t.Fatal(err)
	}
	allZones := time.Date(2026, 11, 25, 6, 10, 0, 0, time.UTC)
	cases := []struct {
		debtor store.Debtor
		from   time.Time // the earliest legal call
	}{
		{store.Debtor{ID: "foreign", Phones: []string{"+442079460958"}}, allZones},
		{store.Debtor{ID: "unknown-range", Phones: []string{"+79160000001"}}, allZones},
		{store.Debtor{ID: "empty-region", Phones: []string{"+79131000002"}}, start},                        // the plan places it: 10:00 in Novosibirsk
		{store.Debtor{ID: "garbage-region", Region: "Нарния", Phones: []string{"+79131000003"}}, allZones}, // unreadable address: not the phone's zone
		{store.Debtor{ID: "foreign-known", Region: "Камчатский край", Phones: []string{"+442079460959"}}, start},
	}
	plans := map[string][]scheduler.Attempt{}
	var debtors []store.Debtor
	for _, c := range cases {
		if err := db.UpsertDebtor(ctx, c.debtor); err != nil {
			t.Fatal(err)
		}
		debtors = append(debtors, c.debtor)
		plans[c.debtor.Phones[0]] = []scheduler.Attempt{answered(scripts.OutcomeIdentified, nil)}
	}
	dialer := newDialer(t, clk, plans)
	cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3}}
	if _, err := scheduler.CreateCampaign(ctx, db, "abroad", "unplaceable", cfg, debtors, start); err != nil {
		t.Fatal(err)
	}
	var errs []error
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clk, Channels: 2,
		OnEvent: func(e scheduler.Event) {
			if e.Err != nil {
				errs = append(errs, e.Err)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Errorf("%d guard errors, the first: %v", len(errs), errs[0])
	}
	tasks, _ := db.Tasks(ctx, "abroad")
	for _, c := range cases {
		phone := c.debtor.Phones[0]
		calls := dialer.calls[phone]
		var task store.Task
		for _, tk := range tasks {
			if tk.Phone == phone {
				task = tk
			}
		}
		if task.State != store.TaskDone || len(calls) != 1 || strings.HasPrefix(task.Reason, "guard:") {
			t.Errorf("%s: state %s reason %q, %d calls; want done after one call", c.debtor.ID, task.State, task.Reason, len(calls))
			continue
		}
		if calls[0].Before(c.from) {
			t.Errorf("%s: called at %s UTC, before %s", c.debtor.ID, calls[0].Format("15:04"), c.from.Format("15:04"))
		}
		if c.from.Equal(start) && !calls[0].Before(allZones) {
			t.Errorf("%s: called at %s UTC: waited for every zone although its zone is known", c.debtor.ID, calls[0].Format("15:04"))
		}
	}
}
