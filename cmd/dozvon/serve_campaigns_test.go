package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/api"
	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// frozenClockForTests is a simulated clock the scheduler cannot jump: a
// serving scheduler (no horizon) waits in real time, as on the system clock,
// while the 230-FZ guard sees a weekday morning whenever the test runs.
type frozenClockForTests struct{ clock.Clock }

// TestAPICampaignIsDialled: a campaign created by POST /api/v1/campaigns is
// dialled by serve's campaign runner over real loopback SIP to simulated
// phones, through the 230-FZ guard and callflow; its counters then show
// the calls by outcome, and it is marked done when nothing is left.
func TestAPICampaignIsDialled(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("espeak-ng"); err != nil || testing.Short() {
		t.Skip("places real loopback calls with espeak-ng (tools/setup-debian.sh); not with -short")
	}
	repoRoot, _ := filepath.Abs(filepath.Join("..", ".."))
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	// three debtors in Moscow who answer and confirm on their first phone
	// (the second's other phone is then skipped): one call each
	st := newCampaignStackForTests(t, ctx, dir, 3)
	rt, flow, cfg, clk, log, logs, sim := st.rt, st.flow, st.cfg, st.clk, st.log, st.logs, st.sim
	events := make(chan scheduler.Event, 16)
	st.runner.onEvent = func(ev scheduler.Event) { events <- ev }
	st.start(t, ctx)

	users, err := auth.New(rt.db, clk, auth.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := users.AddUser(ctx, "boss", auth.Supervisor, "boss-password-1", false); err != nil {
		t.Fatal(err)
	}
	token, _, err := users.CreateToken(ctx, "boss", "test", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.New(api.Config{Store: rt.db, Auth: users, Log: log, Clock: clk, CheckCampaign: checkServeCampaign(flow, cfg.Creditor),
		CampaignRoot: repoRoot}))
	defer srv.Close()
	call := func(method, path, body string) (int, api.Campaign) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var c api.Campaign
		if resp.StatusCode >= 300 {
			var e struct{ Error api.Error }
			_ = json.NewDecoder(resp.Body).Decode(&e)
			t.Logf("%s %s: %d %+v", method, path, resp.StatusCode, e.Error)
		} else if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return resp.StatusCode, c
	}
	// the real script check: a script that is not there is refused, naming the field
	if status, _ := call("POST", "/api/v1/campaigns", `{"script":"scripts/nope.yaml","debtors":["S-00001"]}`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a missing script: %d", status)
	}
	t0 := time.Now()
	status, c := call("POST", "/api/v1/campaigns", `{"name":"api","script":"scripts/verify_contact.yaml","debtors":["S-00001","S-00002","S-00003"]}`)
	if status != http.StatusCreated || c.Counters.Tasks != 4 {
		t.Fatalf("create: %d %+v", status, c)
	}
	reached := map[string]bool{}
	for len(reached) < len(sim) {
		select {
		case ev := <-events:
			if ev.Campaign != c.ID || ev.Attempt == nil || ev.Err != nil {
				t.Fatalf("event %+v (err %v)\n%s", ev.Update, ev.Err, logs.String())
			}
			reached[ev.Task.DebtorID] = true
			t.Logf("debtor %s done after %v", ev.Task.DebtorID, time.Since(t0))
		case <-ctx.Done():
			t.Fatalf("%d of %d debtors called before the deadline\n%s", len(reached), len(sim), logs.String())
		}
	}
	_, got := call("GET", "/api/v1/campaigns/"+c.ID, "")
	want := api.CampaignCounters{Tasks: 4, Done: 4, Calls: 3, Outcomes: map[string]int{"identified": 3, "none": 1}}
	if got.State != store.CampaignDone || got.Counters.Tasks != want.Tasks || got.Counters.Done != want.Done || got.Counters.Calls != want.Calls ||
		got.Counters.Due+got.Counters.InFlight+got.Counters.Waiting != 0 || got.Counters.Outcomes["identified"] != 3 {
		t.Fatalf("after the calls: %s %+v, want done %+v\n%s", got.State, got.Counters, want, logs.String())
	}
	calls, _, err := rt.db.ListCalls(ctx, store.CallFilter{Campaign: c.ID})
	if err != nil || len(calls) != 3 {
		t.Fatalf("the campaign's calls in the store: %d (%v)", len(calls), err)
	}
}

// TestDrainingStoreLeasesNothing: once serve drains, its scheduler gets no
// task to dial although tasks are due (calls in flight are not its to end).
func TestDrainingStoreLeasesNothing(t *testing.T) {
	t.Parallel()
	ctx, t0 := t.Context(), time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.UpsertDebtor(ctx, store.Debtor{ID: "d1", Name: "Иванов", Region: "г. Москва", Phones: []string{"+79131234501"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := scheduler.CreateCampaign(ctx, db, "c1", "c1", scheduler.Config{Script: "scripts/verify_contact.yaml"},
		[]store.Debtor{{ID: "d1", Phones: []string{"+79131234501", "+79131234502"}}}, t0); err != nil {
		t.Fatal(err)
	}
	ds := &drainingStore{Store: db}
	ds.draining.Store(true)
	if got, err := ds.LeaseTasks(ctx, "c1", t0, 5, "test", time.Minute); err != nil || len(got) != 0 {
		t.Fatalf("draining: leased %d (%v)", len(got), err)
	}
	ds.draining.Store(false)
	if got, err := ds.LeaseTasks(ctx, "c1", t0, 5, "test", time.Minute); err != nil || len(got) != 1 {
		t.Fatalf("not draining: leased %d, want the first phone (%v)", len(got), err)
	}
}
