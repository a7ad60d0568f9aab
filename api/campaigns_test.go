package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// checkCampaignForTests stands in for callflow.Flow.CheckCampaign (tested
// there): scripts/broken.yaml does not lint, a non_human naming "bogus" is
// not a reaction.
func checkCampaignForTests(c scheduler.Config) error {
	if c.Script == "scripts/broken.yaml" {
		return errors.New("scripts/broken.yaml:3: unknown node \"nowhere\"")
	}
	if strings.Contains(string(c.NonHuman), "bogus") {
		return errors.New("non_human: unknown reaction \"bogus\"")
	}
	return nil
}

func campaignRig(t *testing.T) *rig {
	return newRig(t, func(c *Config) { c.CheckCampaign = checkCampaignForTests })
}

// create posts a campaign as admin and returns it, failing unless 201.
func (rg *rig) create(body string) Campaign {
	rg.t.Helper()
	status, b := rg.do(admin, "POST", "/api/v1/campaigns", "application/json", []byte(body))
	if status != http.StatusCreated {
		rg.t.Fatalf("create %s: %d %s", body, status, b)
	}
	return decodeCampaign(rg.t, b)
}

func decodeCampaign(t testing.TB, b []byte) Campaign {
	t.Helper()
	var c Campaign
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return c
}

func TestCreateCampaignValidation(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	const script = `"script":"scripts/verify_contact.yaml"`
	tests := []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"unknown field", `{` + script + `,"debtors":["d1"],"colour":"red"}`, 400, "unknown_field", "colour"},
		{"unknown schedule field", `{` + script + `,"debtors":["d1"],"schedule":{"days":"mon"}}`, 400, "unknown_field", "days"}, // encoding/json names the leaf only,
		{"wrong type", `{` + script + `,"debtors":"d1"}`, 400, "bad_json", "debtors"},
		{"no script", `{"debtors":["d1"]}`, 422, "invalid", "script"},
		{"absolute script", `{"script":"/etc/passwd","debtors":["d1"]}`, 422, "invalid", "script"},
		{"script outside", `{"script":"../secret.yaml","debtors":["d1"]}`, 422, "invalid", "script"},
		{"script does not lint", `{"script":"scripts/broken.yaml","debtors":["d1"]}`, 422, "invalid", "script"},
		{"bad non_human", `{` + script + `,"debtors":["d1"],"non_human":{"machine":"bogus"}}`, 422, "invalid", "non_human"},
		{"negative priority", `{` + script + `,"debtors":["d1"],"priority":-1}`, 422, "invalid", "priority"},
		{"negative channels", `{` + script + `,"debtors":["d1"],"channels":-2}`, 422, "invalid", "channels"},
		{"no debtors", `{` + script + `}`, 422, "invalid", "debtors"},
		{"both", `{` + script + `,"debtors":["d1"],"selection":{"region":"Москва"}}`, 422, "invalid", "selection"},
		{"unknown debtor", `{` + script + `,"debtors":["d1","d9"]}`, 422, "invalid", "debtors[1]"},
		{"empty selection", `{` + script + `,"selection":{"region":"Марс"}}`, 422, "invalid", "selection"},
		{"bad schedule", `{` + script + `,"debtors":["d1"],"schedule":{"ranges":["25:00-26:00"]}}`, 422, "invalid", "schedule"},
		{"bad zone", `{` + script + `,"debtors":["d1"],"schedule":{"ranges":["09:00-13:00"],"zone":"Mars/Olympus"}}`, 422, "invalid", "schedule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rg.do(admin, "POST", "/api/v1/campaigns", "application/json", []byte(tt.body))
			if status != tt.status {
				t.Fatalf("%d, want %d: %s", status, tt.status, body)
			}
			e := envelopeOf(t, status, body)
			if e.Code != tt.code || e.Field != tt.field {
				t.Errorf("code %q field %q, want %q %q: %s", e.Code, e.Field, tt.code, tt.field, e.Message)
			}
		})
	}
	// nothing of the refused requests was stored: only the rig's c1
	status, body := rg.do(admin, "GET", "/api/v1/campaigns", "", nil)
	var list struct{ Campaigns []Campaign }
	if err := json.Unmarshal(body, &list); err != nil || status != 200 || len(list.Campaigns) != 1 {
		t.Fatalf("after refusals: %d %s (%v)", status, body, err)
	}
}

