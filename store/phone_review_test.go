package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestDSNFrom: the store a command uses, by precedence.
func TestDSNFrom(t *testing.T) {
	env := func(v string) func(string) string { return func(string) string { return v } }
	for _, tt := range []struct{ name, flag, env, want string }{
		{"the flag wins", "sqlite:a.db", "sqlite:b.db", "sqlite:a.db"},
		{"then DOZVON_DB", "", "sqlite:b.db", "sqlite:b.db"},
		{"then the default", "", "", store.DefaultDSN},
	} {
		if got := store.DSNFrom(tt.flag, env(tt.env)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestPhoneReview: the `dozvon phones` review in the store — finding a
// quarantined number (of one debtor, of several, of none), confirming it
// wrong, and restoring it (its wrong_person block ends, its status goes).
func TestPhoneReview(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
		const shared, own = "+79130000001", "+79130000002"
		for _, d := range []store.Debtor{{ID: "D-1", Name: "Иванов", Phones: []string{shared, own}}, {ID: "D-2", Name: "Петров", Phones: []string{shared}}} {
			if err := db.UpsertDebtor(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		for _, s := range []store.PhoneStatus{{DebtorID: "D-1", Phone: shared}, {DebtorID: "D-2", Phone: shared}, {DebtorID: "D-1", Phone: own}} {
			s.Status, s.At = store.PhoneQuarantined, at
			if err := db.SetPhoneStatus(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.AddBlock(ctx, store.Block{DebtorID: "D-1", Phone: own, Kind: "wrong_person", Since: at}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, phone, debtor, want, err string
		}{
			{"one debtor", own, "", "D-1", ""},
			{"several debtors, one named", shared, "D-2", "D-2", ""},
			{"several debtors, none named", shared, "", "", "quarantined for 2 debtors: name one with --debtor"},
			{"not quarantined", "+79130000009", "", "", "+79130000009 is not quarantined"},
			{"not quarantined for the named debtor", own, "D-2", "", "is not quarantined"},
		}
		for _, tt := range tests {
			st, err := db.FindQuarantined(ctx, tt.phone, tt.debtor)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
				}
				continue
			}
			if err != nil || st.DebtorID != tt.want {
				t.Errorf("%s: got %+v, %v; want debtor %s", tt.name, st, err, tt.want)
			}
		}

		st, _ := db.FindQuarantined(ctx, shared, "D-2")
		if err := db.ConfirmWrong(ctx, st, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if sts, _ := db.PhoneStatuses(ctx, store.PhoneWrongConfirmed, shared); len(sts) != 1 || sts[0].DebtorID != "D-2" {
			t.Fatalf("confirmed wrong: %+v", sts)
		}
		st, _ = db.FindQuarantined(ctx, own, "")
		n, err := db.RestorePhone(ctx, st, at.Add(time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("restore: %d blocks ended, %v", n, err)
		}
		if _, err := db.FindQuarantined(ctx, own, ""); err == nil {
			t.Fatal("a restored number is still quarantined")
		}
		if bs, _ := db.Blocks(ctx, "D-1", at.Add(2*time.Hour)); len(bs) != 0 {
			t.Fatalf("blocks after restore: %+v", bs)
		}
	})
}
