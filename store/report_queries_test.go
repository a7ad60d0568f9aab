package store_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/report/reporttest"
	"github.com/dozvon/dozvon/store"
)

// TestCampaignReportQueries: the report's reads return the campaign's
// debtors with their phone counts, its calls in order with each call's
// record, verdict and turns (a call the core never saved keeps the task's
// note of trunk and cost), and the guard's refusals of its robot calls
// grouped by reasons — not a refusal before the campaign, of another
// debtor, of a human call, nor an allowed reservation.
func TestCampaignReportQueries(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		if err := reporttest.Seed(ctx, db); err != nil {
			t.Fatal(err)
		}
		// a call the task noted but the call core never stored
		at := reporttest.Created.Add(time.Hour)
		if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: reporttest.Campaign, DebtorID: "D4", Phone: "+79131234599", Position: 1, DueAt: at}}); err != nil {
			t.Fatal(err)
		}
		leased, err := db.LeaseTasks(ctx, reporttest.Campaign, at, 1, "node", time.Minute)
		if err != nil || len(leased) != 1 {
			t.Fatalf("lease: %v %v", leased, err)
		}
		if err := db.FinishTask(ctx, leased[0].ID, "node", at, store.TaskUpdate{State: store.TaskExhausted, Attempted: true, LastResult: "rejected",
			Call: &store.TaskCall{CallID: "lost", At: at, Result: "rejected", CostKop: 7, Trunk: "rt"}}); err != nil {
			t.Fatal(err)
		}

		debtors, err := db.CampaignDebtors(ctx, reporttest.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		if len(debtors) != 6 || debtors[0] != (store.ReportDebtor{ID: "D1", Name: "Иванов Иван Иванович", Region: "г. Москва", Phones: 2}) || debtors[3].Phones != 2 {
			t.Errorf("debtors %+v", debtors)
		}

		calls, err := db.CampaignCalls(ctx, reporttest.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range calls {
			ids = append(ids, c.CallID)
		}
		if want := "call-01 call-02 call-03 call-04 call-05 call-06 call-07 call-08 lost"; strings.Join(ids, " ") != want {
			t.Fatalf("calls %v, want %s", ids, want)
		}
		promise := calls[1]
		if !promise.Stored || promise.DebtorID != "D1" || promise.Phone != "+79131234502" || promise.Trunk != "mts" || promise.CostKop != 300 ||
			promise.Detection == nil || promise.Detection.Class != "human" || len(promise.Turns) != 3 || promise.Turns[1].Who != "caller" ||
			promise.Slots["amount"] != "5000" || promise.Duration != time.Minute || !promise.At.Equal(reporttest.Created.Add(5*time.Minute)) ||
			promise.RecordingPath != "/var/rec/call-02.wav" || promise.SIPCode != 200 {
			t.Errorf("promise call %+v", promise)
		}
		if c := calls[5]; c.Detection != nil || len(c.Turns) != 0 || c.Outcome != "wrong_person" {
			t.Errorf("a call with no verdict %+v", c)
		}
		if lost := calls[8]; lost.Stored || lost.Trunk != "rt" || lost.CostKop != 7 || lost.Result != "rejected" || !lost.Started.IsZero() {
			t.Errorf("a call not stored %+v", lost)
		}

		denials, err := db.CampaignDenials(ctx, reporttest.Campaign)
		if err != nil {
			t.Fatal(err)
		}
		if len(denials) != 2 || denials[0].Count != 2 || !slices.Equal(denials[0].Reasons, []string{"window"}) ||
			denials[1].Count != 1 || !slices.Equal(denials[1].Reasons, []string{"limit_day", "attempts"}) {
			t.Errorf("denials %+v, want window ×2 and limit_day,attempts ×1", denials)
		}
		if none, err := db.CampaignDenials(ctx, "no-such"); err != nil || len(none) != 0 {
			t.Errorf("denials of no campaign: %v %v", none, err)
		}
	})
}
