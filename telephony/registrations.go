package telephony

import (
	"context"
	"time"
)

// RegistrationBook is where the registrar also keeps its bindings, so they
// outlive this process and other nodes ring them (handoff.Registrations).
type RegistrationBook interface {
	KeepBinding(ctx context.Context, user, contact string, expires time.Time) error
	DropBinding(ctx context.Context, user string) error
}

// bookTimeout bounds one write to the book: the REGISTER was answered
// already, and the next one renews it.
const bookTimeout = 5 * time.Second

// KeepRegistrationsIn has the registrar write every binding it keeps or
// drops to book as well (nil: memory only). A binding kept before the call
// reaches the book when its softphone registers again.
func (u *UA) KeepRegistrationsIn(book RegistrationBook) {
	u.guard.book.Store(&book)
}

// toBook writes one binding change (expires zero: dropped) after the
// REGISTER was answered; a failure leaves this node's memory right and the
// other nodes without it until the next REGISTER.
func (g *uaGuard) toBook(user, contact string, expires time.Time) {
	p := g.book.Load()
	if p == nil || *p == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), bookTimeout)
	defer cancel()
	var err error
	if expires.IsZero() {
		err = (*p).DropBinding(ctx, user)
	} else {
		err = (*p).KeepBinding(ctx, user, contact, expires)
	}
	if err != nil {
		g.log.Warn("sip registration not shared with the other nodes", "user", user, "err", err)
	}
}