func TestCreateCampaignStoresSettingsAndTasks(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	c := rg.create(`{"name":"ноябрь","script":"scripts/verify_contact.yaml","selection":{"collector":"ivanova"},"channels":3,"priority":2,
		"non_human":{"voice_assistant":"message"},"schedule":{"ranges":["09:00-13:00"],"zone":"Europe/Moscow"}}`)
	if c.ID == "" || c.Name != "ноябрь" || c.State != store.CampaignActive || c.Script != "scripts/verify_contact.yaml" ||
		c.Channels != 3 || c.Priority != 2 || c.Schedule.Zone != "Europe/Moscow" || string(c.NonHuman) != `{"voice_assistant":"message"}` {
		t.Fatalf("created: %+v", c)
	}
	// ivanova's debtors are d1 and d3, one phone each: both due now
	if c.Counters.Tasks != 2 || c.Counters.Due != 2 || c.Counters.Done != 0 {
		t.Fatalf("counters: %+v", c.Counters)
	}
	stored, err := rg.db.Campaign(t.Context(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := scheduler.ParseConfig(stored, checkCampaignForTests)
	if err != nil || cfg.Script != c.Script || cfg.Channels != 3 || len(cfg.Schedule.Ranges) != 1 {
		t.Fatalf("the scheduler reads %+v (%v)", cfg, err)
	}
	tasks, err := rg.db.Tasks(t.Context(), c.ID)
	if err != nil || len(tasks) != 2 || tasks[0].DebtorID != "d1" || tasks[1].DebtorID != "d3" {
		t.Fatalf("tasks %+v (%v)", tasks, err)
	}
}

func TestCampaignStateTransitions(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	id := rg.create(`{"script":"scripts/verify_contact.yaml","debtors":["d2"]}`).ID
	steps := []struct {
		action string
		status int
		state  string // after, when 200
	}{
		{"resume", 409, ""},
		{"pause", 200, store.CampaignPaused},
		{"pause", 409, ""},
		{"resume", 200, store.CampaignActive},
		{"pause", 200, store.CampaignPaused},
		{"stop", 200, store.CampaignStopped},
		{"stop", 409, ""},
		{"resume", 409, ""},
		{"pause", 409, ""},
	}
	for i, st := range steps {
		status, body := rg.do(supervisor, "POST", "/api/v1/campaigns/"+id+"/"+st.action, "", nil)
		if status != st.status {
			t.Fatalf("step %d %s: %d, want %d: %s", i, st.action, status, st.status, body)
		}
		if status != 200 {
			if e := envelopeOf(t, status, body); e.Code != "conflict" || e.Field != "state" {
				t.Fatalf("step %d %s: %+v", i, st.action, e)
			}
			continue
		}
		if c := decodeCampaign(t, body); c.State != st.state {
			t.Fatalf("step %d %s: state %q, want %q", i, st.action, c.State, st.state)
		}
	}
	for _, path := range []string{"/api/v1/campaigns/nope", "/api/v1/campaigns/nope/pause", "/api/v1/campaigns/nope/stop"} {
		method := "POST"
		if path == "/api/v1/campaigns/nope" {
			method = "GET"
		}
		if status, body := rg.do(admin, method, path, "", nil); status != 404 {
			t.Errorf("%s %s: %d %s", method, path, status, body)
		}
	}
}

// TestCampaignCounters: the counters follow the tasks as the scheduler
// moves them, and a campaign with nothing left to call is marked done
// (then no state change is allowed).
func TestCampaignCounters(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	ctx := t.Context()
	id := rg.create(`{"script":"scripts/verify_contact.yaml","debtors":["d1","d3"]}`).ID
	get := func() Campaign {
		t.Helper()
		status, body := rg.do(supervisor, "GET", "/api/v1/campaigns/"+id, "", nil)
		if status != 200 {
			t.Fatalf("get: %d %s", status, body)
		}
		return decodeCampaign(t, body)
	}
	now := time.Now().Add(time.Second)
	leased, err := rg.db.LeaseTasks(ctx, id, now, 1, "test", time.Minute)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	if c := get().Counters; c.Due != 1 || c.InFlight != 1 || c.Done != 0 || c.Calls != 0 {
		t.Fatalf("one in flight: %+v", c)
	}
	if done, err := rg.db.MarkCampaignDone(ctx, id); err != nil || done {
		t.Fatalf("marked done with work left: %v %v", done, err)
	}
	finish := func(task store.Task, outcome string) {
		t.Helper()
		if err := rg.db.FinishTask(ctx, task.ID, "test", now, store.TaskUpdate{State: store.TaskDone, Attempted: true, Outcome: outcome}); err != nil {
			t.Fatal(err)
		}
	}
	finish(leased[0], "promise")
	if c := get().Counters; c.Due != 1 || c.InFlight != 0 || c.Done != 1 || c.Calls != 1 || c.Outcomes["promise"] != 1 {
		t.Fatalf("one done: %+v", c)
	}
	leased, err = rg.db.LeaseTasks(ctx, id, now, 1, "test", time.Minute)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	finish(leased[0], "refusal")
	if done, err := rg.db.MarkCampaignDone(ctx, id); err != nil || !done {
		t.Fatalf("not marked done with nothing left: %v %v", done, err)
	}
	c := get()
	if c.State != store.CampaignDone || c.Counters.Done != 2 || c.Counters.Calls != 2 || c.Counters.Outcomes["refusal"] != 1 {
		t.Fatalf("done: %+v", c)
	}
	if status, body := rg.do(admin, "POST", "/api/v1/campaigns/"+id+"/pause", "", nil); status != 409 {
		t.Fatalf("pausing a done campaign: %d %s", status, body)
	}
}

// TestResumeFinishedCampaignIsDone: a campaign whose last call ended while
// it was paused is done on resume (no task is left to mark it so).
func TestResumeFinishedCampaignIsDone(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	ctx := t.Context()
	id := rg.create(`{"script":"scripts/verify_contact.yaml","debtors":["d2"]}`).ID
	leased, err := rg.db.LeaseTasks(ctx, id, time.Now().Add(time.Second), 1, "test", time.Minute)
	if err != nil || len(leased) != 1 {
		t.Fatalf("lease: %v %v", leased, err)
	}
	if status, body := rg.do(admin, "POST", "/api/v1/campaigns/"+id+"/pause", "", nil); status != 200 {
		t.Fatalf("pause: %d %s", status, body)
	}
	if err := rg.db.FinishTask(ctx, leased[0].ID, "test", time.Now(), store.TaskUpdate{State: store.TaskDone, Attempted: true, Outcome: "promise"}); err != nil {
		t.Fatal(err)
	}
	status, body := rg.do(admin, "POST", "/api/v1/campaigns/"+id+"/resume", "", nil)
	if c := decodeCampaign(t, body); status != 200 || c.State != store.CampaignDone {
		t.Fatalf("resume with nothing left: %d %s", status, body)
	}
}

// TestCollectorLaunchesOnOwnDebtorsOnly: a collector's campaign takes only
// debtors assigned to them — another's is "no debtor" as one that does not
// exist, and a selection is narrowed to theirs whatever it names — and is
// named under their login.
func TestCollectorLaunchesOnOwnDebtorsOnly(t *testing.T) {
	t.Parallel()
	rg := campaignRig(t)
	const script = `"script":"scripts/verify_contact.yaml"`
	status, body := rg.do(ivanova, "POST", "/api/v1/campaigns", "application/json", []byte(`{`+script+`,"debtors":["d1","d2"]}`))
	if e := envelopeOf(t, status, body); status != 422 || e.Field != "debtors[1]" {
		t.Fatalf("petrov's d2 by ivanova: %d %+v", status, e)
	}
	status, body = rg.do(ivanova, "POST", "/api/v1/campaigns", "application/json", []byte(`{"name":"обход",`+script+`,"selection":{"collector":"petrov"}}`))
	if status != http.StatusCreated {
		t.Fatalf("ivanova's selection: %d %s", status, body)
	}
	c := decodeCampaign(t, body)
	tasks, err := rg.db.Tasks(t.Context(), c.ID)
	if err != nil || len(tasks) != 2 || tasks[0].DebtorID != "d1" || tasks[1].DebtorID != "d3" || c.Name != "ivanova: обход" {
		t.Fatalf("ivanova's campaign %q: tasks %+v (%v), want d1 and d3 only", c.Name, tasks, err)
	}
	status, body = rg.do(ivanova, "POST", "/api/v1/campaigns", "application/json", []byte(`{`+script+`,"debtors":["d1","d3"]}`))
	if status != http.StatusCreated {
		t.Fatalf("ivanova's own debtors: %d %s", status, body)
	}
}
