package events

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/dozvon/dozvon/store"
)

// TestFollowingHubsShareEvents: two nodes' hubs on one store (each with its
// own connection) both follow it; a viewer on either gets the events of
// both nodes' calls, each once, in seq order, and nothing stored before its
// hub started. A hub that does not follow would give node A's viewer only
// node A's calls.
func TestFollowingHubsShareEvents(t *testing.T) {
	t.Parallel()
	path := "sqlite:" + t.TempDir() + "/events.db"
	open := func() *store.DB {
		db, err := store.Open(t.Context(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	if err := dbA.AppendEvents(t.Context(), []store.EventRow{{At: time.Now(), Type: TypeCallStatus, Campaign: "spring", Body: []byte(`{}`)}}); err != nil {
		t.Fatal(err) // yesterday's event: replayed on request, never sent live
	}
	start := func(db *store.DB) *Hub {
		h, err := NewHub(HubConfig{Store: db, Follow: 20 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { h.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		return h
	}
	nodeA, nodeB := start(dbA), start(dbB)
	viewerA, viewerB := nodeA.Subscribe([]string{"spring"}, 256), nodeB.Subscribe(nil, 256)
	defer viewerA.Close()
	defer viewerB.Close()
	// Each node is following once its viewer gets its own first event
	// (what a node stored before the other started following is not sent
	// live there: the marks are skipped below).
	for _, node := range []struct {
		hub    *Hub
		viewer *Subscription
	}{{nodeA, viewerA}, {nodeB, viewerB}} {
		node.hub.Publish(Envelope{Type: TypeCallbackDue, Campaign: "spring", Debtor: "mark"})
		for e := recv(t, node.viewer); e.Debtor != "mark"; e = recv(t, node.viewer) {
		}
	}
	const n = 40
	for i := range n {
		node, debtor := nodeA, "on-a"
		if i%2 == 1 {
			node, debtor = nodeB, "on-b"
		}
		node.CallEvent(turn(i, "spring", debtor, "x"))
	}
	for name, sub := range map[string]*Subscription{"node A's viewer": viewerA, "node B's viewer": viewerB} {
		var last int64
		turns := map[int]string{}
		for len(turns) < n {
			e := recv(t, sub)
			if e.Debtor == "mark" {
				continue
			}
			if e.Seq <= last {
				t.Fatalf("%s: seq %d after %d", name, e.Seq, last)
			}
			last = e.Seq
			i := turnSeq(t, e)
			if _, dup := turns[i]; dup {
				t.Fatalf("%s: turn %d twice", name, i)
			}
			turns[i] = e.Debtor
		}
		for i := range n {
			if want := map[bool]string{true: "on-a", false: "on-b"}[i%2 == 0]; turns[i] != want {
				t.Errorf("%s: turn %d from %q, want %q", name, i, turns[i], want)
			}
		}
		select {
		case e := <-sub.C():
			if e.Debtor != "mark" {
				t.Errorf("%s: an extra event %+v", name, e)
			}
		case <-time.After(100 * time.Millisecond): // a few follow ticks: nothing more may come
		}
	}
}
