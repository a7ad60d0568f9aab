package compliance

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestLossIsStricter: a close may skip waiting for the disk only when
// losing it leaves the entry counting in every limit the close would.
func TestLossIsStricter(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	entry := func(ch Channel, state string, kind Kind, answered bool) store.LedgerEntry {
		e := store.LedgerEntry{Channel: string(ch), State: state, Kind: string(kind)}
		if answered {
			e.AnsweredAt = at
		}
		return e
	}
	for _, c := range []struct {
		name  string
		e     store.LedgerEntry
		state string
		kind  Kind
		want  bool
	}{
		{"release of an open call", entry(RobotCall, store.StateOpen, Conversation, false), store.StateReleased, "", true},
		{"release of a committed call", entry(RobotCall, store.StateCommitted, Attempt, false), store.StateReleased, "", false},
		{"attempt, call not answered", entry(RobotCall, store.StateOpen, Conversation, false), store.StateCommitted, Attempt, true},
		{"attempt, call answered", entry(HumanCall, store.StateOpen, Conversation, true), store.StateCommitted, Attempt, true},
		{"conversation, call not answered", entry(RobotCall, store.StateOpen, Conversation, false), store.StateCommitted, Conversation, false},
		{"conversation, call answered", entry(RobotCall, store.StateOpen, Conversation, true), store.StateCommitted, Conversation, true},
		{"conversation, expired as an attempt", entry(RobotCall, store.StateExpired, Attempt, false), store.StateCommitted, Conversation, false},
		{"attempt, expired as a conversation", entry(RobotCall, store.StateExpired, Conversation, true), store.StateCommitted, Attempt, true},
		{"message of a message", entry(Message, store.StateOpen, MessageKind, false), store.StateCommitted, MessageKind, true},
		{"message of a voice message", entry(VoiceMessage, store.StateOpen, MessageKind, false), store.StateCommitted, MessageKind, true},
		{"attempt of a message", entry(Message, store.StateOpen, MessageKind, false), store.StateCommitted, Attempt, false},
		{"meeting", entry(Meeting, store.StateOpen, MeetingKind, false), store.StateCommitted, MeetingKind, false},
		{"attempt of a meeting", entry(Meeting, store.StateOpen, MeetingKind, false), store.StateCommitted, Attempt, true},
		{"conversation of a message", entry(Message, store.StateOpen, MessageKind, false), store.StateCommitted, Conversation, false},
		{"committed again", entry(RobotCall, store.StateCommitted, Attempt, false), store.StateCommitted, Attempt, false},
	} {
		if got := lossIsStricter(c.e, c.state, c.kind); got != c.want {
			t.Errorf("%s: lossIsStricter = %v, want %v", c.name, got, c.want)
		}
	}
}

// syncLedger is a test double Ledger over a real store recording each
// batch's Sync and whether it ended asking to be durable.
type syncLedger struct {
	*store.DB
	mu    sync.Mutex
	calls []string
}

func (l *syncLedger) LedgerBatch(ctx context.Context, debtorIDs []string, mode store.Sync, fn func(tx *store.BatchTx) error) error {
	turned := false
	err := l.DB.LedgerBatch(ctx, debtorIDs, mode, func(tx *store.BatchTx) error {
		err := fn(tx)
		turned = mode == store.SyncLater && !tx.SyncLater()
		return err
	})
	s := map[store.Sync]string{store.SyncNow: "now", store.SyncLater: "later"}[mode]
	if turned {
		s += " (made durable)"
	}
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
	return err
}

func (l *syncLedger) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.calls
	l.calls = nil
	return c
}

// TestGuardSyncsWhatMustBeDurable: a reservation is always durable before
// the contact; a close skips waiting for the disk only when its loss counts
// at least as much; a conversation committed on a call never marked
// answered turns its batch durable (no second run) and is stored as a
// conversation.
func TestGuardSyncsWhatMustBeDurable(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB, _ string) {
		ctx := t.Context()
		l := &syncLedger{DB: db}
		clock := &settableClock{t: local(t, "Europe/Moscow", "2026-11-23 12:00")}
		g, err := NewGuard(Config{Ledger: l, Clock: clock, Holder: "test", Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range []struct {
			channel  Channel
			answered bool
			close    string // commit or release
			kind     Kind
			want     []string // the close's batches
			state    string
			wantKind Kind
		}{
			{RobotCall, false, "commit", Attempt, []string{"later"}, store.StateCommitted, Attempt},
			{RobotCall, false, "release", "", []string{"later"}, store.StateReleased, Conversation},
			{RobotCall, false, "commit", Conversation, []string{"later (made durable)"}, store.StateCommitted, Conversation},
			{HumanCall, true, "commit", Conversation, []string{"later"}, store.StateCommitted, Conversation},
			{HumanCall, true, "commit", Attempt, []string{"later"}, store.StateCommitted, Attempt},
			{Message, false, "commit", MessageKind, []string{"later"}, store.StateCommitted, MessageKind},
			{Meeting, false, "commit", MeetingKind, []string{"now"}, store.StateCommitted, MeetingKind},
		} {
			name := fmt.Sprintf("%d: %s %s as %q (answered %v)", i, c.channel, c.close, c.kind, c.answered)
			d := fmt.Sprintf("d%d", i)
			if err := db.UpsertDebtor(ctx, store.Debtor{ID: d, Region: "г. Москва", Phones: []string{fmt.Sprintf("+7916123456%d", i)}}); err != nil {
				t.Fatal(err)
			}
			r, dec, err := g.Reserve(ctx, Request{DebtorID: d, Channel: c.channel})
			if err != nil || !dec.Allowed {
				t.Fatalf("%s: reserve: %+v %v", name, dec, err)
			}
			if got := l.take(); !slices.Equal(got, []string{"now"}) {
				t.Errorf("%s: the reservation's batches %q, want [now]", name, got)
			}
			if c.answered {
				if err := g.Answered(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if c.close == "release" {
				err = g.Release(ctx, r)
			} else {
				err = g.Commit(ctx, r, c.kind)
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := l.take(); !slices.Equal(got, c.want) {
				t.Errorf("%s: the close's batches %q, want %q", name, got, c.want)
			}
			es, err := db.LedgerEntries(ctx, d)
			if err != nil || len(es) != 1 || es[0].State != c.state || es[0].Kind != string(c.wantKind) {
				t.Errorf("%s: the ledger %+v %v, want one entry %s as %s", name, es, err, c.state, c.wantKind)
			}
		}
	})
}
