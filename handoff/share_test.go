package handoff

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
)

// node is one dozvon node's hand-off state over a shared store.
type node struct {
	name  string
	dir   *Directory
	lines *Lines
	cfg   ShareConfig
}

func newNode(t *testing.T, db *store.DB, clk clock.Clock, name string, reg Registrar) *node {
	t.Helper()
	eps := []Endpoint{{Login: "ivanova"}, {Login: "petrov"}, {Login: "mobile", Phone: "+79161234567"}}
	d, err := New(reg, clk, eps)
	if err != nil {
		t.Fatal(err)
	}
	return &node{name: name, dir: d, lines: NewSharedLines(db, name, 15*time.Second, clk, nil),
		cfg: ShareConfig{Node: name, Every: 2 * time.Second}}
}

// sharedStore is the one SQLite store of the nodes of a test, and their
// simulated clock.
func sharedStore(t *testing.T) (*store.DB, *clock.Sim) {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, clock.NewSim(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
}

func (n *node) round(ctx context.Context, db *store.DB) {
	shareOnce(ctx, n.dir, db, n.lines, n.cfg, nil)
}

func TestNodesSharePresenceAndLines(t *testing.T) {
	ctx := t.Context()
	db, clk := sharedStore(t)
	contact := "sip:ivanova@10.0.0.5:5062"
	a := newNode(t, db, clk, "node-a", registrations{"ivanova": {Contact: contact, Expires: clk.Now().Add(time.Hour)}})
	b := newNode(t, db, clk, "node-b", registrations{})

	if _, ok := b.dir.Reach("ivanova"); ok {
		t.Fatal("node-b reaches ivanova before any node shared presence")
	}
	a.dir.SetPage("mobile", true) // on duty on node-a: their mobile may ring
	a.round(ctx, db)
	b.round(ctx, db)
	if tg, ok := b.dir.Reach("ivanova"); !ok || tg.URI != contact {
		t.Fatalf("node-b reaches ivanova at %+v (%v), want node-a's registration %s", tg, ok, contact)
	}
	if p := b.dir.Presence("mobile"); !p.PageOpen || !p.Registered {
		t.Fatalf("a page open on node-a is not seen on node-b: %+v", p)
	}
	if _, ok := b.dir.Reach("petrov"); ok {
		t.Fatal("node-b reaches petrov, whom no node sees")
	}

	// A collector on a call on node-a is rung by no other node.
	if got := a.lines.Claim(ctx, []Target{{Login: "ivanova", URI: contact}}); len(got) != 1 {
		t.Fatalf("node-a could not claim ivanova: %v", got)
	}
	if got := b.lines.Claim(ctx, []Target{{Login: "ivanova"}, {Login: "mobile"}}); len(got) != 1 || got[0].Login != "mobile" {
		t.Fatalf("node-b claimed %v while ivanova is on node-a's call, want mobile alone", got)
	}
	if !b.lines.Busy("ivanova") {
		t.Fatal("node-b does not see ivanova busy")
	}
	b.lines.Free(ctx, "mobile")
	// node-a's call ends: node-b's waiting callers hear of it at its next round.
	changed := b.lines.Changed()
	a.lines.Free(ctx, "ivanova")
	clk.JumpTo(clk.Now().Add(2 * time.Second))
	b.round(ctx, db)
	select {
	case <-changed:
	default:
		t.Fatal("ivanova freed on node-a did not wake node-b's waiters")
	}
	if b.lines.Busy("ivanova") {
		t.Fatal("node-b still sees ivanova busy after node-a freed her")
	}
	if got := b.lines.Claim(ctx, []Target{{Login: "ivanova", URI: contact}}); len(got) != 1 {
		t.Fatalf("node-b cannot claim ivanova once free: %v", got)
	}

	// node-b dies mid-call: it renews nothing. Its claim holds for its
	// time to live, then ivanova is free for node-a; its presence lapses too.
	b.dir.SetPage("petrov", true)
	b.round(ctx, db)
	a.round(ctx, db)
	if !a.lines.Busy("ivanova") || !a.dir.Presence("petrov").PageOpen {
		t.Fatal("node-a does not see node-b's call and page")
	}
	clk.JumpTo(clk.Now().Add(14 * time.Second))
	a.round(ctx, db)
	if !a.lines.Busy("ivanova") {
		t.Fatal("node-b's claim lapsed before its time to live")
	}
	if a.dir.Presence("petrov").PageOpen {
		t.Fatal("a dead node's page is still seen after three periods")
	}
	clk.JumpTo(clk.Now().Add(2 * time.Second))
	a.round(ctx, db)
	if a.lines.Busy("ivanova") {
		t.Fatal("a dead node's claim still holds past its time to live")
	}
	if got := a.lines.Claim(ctx, []Target{{Login: "ivanova", URI: contact}}); len(got) != 1 {
		t.Fatalf("node-a cannot claim ivanova after node-b died: %v", got)
	}
}

func TestShareWithdrawsOnShutdown(t *testing.T) {
	db, clk := sharedStore(t)
	a := newNode(t, db, clk, "node-a", registrations{"ivanova": {Contact: "sip:ivanova@10.0.0.5", Expires: clk.Now().Add(time.Hour)}})
	b := newNode(t, db, clk, "node-b", registrations{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { Share(ctx, a.dir, db, a.lines, a.cfg); close(done) }()
	// Share publishes at once; wait for node-b to read it (no clock moves).
	for {
		b.round(t.Context(), db)
		if _, ok := b.dir.Reach("ivanova"); ok {
			break
		}
		select {
		case <-time.After(10 * time.Millisecond):
		case <-t.Context().Done():
			t.Fatal("node-a's presence never reached node-b")
		}
	}
	if got := a.lines.Claim(t.Context(), []Target{{Login: "ivanova"}}); len(got) != 1 {
		t.Fatal("node-a cannot claim ivanova")
	}
	cancel()
	<-done
	b.round(t.Context(), db)
	if _, ok := b.dir.Reach("ivanova"); ok {
		t.Fatal("node-b still reaches ivanova through a node that shut down")
	}
	if b.lines.Busy("ivanova") {
		t.Fatal("a node that shut down still holds ivanova")
	}
}

func TestOneLineAcrossNodes(t *testing.T) {
	ctx := t.Context()
	db, clk := sharedStore(t)
	a := newNode(t, db, clk, "node-a", registrations{})
	b := newNode(t, db, clk, "node-b", registrations{})

	first := b.lines.Join(ctx) // waiting on node-b
	clk.JumpTo(clk.Now().Add(time.Second))
	second := a.lines.Join(ctx) // came later, on node-a
	third := a.lines.Join(ctx)  // the same instant, after second
	if got := []int{first.Position(ctx), second.Position(ctx), third.Position(ctx)}; got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("positions %v, want 1 2 3 across the nodes, by the time each came", got)
	}
	first.Leave(ctx)
	if got := []int{first.Position(ctx), second.Position(ctx), third.Position(ctx)}; got[0] != 0 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("after node-b's caller left: %v, want 0 1 2", got)
	}
	// node-b takes another caller, then dies: its place lapses at its time to live.
	late := b.lines.Join(ctx)
	if late.Position(ctx) != 3 {
		t.Fatalf("node-b's new caller is %d, want 3", late.Position(ctx))
	}
	clk.JumpTo(clk.Now().Add(10 * time.Second))
	a.round(ctx, db)
	clk.JumpTo(clk.Now().Add(6 * time.Second)) // 16 s after node-b's caller joined
	a.round(ctx, db)
	fresh := a.lines.Join(ctx)
	if got := fresh.Position(ctx); got != 3 {
		t.Fatalf("a caller joining after node-b died is %d, want 3 (node-b's lapsed place not counted)", got)
	}
}
