package scheduler_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// scriptedDialer is a test double for telephony+robot: each phone answers its
// calls with a fixed list of attempts (the last one repeats). It records when
// each call was placed on the scheduler's clock and fails the test if one
// debtor is ever dialed twice at once.
type scriptedDialer struct {
	t      testing.TB
	clock  clock.Clock
	plans  map[string][]scheduler.Attempt
	mu     sync.Mutex
	calls  map[string][]time.Time // phone → call times
	active map[string]int         // debtor → calls in flight
	xfer   map[string]string      // debtor → the transfer target the scheduler gave
	policy []json.RawMessage      // the non-human reaction each call was given
	hold   chan struct{}          // when set, each call waits for a token
	start  chan string            // when set, receives the campaign of each call that starts
	ended  chan string            // when set, receives the campaign of each held call that ends
}

func (d *scriptedDialer) Dial(ctx context.Context, c scheduler.Call) (scheduler.Attempt, error) {
	d.mu.Lock()
	d.active[c.Task.DebtorID]++
	if d.active[c.Task.DebtorID] > 1 {
		d.t.Errorf("debtor %s dialed twice at once", c.Task.DebtorID)
	}
	d.xfer[c.Task.DebtorID] = c.TransferTo
	d.policy = append(d.policy, c.NonHuman)
	n := len(d.calls[c.Task.Phone])
	d.calls[c.Task.Phone] = append(d.calls[c.Task.Phone], d.clock.Now())
	plan := d.plans[c.Task.Phone]
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.active[c.Task.DebtorID]--
		d.mu.Unlock()
	}()
	if d.start != nil {
		d.start <- c.Task.CampaignID
	}
	if d.hold != nil {
		select {
		case <-d.hold:
			if d.ended != nil {
				d.ended <- c.Task.CampaignID
			}
		case <-ctx.Done():
			return scheduler.Attempt{Result: scheduler.ResultFailed}, nil
		}
	}
	if len(plan) == 0 {
		return scheduler.Attempt{Result: scheduler.ResultNoAnswer}, nil
	}
	a := plan[min(n, len(plan)-1)]
	a.CallID = fmt.Sprintf("%s-%d", c.Task.Phone, n+1)
	if a.Result == scheduler.ResultAnswered && a.Kind == "" {
		a.Kind = compliance.Conversation
	}
	return a, nil
}

