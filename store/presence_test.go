package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

func TestPresenceIsSharedAndExpires(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		a := []store.CollectorSeen{{Login: "ivanova", Contact: "sip:ivanova@10.0.0.5:5062", Pages: 0}, {Login: "petrov", Pages: 2}}
		if err := db.PublishPresence(ctx, "node-a", a, t0, t0.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := db.PublishPresence(ctx, "node-b", []store.CollectorSeen{{Login: "petrov", Pages: 1}}, t0, t0.Add(6*time.Second)); err != nil {
			t.Fatal(err)
		}
		got, err := db.OthersPresence(ctx, "node-b", t0.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, a) {
			t.Fatalf("node-b sees %+v, want node-a's %+v", got, a)
		}
		// node-a publishes again: what it no longer sees is gone.
		if err := db.PublishPresence(ctx, "node-a", a[1:], t0.Add(2*time.Second), t0.Add(8*time.Second)); err != nil {
			t.Fatal(err)
		}
		got, _ = db.OthersPresence(ctx, "node-b", t0.Add(3*time.Second))
		if !slices.Equal(got, a[1:]) {
			t.Fatalf("after republishing, node-b sees %+v, want %+v", got, a[1:])
		}
		// node-a stops renewing (it died): past the expiry nothing of it is seen.
		got, _ = db.OthersPresence(ctx, "node-b", t0.Add(8*time.Second))
		if len(got) != 0 {
			t.Fatalf("a dead node's presence is still seen: %+v", got)
		}
		// node-b leaves: node-a sees nothing of it.
		if err := db.LeaveCluster(ctx, "node-b"); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.OthersPresence(ctx, "node-a", t0.Add(time.Second)); len(got) != 0 {
			t.Fatalf("a node that left is still seen: %+v", got)
		}
	})
}

func TestLinesAreClaimedByOneNode(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		ttl := 15 * time.Second
		got, err := db.ClaimLines(ctx, "node-a", []string{"ivanova", "petrov"}, t0, t0.Add(ttl))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, []string{"ivanova", "petrov"}) {
			t.Fatalf("node-a claimed %v of two free collectors", got)
		}
		got, _ = db.ClaimLines(ctx, "node-b", []string{"petrov", "sidorov"}, t0.Add(time.Second), t0.Add(time.Second+ttl))
		if !slices.Equal(got, []string{"sidorov"}) {
			t.Fatalf("node-b claimed %v, want only sidorov (petrov is node-a's)", got)
		}
		busy, _ := db.BusyLines(ctx, "node-b", t0.Add(time.Second))
		if !slices.Equal(busy, []string{"ivanova", "petrov"}) {
			t.Fatalf("node-b sees %v busy elsewhere", busy)
		}
		// A node's own claim is renewed, not refused.
		got, _ = db.ClaimLines(ctx, "node-a", []string{"petrov"}, t0.Add(2*time.Second), t0.Add(2*time.Second+ttl))
		if !slices.Equal(got, []string{"petrov"}) {
			t.Fatalf("node-a's own claim refused: %v", got)
		}
		// Freed by node-a: node-b can have petrov. node-b cannot free node-a's ivanova.
		if err := db.FreeLines(ctx, "node-a", []string{"petrov"}); err != nil {
			t.Fatal(err)
		}
		if err := db.FreeLines(ctx, "node-b", []string{"ivanova"}); err != nil {
			t.Fatal(err)
		}
		got, _ = db.ClaimLines(ctx, "node-b", []string{"petrov", "ivanova"}, t0.Add(3*time.Second), t0.Add(3*time.Second+ttl))
		if !slices.Equal(got, []string{"petrov"}) {
			t.Fatalf("node-b claimed %v, want petrov (freed) and not ivanova (node-a's)", got)
		}
		// node-a renews at 10 s, then dies: its claim of ivanova lapses at 25 s, not before.
		if err := db.RenewLines(ctx, "node-a", t0.Add(10*time.Second), t0.Add(10*time.Second+ttl)); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.ClaimLines(ctx, "node-b", []string{"ivanova"}, t0.Add(24*time.Second), t0.Add(24*time.Second+ttl)); len(got) != 0 {
			t.Fatalf("node-b took a live claim: %v", got)
		}
		if got, _ = db.ClaimLines(ctx, "node-b", []string{"ivanova"}, t0.Add(25*time.Second), t0.Add(25*time.Second+ttl)); !slices.Equal(got, []string{"ivanova"}) {
			t.Fatalf("a dead node's expired claim still holds: %v", got)
		}
		if err := db.LeaveCluster(ctx, "node-b"); err != nil {
			t.Fatal(err)
		}
		if busy, _ = db.BusyLines(ctx, "node-a", t0.Add(26*time.Second)); len(busy) != 0 {
			t.Fatalf("a node that left still holds %v", busy)
		}
	})
}

