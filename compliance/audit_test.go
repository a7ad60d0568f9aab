package compliance

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// ledgerHistory is a test double of the store's ledger: fixed entries per debtor.
type ledgerHistory map[string][]store.LedgerEntry

func (h ledgerHistory) LedgerEntries(ctx context.Context, debtorID string) ([]store.LedgerEntry, error) {
	return h[debtorID], nil
}

// msk is a Moscow wall-clock instant.
func msk(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, time.FixedZone("MSK", 3*3600))
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// entry is a robot call committed as kind, two minutes long.
func entry(at string, kind Kind) store.LedgerEntry {
	t := msk(at)
	return store.LedgerEntry{Channel: string(RobotCall), Kind: string(kind), State: store.StateCommitted, At: t, ClosedAt: t.Add(2 * time.Minute)}
}

func TestAudit(t *testing.T) {
	released := entry("2026-11-24 10:00", Attempt)
	released.State = store.StateReleased
	late := entry("2026-11-24 21:55", Conversation)
	late.ClosedAt = msk("2026-11-24 22:03")
	msg := func(at string) store.LedgerEntry {
		e := entry(at, MessageKind)
		e.Channel = string(Message)
		return e
	}
	tests := []struct {
		name    string
		history []store.LedgerEntry
		want    []string // the rule of each finding, in order
	}{
		{"weekday 10:00", []store.LedgerEntry{entry("2026-11-24 10:00", Conversation)}, nil},
		{"weekday before 08:00", []store.LedgerEntry{entry("2026-11-24 07:59", Attempt)}, []string{ReasonWindow}},
		{"weekday from 22:00", []store.LedgerEntry{entry("2026-11-24 22:00", Attempt)}, []string{ReasonWindow}},
		{"started 21:55, still talking at 22:03", []store.LedgerEntry{late}, []string{ReasonWindow}},
		{"ordinary Saturday 08:30", []store.LedgerEntry{entry("2026-11-28 08:30", Attempt)}, []string{ReasonWindow}},
		{"ordinary Saturday 20:30", []store.LedgerEntry{entry("2026-11-28 20:30", Attempt)}, []string{ReasonWindow}},
		{"working Saturday 2024-11-02 08:30 (moved day)", []store.LedgerEntry{entry("2024-11-02 08:30", Conversation)}, nil},
		{"working Saturday 2025-11-01 21:00 (moved day)", []store.LedgerEntry{entry("2025-11-01 21:00", Attempt)}, nil},
		{"Monday 2026-03-09 off 08:30 (moved day off)", []store.LedgerEntry{entry("2026-03-09 08:30", Attempt)}, []string{ReasonWindow}},
		{"Monday 2026-03-09 off 10:00", []store.LedgerEntry{entry("2026-03-09 10:00", Attempt)}, nil},
		{"two conversations a day", []store.LedgerEntry{entry("2026-11-24 10:00", Conversation), entry("2026-11-24 15:00", Conversation)},
			[]string{ReasonLimitDay}},
		{"attempts after a conversation", []store.LedgerEntry{entry("2026-11-24 10:00", Conversation), entry("2026-11-24 12:00", Attempt),
			entry("2026-11-24 14:00", Attempt)}, nil},
		{"a fourth attempt", []store.LedgerEntry{entry("2026-11-24 10:00", Attempt), entry("2026-11-24 11:00", Attempt),
			entry("2026-11-24 12:00", Attempt), entry("2026-11-24 13:00", Attempt)}, []string{ReasonAttempts}},
		{"a released reservation does not count", []store.LedgerEntry{entry("2026-11-24 10:00", Attempt), released,
			entry("2026-11-24 11:00", Attempt), entry("2026-11-24 12:00", Attempt)}, nil},
		{"three conversations a week", []store.LedgerEntry{entry("2026-11-23 10:00", Conversation), entry("2026-11-24 10:00", Conversation),
			entry("2026-11-26 10:00", Conversation)}, []string{ReasonLimitWeek}},
		{"three messages a day", []store.LedgerEntry{msg("2026-11-24 10:00"), msg("2026-11-24 11:00"), msg("2026-11-24 12:00")},
			[]string{ReasonLimitDay}},
	}
	g, err := NewGuard(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.history {
				tt.history[i].ID, tt.history[i].DebtorID = fmt.Sprintf("e%d", i), "D-1"
			}
			res, err := g.Audit(context.Background(), ledgerHistory{"D-1": tt.history}, []store.Debtor{{ID: "D-1", Region: "г. Москва"}})
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, f := range res.Findings {
				rules = append(rules, f.Rule)
			}
			if !slices.Equal(rules, tt.want) {
				t.Fatalf("findings %v, want rules %v", res.Findings, tt.want)
			}
			counted := len(tt.history)
			for _, e := range tt.history {
				if e.State == store.StateReleased {
					counted--
				}
			}
			if res.Entries != counted {
				t.Fatalf("%d entries counted, want %d", res.Entries, counted)
			}
		})
	}
}

func TestAuditZonesAndBadEntries(t *testing.T) {
	g, err := NewGuard(Config{})
	if err != nil {
		t.Fatal(err)
	}
	// 10:00 in Moscow is 19:00 in Kamchatka: lawful; 13:30 in Moscow is 22:30 there.
	h := ledgerHistory{"K": {entry("2026-11-24 10:00", Attempt), entry("2026-11-24 13:30", Attempt)}}
	h["K"][1].ID = "late"
	res, err := g.Audit(context.Background(), h, []store.Debtor{{ID: "K", Region: "Камчатский край"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].EntryID != "late" || res.Findings[0].Rule != ReasonWindow {
		t.Fatalf("findings %v, want the 13:30 MSK call only", res.Findings)
	}
	bad := ledgerHistory{"X": {{ID: "x1", Channel: "fax", Kind: string(Attempt), At: msk("2026-11-24 10:00")}}}
	if _, err := g.Audit(context.Background(), bad, []store.Debtor{{ID: "X", Region: "г. Москва"}}); err == nil {
		t.Fatal("an entry of an unknown channel passed the audit")
	}
}
