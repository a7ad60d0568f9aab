package testcalls

import (
	"testing"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
)

func TestSimulatedDebtors(t *testing.T) {
	ds := SimulatedDebtors(20)
	if len(ds) != 20 {
		t.Fatalf("%d debtors, want 20", len(ds))
	}
	tests := []struct {
		i      int
		expect string
		block  string
		phones int
	}{
		{0, "done:identified", "", 1},
		{3, "done:identified", "", 2}, // the first phone reaches a wrong person, the second the debtor
		{4, "callback", "", 1},
		{5, "pending:denied", "", 2},
		{19, "pending:denied", "bankruptcy", 2},
		{7, "done:refused", "", 2},
		{8, "done:wrong_person", "", 1},
	}
	for _, tt := range tests {
		d := ds[tt.i]
		if d.Expect != tt.expect || d.Block != tt.block || len(d.Debtor.Phones) != tt.phones || len(d.Phones) != tt.phones {
			t.Errorf("debtor %d: expect %q block %q, %d phones (%d behaviours); want %q %q %d",
				tt.i, d.Expect, d.Block, len(d.Debtor.Phones), len(d.Phones), tt.expect, tt.block, tt.phones)
		}
	}
	seen := map[string]bool{}
	for _, d := range ds {
		for _, p := range d.Debtor.Phones {
			if !p.Russian() || seen[p.String()] {
				t.Errorf("%s: phone %s not Russian or repeated", d.Debtor.ID, p)
			}
			seen[p.String()] = true
		}
		if _, err := compliance.ResolveRegion(d.Debtor.Region, ""); err != nil {
			t.Errorf("%s: region %q: %v", d.Debtor.ID, d.Debtor.Region, err)
		}
	}
}

func TestSimulatePortfolioKeepsDebtors(t *testing.T) {
	in := []portfolio.Debtor{{ID: "A", Phones: phonenum.List{phonenum.MustParse("+79160000001"), phonenum.MustParse("+79160000002"), phonenum.MustParse("+79160000003")}}, {ID: "B"}, {}, {ID: "D", Phones: phonenum.List{phonenum.MustParse("+79160000004")}}}
	out := SimulatePortfolio(in)
	if len(out) != 4 || out[0].Debtor.ID != "A" || len(out[0].Phones) != 3 || len(out[1].Phones) != 0 {
		t.Fatalf("got %+v", out)
	}
	if out[3].Expect != "done:wrong_person" { // kind 3 with one phone: it reaches a wrong person
		t.Fatalf("one-phone debtor of kind 3: expect %q", out[3].Expect)
	}
}

func TestSimulatedPhonesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range SimulatedPhones() {
		if seen[p.Phone] || seen[p.ID] || p.What == "" {
			t.Errorf("%s %s: repeated or undescribed", p.ID, p.Phone)
		}
		seen[p.Phone], seen[p.ID] = true, true
	}
}
