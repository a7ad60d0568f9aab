package handoff

import (
	"testing"
	"time"
)

// A softphone's registration outlives the node that took it: a node that
// restarted (a new name, an empty registrar) or another node rings it until
// it expires, and the latest REGISTER wins over a stale one in a node's
// own registrar.
func TestRegistrationsOutliveTheirNode(t *testing.T) {
	ctx := t.Context()
	db, clk := sharedStore(t)
	t0 := clk.Now()
	first := "sip:ivanova@10.0.0.5:5062"
	a := newNode(t, db, clk, "node-a", registrations{"ivanova": {Contact: first, Expires: t0.Add(time.Hour)}})
	if err := NewRegistrations(db, "node-a", clk).KeepBinding(ctx, "ivanova", first, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	a.round(ctx, db)

	// node-a is killed; it comes back as a new process with an empty
	// registrar, after its presence lapsed.
	clk.JumpTo(t0.Add(10 * time.Second))
	restarted := newNode(t, db, clk, "node-a-2", registrations{})
	restarted.round(ctx, db)
	if tg, ok := restarted.dir.Reach("ivanova"); !ok || tg.URI != first {
		t.Fatalf("after a restart ivanova is reached at %+v (%v), want her registration %s", tg, ok, first)
	}

	// Stale in a node's own registrar: she registered to node-b half an
	// hour before, then (the proxy moved her) to node-a from a new address.
	stale := "sip:ivanova@10.0.0.4:5062"
	b := newNode(t, db, clk, "node-b", registrations{"ivanova": {Contact: stale, Expires: t0.Add(30 * time.Minute)}})
	b.round(ctx, db)
	if tg, _ := b.dir.Reach("ivanova"); tg.URI != first {
		t.Fatalf("node-b rings %s, its own stale binding, want the latest %s", tg.URI, first)
	}
	// The reverse: a node's own binding newer than the store's is kept.
	newer := "sip:ivanova@10.0.0.7:5062"
	c := newNode(t, db, clk, "node-c", registrations{"ivanova": {Contact: newer, Expires: t0.Add(2 * time.Hour)}})
	c.round(ctx, db)
	if tg, _ := c.dir.Reach("ivanova"); tg.URI != newer {
		t.Fatalf("node-c rings %s, want its own newer binding %s", tg.URI, newer)
	}

	// Past its expiry nobody rings it.
	clk.JumpTo(t0.Add(time.Hour))
	restarted.round(ctx, db)
	if tg, ok := restarted.dir.Reach("ivanova"); ok {
		t.Fatalf("an expired registration still rings: %+v", tg)
	}

	// Unregistering through any node removes it everywhere.
	if err := NewRegistrations(db, "node-b", clk).KeepBinding(ctx, "ivanova", first, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	restarted.round(ctx, db)
	if _, ok := restarted.dir.Reach("ivanova"); !ok {
		t.Fatal("a registration kept through node-b is not reached")
	}
	if err := NewRegistrations(db, "node-b", clk).DropBinding(ctx, "ivanova"); err != nil {
		t.Fatal(err)
	}
	restarted.round(ctx, db)
	if tg, ok := restarted.dir.Reach("ivanova"); ok {
		t.Fatalf("an unregistered softphone still rings: %+v", tg)
	}
}
