package handoff

import (
	"strings"
	"testing"
	"time"
)

func TestLinesClaimOnce(t *testing.T) {
	l := NewLines()
	ts := []Target{{Login: "alice"}, {Login: "bob"}}
	if got := l.Claim(t.Context(), ts); len(got) != 2 {
		t.Fatalf("first claim: %v, want both", got)
	}
	if got := l.Claim(t.Context(), ts); len(got) != 0 {
		t.Fatalf("second claim while both are busy: %v, want none", got)
	}
	ch := l.Changed()
	l.Free(t.Context(), "bob")
	select {
	case <-ch:
	default:
		t.Fatal("freeing bob did not wake the waiters")
	}
	if got := l.Claim(t.Context(), ts); len(got) != 1 || got[0].Login != "bob" || !l.Busy("alice") {
		t.Fatalf("claim after bob was freed: %v (alice busy %v), want bob alone", got, l.Busy("alice"))
	}
}

func TestLinesFirstComeFirstServed(t *testing.T) {
	l := NewLines()
	ctx := t.Context()
	a, b, c := l.Join(ctx), l.Join(ctx), l.Join(ctx)
	pos := func() string {
		return strings.Join([]string{itoa(a.Position(ctx)), itoa(b.Position(ctx)), itoa(c.Position(ctx))}, ",")
	}
	if got := pos(); got != "1,2,3" {
		t.Fatalf("positions %s, want 1,2,3", got)
	}
	ch := l.Changed()
	a.Leave(ctx)
	select {
	case <-ch:
	case <-time.After(time.Second):
		t.Fatal("a leaving did not wake the waiters")
	}
	a.Leave(ctx) // twice: harmless
	if got := pos(); got != "0,1,2" || l.Waiting() != 2 {
		t.Fatalf("after the first left: %s (%d waiting), want 0,1,2", got, l.Waiting())
	}
	c.Leave(ctx) // the last hangs up
	if got := pos(); got != "0,1,0" {
		t.Fatalf("after the last left: %s, want 0,1,0", got)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestPolicy(t *testing.T) {
	var p Policy
	if err := p.Validate(); err != nil || p.Queue != QueueKnown || p.RingTimeout != 20*time.Second || p.QueueMaxWait != 2*time.Minute || p.AnnounceEvery != 30*time.Second {
		t.Fatalf("defaults: %+v %v", p, err)
	}
	if !p.WantsPerson(true) || p.WantsPerson(false) {
		t.Error("queue known: want known callers only")
	}
	for _, bad := range []Policy{{Queue: "some"}, {RingTimeout: -time.Second}} {
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "inbound:") {
			t.Errorf("%+v: %v, want an error naming inbound", bad, err)
		}
	}
	if all := (Policy{Queue: QueueAll}); !all.WantsPerson(false) {
		t.Error("queue all: an unknown caller waits too")
	}
	if none := (Policy{Queue: QueueNone}); none.WantsPerson(true) {
		t.Error("queue none: nobody waits")
	}
}
