package handoff

import (
	"context"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/store"
)

// RegistrationStore keeps the softphones' bindings where every node reads
// them (*store.DB).
type RegistrationStore interface {
	KeepRegistration(ctx context.Context, r store.Registration, now time.Time) error
	DropRegistration(ctx context.Context, user string) error
	Registrations(ctx context.Context, now time.Time) ([]store.Registration, error)
}

// Registrations is this node's registrar's book in the shared store
// (telephony.UA.KeepRegistrationsIn): what a softphone registered here
// outlives this node's memory — a restart, or a death — until the binding
// expires, and every node rings the latest binding (Share reads them).
type Registrations struct {
	store RegistrationStore
	node  string
	clk   clock.Clock
}

// NewRegistrations is node's book in s.
func NewRegistrations(s RegistrationStore, node string, clk clock.Clock) *Registrations {
	return &Registrations{store: s, node: node, clk: clock.Or(clk)}
}

// KeepBinding stores user's binding to contact until expires.
func (r *Registrations) KeepBinding(ctx context.Context, user, contact string, expires time.Time) error {
	return r.store.KeepRegistration(ctx, store.Registration{User: user, Contact: contact, Node: r.node, Expires: expires}, r.clk.Now())
}

// DropBinding removes user's binding.
func (r *Registrations) DropBinding(ctx context.Context, user string) error {
	return r.store.DropRegistration(ctx, user)
}

// binding is a registration another node took, or this node before it
// restarted, as last read from the store.
type binding struct {
	contact string
	expires time.Time
}

// setBindings replaces the shared bindings, by SIP user.
func (d *Directory) setBindings(rs []store.Registration) {
	m := make(map[string]binding, len(rs))
	for _, r := range rs {
		m[r.User] = binding{contact: r.Contact, expires: r.Expires}
	}
	d.mu.Lock()
	d.bindings = m
	d.mu.Unlock()
}