func TestOneLineAcrossNodes(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		ttl := 15 * time.Second
		join := func(node, id string, at time.Duration) {
			t.Helper()
			if err := db.JoinQueue(ctx, node, id, t0.Add(at), t0.Add(at+ttl)); err != nil {
				t.Fatal(err)
			}
		}
		positions := func(at time.Duration, ids ...string) []int {
			t.Helper()
			var out []int
			for _, id := range ids {
				p, err := db.QueuePosition(ctx, id, t0.Add(at))
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, p)
			}
			return out
		}
		join("node-b", "b/1", 0)
		join("node-a", "a/1", time.Second)
		join("node-b", "b/2", 2*time.Second)
		join("node-a", "a/2", 2*time.Second) // the same instant: by id
		if got := positions(3*time.Second, "b/1", "a/1", "a/2", "b/2", "nobody"); !slices.Equal(got, []int{1, 2, 3, 4, 0}) {
			t.Fatalf("positions %v, want 1 2 3 4 by the time each joined, 0 for one not in the line", got)
		}
		if err := db.LeaveQueue(ctx, "b/1"); err != nil {
			t.Fatal(err)
		}
		if got := positions(3*time.Second, "a/1", "a/2", "b/2"); !slices.Equal(got, []int{1, 2, 3}) {
			t.Fatalf("after the first left: %v, want 1 2 3", got)
		}
		// node-a renews at 10 s; node-b dies: its caller's place lapses at 17 s.
		if err := db.RenewLines(ctx, "node-a", t0.Add(10*time.Second), t0.Add(10*time.Second+ttl)); err != nil {
			t.Fatal(err)
		}
		if got := positions(16*time.Second, "a/1", "a/2"); !slices.Equal(got, []int{1, 2}) {
			t.Fatalf("at 16 s: %v, want 1 2", got)
		}
		join("node-b", "b/3", 17*time.Second)
		if got := positions(17*time.Second, "a/1", "a/2", "b/3"); !slices.Equal(got, []int{1, 2, 3}) {
			t.Fatalf("at 17 s, node-b's lapsed place still counts: %v, want 1 2 3", got)
		}
		if err := db.LeaveCluster(ctx, "node-a"); err != nil {
			t.Fatal(err)
		}
		if got := positions(18*time.Second, "a/1", "b/3"); !slices.Equal(got, []int{0, 1}) {
			t.Fatalf("after node-a left: %v, want 0 1", got)
		}
	})
}

func TestRegistrationsOutliveTheirNode(t *testing.T) {
	eachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		a := store.Registration{User: "ivanova", Contact: "sip:ivanova@10.0.0.5:5062", Node: "node-a", Expires: t0.Add(time.Hour)}
		if err := db.KeepRegistration(ctx, a, t0); err != nil {
			t.Fatal(err)
		}
		// node-a is gone (no LeaveCluster touches registrations): any node
		// still reads the binding until it expires.
		if err := db.LeaveCluster(ctx, "node-a"); err != nil {
			t.Fatal(err)
		}
		got, err := db.Registrations(ctx, t0.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].User != a.User || got[0].Contact != a.Contact || got[0].Node != a.Node || !got[0].Expires.Equal(a.Expires) {
			t.Fatalf("registrations after node-a left: %+v, want %+v", got, a)
		}
		// The softphone registers again through node-b from a new address:
		// the latest REGISTER wins.
		b := store.Registration{User: "ivanova", Contact: "sip:ivanova@10.0.0.9:5062", Node: "node-b", Expires: t0.Add(90 * time.Minute)}
		if err := db.KeepRegistration(ctx, b, t0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.Registrations(ctx, t0.Add(31*time.Minute)); len(got) != 1 || got[0].Contact != b.Contact || got[0].Node != "node-b" {
			t.Fatalf("after re-registering through node-b: %+v, want %+v", got, b)
		}
		// Past its expiry a binding is nobody's.
		if got, _ = db.Registrations(ctx, t0.Add(90*time.Minute)); len(got) != 0 {
			t.Fatalf("an expired registration is still read: %+v", got)
		}
		// Unregistering drops it at once.
		if err := db.KeepRegistration(ctx, a, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.DropRegistration(ctx, "ivanova"); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.Registrations(ctx, t0); len(got) != 0 {
			t.Fatalf("an unregistered binding is still read: %+v", got)
		}
		if err := db.KeepRegistration(ctx, store.Registration{User: "x"}, t0); err == nil {
			t.Fatal("a registration without a contact was kept")
		}
	})
}
