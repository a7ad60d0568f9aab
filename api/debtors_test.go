package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCollectorSeesOnlyTheirDebtors: a collector's list holds their debtors
// only, whatever collector filter they send, with masked numbers; another
// collector's debtor or call is 404 with the same envelope as a missing one.
func TestCollectorSeesOnlyTheirDebtors(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	var page struct {
		Debtors []Debtor `json:"debtors"`
	}
	for _, path := range []string{"/api/v1/debtors", "/api/v1/debtors?collector=petrov"} {
		status, body := rg.do(ivanova, "GET", path, "", nil)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		page.Debtors = nil
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Debtors) != 2 || page.Debtors[0].ID != "d1" || page.Debtors[1].ID != "d3" {
			t.Fatalf("%s: ivanova sees %+v", path, page.Debtors)
		}
		for _, d := range page.Debtors {
			if strings.Contains(string(body), "+79131234501") || len(d.Phones) != 1 || !strings.Contains(d.Phones[0], "*") {
				t.Fatalf("%s: a collector got a full number: %s", path, body)
			}
		}
	}
	// a supervisor gets the full number and can filter by collector
	status, body := rg.do(supervisor, "GET", "/api/v1/debtors?collector=petrov", "", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"+79131234502"`) || strings.Contains(string(body), `"d1"`) {
		t.Fatalf("supervisor: %d %s", status, body)
	}
	_, missing := rg.do(ivanova, "GET", "/api/v1/debtors/nobody", "", nil)
	for _, path := range []string{"/api/v1/debtors/d2", "/api/v1/calls/call-d2", "/api/v1/calls/call-d2/recording"} {
		status, body := rg.do(ivanova, "GET", path, "", nil)
		if status != http.StatusNotFound || string(body) != string(missing) {
			t.Errorf("%s as ivanova: %d %s, want the 404 of a missing debtor %s", path, status, body, missing)
		}
	}
	status, body = rg.do(ivanova, "GET", "/api/v1/calls/call-d1", "", nil)
	if status != http.StatusOK || strings.Contains(string(body), "+79131234501") || !strings.Contains(string(body), `"transcript"`) {
		t.Fatalf("ivanova's own call: %d %s", status, body)
	}
	status, body = rg.do(ivanova, "GET", "/api/v1/calls", "", nil)
	if status != http.StatusOK || !strings.Contains(string(body), "call-d1") || strings.Contains(string(body), "call-d2") {
		t.Fatalf("ivanova's calls: %d %s", status, body)
	}
}

// TestCallDetail: transcript, verdict, outcome, slots and cost come back.
func TestCallDetail(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	status, body := rg.do(admin, "GET", "/api/v1/calls/call-d2", "", nil)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
	var d CallDetail
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Debtor != "d2" || d.Campaign != "c1" || d.Outcome != "promise" || d.CostKop != 117 || d.Slots["amount"] != "5000" ||
		d.Verdict == nil || d.Verdict.Class != "human" || len(d.Transcript) != 1 || d.To != "+79131234502" || !d.HasRecording {
		t.Fatalf("detail %+v", d)
	}
}

// BenchmarkDebtorReads: a collector's list and one debtor over real HTTP
// on a real SQLite store (go test -bench DebtorReads ./api/).
func BenchmarkDebtorReads(b *testing.B) {
	rg := newRig(b)
	for b.Loop() {
		if status, body := rg.do(ivanova, "GET", "/api/v1/debtors", "", nil); status != http.StatusOK {
			b.Fatalf("%d %s", status, body)
		}
		if status, body := rg.do(ivanova, "GET", "/api/v1/debtors/d1", "", nil); status != http.StatusOK {
			b.Fatalf("%d %s", status, body)
		}
	}
}
