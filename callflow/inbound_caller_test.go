package callflow_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/store"
)

// TestKnownCaller: an inbound call from a number stored for one person is
// theirs, with the variables a campaign call to them has; a number two
// persons share, one quarantined as not theirs, a withheld or unknown one
// leaves the caller unknown.
func TestKnownCaller(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	debtors := []store.Debtor{
		{ID: "d1", Name: "Петрова Анна Сергеевна", Phones: []string{"+79160000001"}},
		{ID: "d2", Name: "Иванов Иван", Phones: []string{"+79160000002"}},
		{ID: "d3", Name: "Сидоров Пётр", Phones: []string{"+79160000002"}}, // merged with d2 by the shared number at import
		{ID: "d4", Name: "Кузнецов Олег", Phones: []string{"+79160000004"}},
	}
	details := []store.DebtorDetails{{DebtorID: "d1", DebtKop: 1234550}, {DebtorID: "d2"}, {DebtorID: "d3"}, {DebtorID: "d4"}}
	if err := db.ImportDebtors(ctx, debtors, details); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	if _, err := db.SplitPerson(ctx, "d3", "two people, one landline", at); err != nil {
		t.Fatal(err)
	}
	if err := db.SetPhoneStatus(ctx, store.PhoneStatus{DebtorID: "d4", Phone: "+79160000004", Status: store.PhoneQuarantined, Note: "wrong person", At: at}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, debtor, name string
	}{
		{"79160000001", "d1", "Петрова Анна Сергеевна"}, // a From user part as carriers send it
		{"8 (916) 000-00-01", "d1", "Петрова Анна Сергеевна"},
		{"+79160000002", "", ""}, // two persons since the split
		{"+79160000004", "", ""}, // quarantined for d4
		{"+79169999999", "", ""}, // nobody's
		{"anonymous", "", ""},
		{"", "", ""},
	}
	for _, tc := range tests {
		req, err := callflow.KnownCaller(ctx, db, "Банк Пример", tc.from, callflow.AnswerRequest{Script: "s.yaml"})
		if err != nil {
			t.Fatalf("%s: %v", tc.from, err)
		}
		if req.DebtorID != tc.debtor || req.Script != "s.yaml" {
			t.Errorf("%s: debtor %q, want %q", tc.from, req.DebtorID, tc.debtor)
			continue
		}
		if tc.debtor == "" {
			if req.Vars != nil {
				t.Errorf("%s: an unknown caller got variables %v", tc.from, req.Vars)
			}
			continue
		}
		d, _ := req.Vars["debtor"].(map[string]any)
		debt, _ := req.Vars["debt"].(map[string]any)
		if d["name"] != tc.name || d["first_name"] != "Анна" || debt["amount"] != 12345.5 {
			t.Errorf("%s: variables %v, want the debtor's name, first name and debt", tc.from, req.Vars)
		}
	}
}