func newDialer(t testing.TB, clock clock.Clock, plans map[string][]scheduler.Attempt) *scriptedDialer {
	return &scriptedDialer{t: t, clock: clock, plans: plans, calls: map[string][]time.Time{}, active: map[string]int{}, xfer: map[string]string{}}
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// answered is an answered call ending in o, counted for 230-FZ as
// robot.LedgerKind counts it and disposed of as the call path does.
func answered(o scripts.Outcome, slots map[string]string) scheduler.Attempt {
	kind := compliance.Conversation
	switch o {
	case scripts.OutcomeWrongPerson, scripts.OutcomeThirdParty, scripts.OutcomeAssistant, scripts.OutcomeMachine:
		kind = compliance.Attempt
	}
	disp, at := callflow.Disposition(robot.Result{Outcome: o, Slots: slots})
	return scheduler.Attempt{Result: scheduler.ResultAnswered, Outcome: string(o), Disposition: disp, CallbackAt: at, Slots: slots, Kind: kind}
}

var (
	busy     = scheduler.Attempt{Result: scheduler.ResultBusy}
	noAnswer = scheduler.Attempt{Result: scheduler.ResultNoAnswer}
)

// TestSweep runs one campaign over debtors in three zones on a simulated clock
// and checks every rule: windows, retries, callbacks, next phones, effects.
func TestSweep(t *testing.T) {
	ctx := t.Context()
	db := openStore(t)
	// Wednesday 25 Nov 2026 03:00 UTC: 06:00 in Moscow (too early), 10:00 in Novosibirsk, 15:00 in Kamchatka.
	start := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	clock := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	callbackAt := start.Add(3 * time.Hour)
	debtors := []store.Debtor{
		{ID: "ident", Region: "г. Москва", Phones: []string{"+79160000001", "+79160000002"}},
		{ID: "wrong", Region: "Новосибирская область", Phones: []string{"+79130000003", "+79130000004"}},
		{ID: "busy", Region: "Новосибирская область", Phones: []string{"+79130000005"}},
		{ID: "callback", Region: "Новосибирская область", Phones: []string{"+79130000006"}},
		{ID: "refuse", Region: "Новосибирская область", Phones: []string{"+79130000007"}},
		{ID: "bankrupt", Region: "Новосибирская область", Phones: []string{"+79130000008"}},
		{ID: "machine", Region: "Камчатский край", Phones: []string{"+79140000009", "+79140000010"}},
	}
	for _, d := range debtors {
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveDebtorDetails(ctx, store.DebtorDetails{DebtorID: "callback", Collector: "Орлов"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddBlock(ctx, store.Block{DebtorID: "bankrupt", Kind: "bankruptcy", Since: start.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	dialer := newDialer(t, clock, map[string][]scheduler.Attempt{
		"+79160000001": {answered(scripts.OutcomeIdentified, nil)},
		"+79130000003": {answered(scripts.OutcomeWrongPerson, nil)},
		"+79130000004": {answered(scripts.OutcomeIdentified, nil)},
		"+79130000005": {busy},
		"+79130000006": {answered(scripts.OutcomeCallback, map[string]string{scripts.SlotCallbackAt: callbackAt.Format(time.RFC3339)}),
			answered(scripts.OutcomePromiseToPay, map[string]string{scripts.SlotAmount: "5000.00"})},
		"+79130000007": {answered(scripts.OutcomeRefused, nil)},
		"+79140000009": {answered(scripts.OutcomeMachine, nil), answered(scripts.OutcomeIdentified, nil)},
		"+79140000010": {noAnswer},
	})
	cfg := scheduler.Config{Script: "verify_contact.yaml", Retry: scheduler.RetryRules{MaxPerPhone: 3}, Collectors: map[string]string{"Орлов": "+79139998877"},
		NonHuman: json.RawMessage(`{"actions":{"voice_assistant":"message"}}`)}
	if n, err := scheduler.CreateCampaign(ctx, db, "sweep", "test sweep", cfg, debtors, start); err != nil || n != 10 {
		t.Fatalf("create campaign: %d tasks, %v", n, err)
	}
	var evMu sync.Mutex
	var denied []string
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clock, Channels: 4,
		OnEvent: func(e scheduler.Event) {
			if e.Decision != nil && !e.Decision.Allowed {
				evMu.Lock()
				denied = append(denied, e.Task.DebtorID)
				evMu.Unlock()
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, start.Add(30*time.Hour)); err != nil {
		t.Fatal(err)
	}

	type want struct {
		state, outcome string
		calls          int
	}
	wants := map[string]want{
		"+79160000001": {store.TaskDone, "identified", 1},
		"+79160000002": {store.TaskSkipped, "", 0},
		"+79130000003": {store.TaskDone, "wrong_person", 1},
		"+79130000004": {store.TaskDone, "identified", 1},
		"+79130000005": {store.TaskExhausted, "", 3},
		"+79130000006": {store.TaskDone, "promise_to_pay", 2},
		"+79130000007": {store.TaskDone, "refused", 1},
		"+79130000008": {store.TaskPending, "", 0},
		"+79140000009": {store.TaskDone, "identified", 2},
		"+79140000010": {store.TaskExhausted, "", 3}, // no answer ×3; the debtor's 3 attempts a day push the third to the next morning
	}
	tasks, _ := db.Tasks(ctx, "sweep")
	byPhone := map[string]store.Task{}
	for _, tk := range tasks {
		byPhone[tk.Phone] = tk
		w := wants[tk.Phone]
		if tk.State != w.state || tk.Outcome != w.outcome || len(dialer.calls[tk.Phone]) != w.calls {
			t.Errorf("%s (%s): state %s outcome %q calls %d (reason %q); want %+v", tk.Phone, tk.DebtorID, tk.State, tk.Outcome,
				len(dialer.calls[tk.Phone]), tk.Reason, w)
		}
	}
	// Moscow was dialed only once its window opened (08:10 MSK = 05:10 UTC), after a denial.
	if c := dialer.calls["+79160000001"]; len(c) == 0 || c[0].Before(time.Date(2026, 11, 25, 5, 10, 0, 0, time.UTC)) {
		t.Errorf("Moscow dialed at %v", c)
	}
	// Busy: retried no sooner than 15 min apart.
	b := dialer.calls["+79130000005"]
	for i := 1; i < len(b); i++ {
		if b[i].Sub(b[i-1]) < 15*time.Minute {
			t.Errorf("busy retry after %v", b[i].Sub(b[i-1]))
		}
	}
	// The callback came at the time the debtor named, pinned to the collector.
	if c := dialer.calls["+79130000006"]; len(c) == 2 && c[1].Before(callbackAt) {
		t.Errorf("callback at %v, asked for %v", c[1], callbackAt)
	}
	if tk := byPhone["+79130000006"]; tk.PinnedTo != "Орлов" {
		t.Errorf("callback pinned to %q", tk.PinnedTo)
	}
	// Transfers bridge to the debtor's collector when the campaign knows their number.
	if dialer.xfer["callback"] != "+79139998877" || dialer.xfer["ident"] != "" {
		t.Errorf("transfer targets %v", dialer.xfer)
	}
	for _, raw := range dialer.policy {
		p, err := callflow.ParseNonHuman(raw)
		if err != nil || p.Actions[detect.VoiceAssistant] != robot.NonHumanMessage {
			t.Fatalf("a call was given the non-human reaction %+v, want the campaign's", p)
		}
	}
	// A machine on the first phone: the second phone right away, the first again next day.
	m9, m10 := dialer.calls["+79140000009"], dialer.calls["+79140000010"]
	if len(m9) != 2 || len(m10) == 0 || (m10[0].Sub(m9[0]) > time.Minute || m9[1].Sub(m9[0]) < 24*time.Hour) {
		t.Errorf("machine: phone 1 at %v, phone 2 at %v", m9, m10)
	}
	// The blocked debtor is never dropped: pending, with the reason kept.
	if tk := byPhone["+79130000008"]; tk.LastResult != scheduler.ResultDenied || tk.Reason == "" || tk.DueAt.IsZero() {
		t.Errorf("blocked task %+v", tk)
	}
	// Effects on the data.
	st, _ := db.PhoneStatuses(ctx, "", "")
	got := map[string]string{}
	for _, p := range st {
		got[p.Phone] = p.Status
	}
	wantSt := map[string]string{"+79160000001": store.PhoneConfirmed, "+79130000003": store.PhoneQuarantined, "+79130000004": store.PhoneConfirmed,
		"+79130000006": store.PhoneConfirmed, "+79130000007": store.PhoneConfirmed, "+79140000009": store.PhoneConfirmed}
	if !reflect.DeepEqual(got, wantSt) {
		t.Errorf("phone statuses %v, want %v", got, wantSt)
	}
	if bs, _ := db.Blocks(ctx, "refuse", clock.Now()); len(bs) != 1 || bs[0].Kind != "refusal" {
		t.Errorf("refusal blocks %+v", bs)
	}
	if bs, _ := db.Blocks(ctx, "wrong", clock.Now()); len(bs) != 1 || bs[0].Kind != "wrong_person" || bs[0].Phone != "+79130000003" {
		t.Errorf("quarantine blocks %+v", bs)
	}
	// An independent check of every call against the debtor's local window (8:00–22:00 on these weekdays).
	zones := map[string]string{"ident": "Europe/Moscow", "wrong": "Asia/Novosibirsk", "busy": "Asia/Novosibirsk", "callback": "Asia/Novosibirsk",
		"refuse": "Asia/Novosibirsk", "bankrupt": "Asia/Novosibirsk", "machine": "Asia/Kamchatka"}
	for _, d := range debtors {
		loc, _ := time.LoadLocation(zones[d.ID])
		for _, p := range d.Phones {
			for _, at := range dialer.calls[p] {
				l := at.In(loc)
				if l.Hour() < 8 || l.Hour() >= 22 || l.Weekday() == time.Saturday || l.Weekday() == time.Sunday {
					t.Errorf("%s called at %v local", p, l)
				}
			}
		}
	}
	evMu.Lock()
	defer evMu.Unlock()
	if len(denied) == 0 {
		t.Error("no denial reported")
	}
}

// TestCompetingCampaigns: two campaigns with priorities 3 and 1 share 10
// channels 7:3, and a freed channel goes back to the campaign below its share.
func TestCompetingCampaigns(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	db := openStore(t)
	start := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC) // 10:00 in Moscow
	clock := clock.NewSim(start)
	guard, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(prefix string, n int) []store.Debtor {
		var ds []store.Debtor
		for i := range n {
			d := store.Debtor{ID: fmt.Sprintf("%s%02d", prefix, i), Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916%s%06d", map[string]string{"a": "1", "b": "2"}[prefix], i)}}
			if err := db.UpsertDebtor(ctx, d); err != nil {
				t.Fatal(err)
			}
			ds = append(ds, d)
		}
		return ds
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "today", "today's plan", scheduler.Config{Script: "s", Priority: 3}, mk("a", 20), start); err != nil {
		t.Fatal(err)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "redial", "yesterday's unreached", scheduler.Config{Script: "s", Priority: 1}, mk("b", 20), start); err != nil {
		t.Fatal(err)
	}
	dialer := newDialer(t, clock, nil)
	dialer.hold = make(chan struct{})
	dialer.start = make(chan string, 100)
	dialer.ended = make(chan string, 100)
	s, err := scheduler.New(scheduler.Options{Store: db, Guard: guard, Dialer: dialer, Clock: clock, Channels: 10})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, time.Time{}) }()
	count := map[string]int{}
	for range 10 {
		count[<-dialer.start]++
	}
	if count["today"] != 7 || count["redial"] != 3 {
		t.Fatalf("10 channels shared %v, want today 7, redial 3", count)
	}
	// Free channels one at a time: whichever campaign's call ended, the refill
	// goes back to it (the one now below its share), so 7:3 holds.
	for range 5 {
		dialer.hold <- struct{}{}
		ended, next := <-dialer.ended, <-dialer.start
		if next != ended {
			t.Fatalf("a %s call ended and the channel went to %s", ended, next)
		}
	}
	cancel()
	<-done
}

func TestPickFairShares(t *testing.T) {
	for _, c := range []struct {
		name     string
		loads    []scheduler.Load
		channels int
		want     []int
	}{
		{"3:1 on 10", []scheduler.Load{{Weight: 3, Ready: true}, {Weight: 1, Ready: true}}, 10, []int{7, 3}},
		{"1:1 on 10", []scheduler.Load{{Weight: 1, Ready: true}, {Weight: 1, Ready: true}}, 10, []int{5, 5}},
		{"2:1:1 on 10", []scheduler.Load{{Weight: 2, Ready: true}, {Weight: 1, Ready: true}, {Weight: 1, Ready: true}}, 10, []int{5, 3, 2}},
		{"own limit leaves the rest", []scheduler.Load{{Weight: 3, Ready: true, Limit: 2}, {Weight: 1, Ready: true}}, 10, []int{2, 8}},
		{"no due work leaves it all", []scheduler.Load{{Weight: 3}, {Weight: 1, Ready: true}}, 10, []int{0, 10}},
		{"nobody ready", []scheduler.Load{{Weight: 3}, {Weight: 1}}, 10, []int{0, 0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			loads := append([]scheduler.Load(nil), c.loads...)
			for range c.channels {
				i := scheduler.PickFair(loads)
				if i < 0 {
					break
				}
				loads[i].InFlight++
			}
			got := make([]int, len(loads))
			for i, l := range loads {
				got[i] = l.InFlight
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("shares %v, want %v", got, c.want)
			}
		})
	}
}

func TestScheduleWindows(t *testing.T) {
	for _, c := range []struct {
		name   string
		s      scheduler.Schedule
		at     time.Time
		active bool
		next   time.Time
	}{
		{"always", scheduler.Schedule{}, time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC), true, time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)},
		{"range before", scheduler.Schedule{Ranges: []string{"09:00-13:00", "14:00-18:00"}, Zone: "Europe/Moscow"},
			time.Date(2026, 11, 25, 5, 30, 0, 0, time.UTC), false, time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)},
		{"range lunch", scheduler.Schedule{Ranges: []string{"09:00-13:00", "14:00-18:00"}, Zone: "Europe/Moscow"},
			time.Date(2026, 11, 25, 10, 15, 0, 0, time.UTC), false, time.Date(2026, 11, 25, 11, 0, 0, 0, time.UTC)},
		{"cron weekday 9 for 8h, Saturday", scheduler.Schedule{Cron: "0 9 * * 1-5", For: scheduler.Duration(8 * time.Hour)},
			time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC), false, time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)},
		{"cron inside", scheduler.Schedule{Cron: "0 9 * * 1-5", For: scheduler.Duration(8 * time.Hour)},
			time.Date(2026, 11, 25, 16, 59, 0, 0, time.UTC), true, time.Date(2026, 11, 25, 16, 59, 0, 0, time.UTC)},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, n, err := scheduler.ScheduleAt(c.s, c.at)
			if err != nil {
				t.Fatal(err)
			}
			if a != c.active || !n.Equal(c.next) {
				t.Fatalf("active %v next %v, want %v %v", a, n, c.active, c.next)
			}
		})
	}
	for _, bad := range []scheduler.Schedule{{Cron: "61 * * * *", For: scheduler.Duration(time.Hour)}, {Cron: "0 9 * * *"},
		{Ranges: []string{"9-13"}}, {Ranges: []string{"13:00-09:00"}}, {Zone: "Mars/Base"}} {
		if _, _, err := scheduler.ScheduleAt(bad, time.Now()); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
