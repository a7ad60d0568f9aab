package compliance

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

func TestStaffPermit(t *testing.T) {
	g, clk := permitGuard(t)
	db := g.ledger.(*store.DB)
	const debtorPhone, collectorPhone = "+79131234567", "+79035550101"
	if err := db.UpsertDebtor(t.Context(), store.Debtor{ID: "d1", Name: "Иванов", Phones: []string{debtorPhone}}); err != nil {
		t.Fatal(err)
	}
	p, err := g.StaffPermit(t.Context(), phonenum.MustParse(collectorPhone))
	if err != nil {
		t.Fatalf("staff permit for a collector's number: %v", err)
	}
	if err := p.Check("8 903 555-01-01"); err != nil {
		t.Errorf("the staff permit does not pass for its own number: %v", err)
	}
	if err := p.Check(debtorPhone); !errors.Is(err, ErrInvalidPermit) {
		t.Errorf("the staff permit passes for another number: %v", err)
	}
	if err := p.CheckMessage(collectorPhone); !errors.Is(err, ErrInvalidPermit) {
		t.Errorf("a staff permit must not send a message: %v", err)
	}
	// a debtor's number is never a staff number, whatever the config says
	_, err = g.StaffPermit(t.Context(), phonenum.MustParse(debtorPhone))
	if !errors.Is(err, ErrNotStaffNumber) || strings.Contains(err.Error(), "1234567") {
		t.Errorf("staff permit for a debtor's number: %v, want ErrNotStaffNumber with the number masked", err)
	}
	// no store to check in: refused
	bare, err := NewGuard(Config{Clock: clk, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bare.StaffPermit(t.Context(), phonenum.MustParse(collectorPhone)); !errors.Is(err, ErrNotStaffNumber) {
		t.Errorf("a guard without a store: %v, want a refusal", err)
	}
	clk.JumpTo(clk.Now().Add(2 * time.Minute))
	if err := p.Check(collectorPhone); !errors.Is(err, ErrInvalidPermit) {
		t.Errorf("a staff permit two minutes old still passes: %v", err)
	}
}
