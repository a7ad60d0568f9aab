package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// quarantineForTests puts d1's and d2's numbers under review, d1's with a
// wrong_person block in force.
func quarantineForTests(t *testing.T, rg *rig) {
	t.Helper()
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	for _, st := range []store.PhoneStatus{{DebtorID: "d1", Phone: "+79131234501"}, {DebtorID: "d2", Phone: "+79131234502"}} {
		st.Status, st.Note, st.At = store.PhoneQuarantined, "a wrong person answered", at
		if err := rg.db.SetPhoneStatus(t.Context(), st); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rg.db.AddBlock(t.Context(), store.Block{DebtorID: "d1", Phone: "+79131234501", Kind: "wrong_person", Since: at}); err != nil {
		t.Fatal(err)
	}
}

// TestQuarantineReview: the `dozvon phones` review over the API — the list,
// confirm-wrong and restore by a number in the body (any spelling), the
// errors naming the field, and a number never accepted in the URL.
func TestQuarantineReview(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	quarantineForTests(t, rg)
	list := func(query string) []Quarantined {
		t.Helper()
		ps, _ := listOf[Quarantined](t, rg, supervisor, "/api/v1/phones/quarantine"+query, "phones")
		return ps
	}
	if ps := list(""); len(ps) != 2 || ps[0].Debtor != "d1" || ps[0].Phone != "+79131234501" || ps[1].Status != store.PhoneQuarantined {
		t.Fatalf("list: %+v", ps)
	}
	const js = "application/json"
	status, body := rg.do(supervisor, "POST", "/api/v1/phones/quarantine/restore", js, []byte(`{"phone":"8 (913) 123-45-01","debtor":"d1"}`))
	if status != http.StatusOK || !strings.Contains(string(body), `"blocks_ended":1`) {
		t.Fatalf("restore: %d %s", status, body)
	}
	// the server ends the block on the system clock: look a minute later
	if blocks, err := rg.db.Blocks(t.Context(), "d1", time.Now().Add(time.Minute)); err != nil || len(blocks) != 0 {
		t.Fatalf("d1's blocks after restore: %+v %v", blocks, err)
	}
	// a retried restore is answered the same, with nothing left to end
	status, body = rg.do(supervisor, "POST", "/api/v1/phones/quarantine/restore", js, []byte(`{"phone":"+79131234501","debtor":"d1"}`))
	if status != http.StatusOK || !strings.Contains(string(body), `"blocks_ended":0`) {
		t.Fatalf("restore again: %d %s", status, body)
	}
	status, body = rg.do(admin, "POST", "/api/v1/phones/quarantine/confirm-wrong", js, []byte(`{"phone":"+79131234502","debtor":"d2"}`))
	if status != http.StatusOK || !strings.Contains(string(body), store.PhoneWrongConfirmed) {
		t.Fatalf("confirm-wrong: %d %s", status, body)
	}
	if ps := list(""); len(ps) != 0 {
		t.Errorf("still quarantined: %+v", ps)
	}
	if ps := list("?status=wrong_confirmed"); len(ps) != 1 || ps[0].Debtor != "d2" {
		t.Errorf("confirmed wrong: %+v", ps)
	}
	tests := []struct {
		name, path, body string
		status           int
		field            string
	}{
		{"restored: nothing to confirm", "confirm-wrong", `{"phone":"+79131234501","debtor":"d1"}`, 404, ""},
		{"another debtor's number", "restore", `{"phone":"+79131234501","debtor":"d2"}`, 404, ""},
		{"no such debtor", "restore", `{"phone":"+79131234501","debtor":"d9"}`, 404, ""},
		{"no debtor", "confirm-wrong", `{"phone":"+79131234502"}`, 422, "debtor"},
		{"not a number", "restore", `{"phone":"12ab","debtor":"d1"}`, 422, "phone"},
		{"unknown field", "restore", `{"phone":"+79131234501","debtor":"d1","why":"x"}`, 400, "why"},
	}
	for _, tt := range tests {
		status, body := rg.do(admin, "POST", "/api/v1/phones/quarantine/"+tt.path, js, []byte(tt.body))
		e := envelopeOf(t, status, body)
		if status != tt.status || e.Field != tt.field || strings.Contains(e.Message, "12ab") {
			t.Errorf("%s: %d %+v, want %d field %q", tt.name, status, e, tt.status, tt.field)
		}
	}
	status, body = rg.do(admin, "POST", "/api/v1/phones/quarantine/+79131234502/confirm-wrong", js, nil)
	if status != http.StatusNotFound {
		t.Errorf("a number in the URL: %d %s, want 404", status, body)
	}
}
