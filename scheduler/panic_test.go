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
