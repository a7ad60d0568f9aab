package store_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

// TestBackupRestores backs up a store holding debtors, a call and a ledger
// (a conversation, an attempt and a reservation still open) while it is
// open, opens the copy as a store and finds everything there: the same rows,
// and the 230-FZ guard counting the same on both (audit and decisions).
func TestBackupRestores(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := t.TempDir()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "dozvon.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	msk, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Fixed(time.Date(2026, 11, 23, 12, 0, 0, 0, msk)) // a Monday
	debtors := []store.Debtor{
		{ID: "d1", Name: "Иванов Иван", Region: "г. Москва", Phones: []string{"+79161234567"}},
		{ID: "d2", Name: "Петров Пётр", Region: "Новосибирская область", Phones: []string{"+79131234567", "+79031234567"}},
	}
	for _, d := range debtors {
		if err := db.UpsertDebtor(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	guard := func(db *store.DB) *compliance.Guard {
		g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: now, Holder: "backup-test", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	g := guard(db)
	for _, c := range []struct {
		debtor string
		kind   compliance.Kind // "": leave the reservation open
	}{{"d1", compliance.Conversation}, {"d2", compliance.Attempt}, {"d2", ""}} {
		res, d, err := g.Reserve(ctx, compliance.Request{DebtorID: c.debtor, Channel: compliance.RobotCall})
		if err != nil || !d.Allowed {
			t.Fatalf("reserve %s: %+v %v", c.debtor, d, err)
		}
		if c.kind != "" {
			if err := g.Commit(ctx, res, c.kind); err != nil {
				t.Fatal(err)
			}
		}
	}
	call := store.CallRecord{
		ID: "call-1", Direction: "outbound", From: "robot", To: "+79161234567", Result: "answered", Outcome: "promise",
		Started: time.Time(now).UTC(), Answered: time.Time(now).Add(3 * time.Second).UTC(), Ended: time.Time(now).Add(time.Minute).UTC(),
		Slots: map[string]string{"amount": "1000"}, RecordingPath: "var/recordings/2026-11-23/call-1.wav",
		Turns: []store.TurnRecord{{Seq: 1, Node: "greet", Who: "robot", Kind: "say", Text: "Здравствуйте"}},
	}
	if err := db.SaveCall(ctx, call); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(dir, "backups", "copy.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v, want mode 0600", st, err)
	}
	if err := db.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("a second backup over the first: %v, want an error naming %s", err, path)
	}
	cp, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()

	gotCall, err := cp.Call(ctx, call.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCall, err := db.Call(ctx, call.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotCall, wantCall) {
		t.Errorf("call in the copy\n%+v\nwant\n%+v", gotCall, wantCall)
	}
	entries := 0
	for _, d := range debtors {
		same(t, "debtor "+d.ID, db.Debtor, cp.Debtor, d.ID)
		entries += len(same(t, "ledger of "+d.ID, db.LedgerEntries, cp.LedgerEntries, d.ID))
		same(t, "audit log of "+d.ID, db.AuditLog, cp.AuditLog, d.ID)
	}
	if entries != 3 {
		t.Errorf("%d ledger entries, want 3", entries)
	}
	gc := guard(cp)
	a1, err := g.Audit(ctx, db, debtors)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := gc.Audit(ctx, cp, debtors)
	if err != nil {
		t.Fatal(err)
	}
	if a1.Entries != 3 || !reflect.DeepEqual(a1, a2) {
		t.Errorf("guard audit: original %+v, copy %+v", a1, a2)
	}
	for _, d := range debtors {
		_, d1, err1 := g.Reserve(ctx, compliance.Request{DebtorID: d.ID, Channel: compliance.RobotCall})
		_, d2, err2 := gc.Reserve(ctx, compliance.Request{DebtorID: d.ID, Channel: compliance.RobotCall})
		if err1 != nil || err2 != nil || d1.Allowed || d1.Reason != d2.Reason || d1.Allowed != d2.Allowed || !d1.NextAllowedAt.Equal(d2.NextAllowedAt) {
			t.Errorf("%s: original decides %+v (%v), the copy %+v (%v)", d.ID, d1, err1, d2, err2)
		}
	}
}

// same reads one thing from the original and the copy and reports a difference.
func same[T any](t *testing.T, what string, orig, cp func(ctx context.Context, id string) (T, error), id string) T {
	t.Helper()
	a, err := orig(t.Context(), id)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	b, err := cp(t.Context(), id)
	if err != nil {
		t.Fatalf("%s in the copy: %v", what, err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s differs in the copy:\n%+v\nwant\n%+v", what, b, a)
	}
	return a
}

func TestBackupPostgresNamesPGDump(t *testing.T) {
	t.Parallel()
	const dsn = "postgres://dozvon:s3cret@db.example:5432/dozvon?sslmode=require"
	for _, cmd := range []string{store.PGDumpCommand(dsn, "/backups/dozvon.dump"), store.PGRestoreCommand(dsn, "/backups/dozvon.dump")} {
		if strings.Contains(cmd, "s3cret") || !strings.Contains(cmd, "db.example:5432/dozvon") || !strings.Contains(cmd, "/backups/dozvon.dump") {
			t.Errorf("command %q: want the database and file named and the password hidden", cmd)
		}
	}
	if pg == nil {
		t.Skip("no postgres: Backup's refusal is not checked")
	}
	pdsn, err := pg.NewDatabase(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.Context(), pdsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Backup(t.Context(), filepath.Join(t.TempDir(), "x.db")); !errors.Is(err, store.ErrBackupExternal) {
		t.Errorf("postgres backup: %v, want ErrBackupExternal", err)
	}
}
