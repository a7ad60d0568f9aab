package messages

import (
	"context"
	"errors"

	"github.com/dozvon/dozvon/compliance"
)

// Outgoing is one message as a Sender sends it.
type Outgoing struct {
	To      string // E.164 for an SMS, an e-mail address for an e-mail
	Subject string // e-mail only
	Text    string
}

// Sender sends a message by one channel. It must check the permit for the
// recipient (compliance.Permit.CheckMessage) before anything leaves: that
// is what makes the 230-FZ guard the choke point of every send path. It
// returns the provider's id of the message when it has one.
type Sender interface {
	Send(ctx context.Context, p compliance.Permit, m Outgoing) (providerID string, err error)
}

// ErrNotSent marks a send error after which the message surely did not
// leave (the server or the gateway refused it, or could not be reached):
// its reservation is released. Any other error may have come after the
// message left (a connection lost while the reply was awaited), so the
// message is counted, the stricter reading.
var ErrNotSent = errors.New("message not sent")

// notSent wraps err as surely not sent.
func notSent(err error) error {
	if err == nil || errors.Is(err, ErrNotSent) {
		return err
	}
	return &notSentError{err}
}

type notSentError struct{ err error }

func (e *notSentError) Error() string        { return e.err.Error() }
func (e *notSentError) Unwrap() []error      { return []error{ErrNotSent, e.err} }
func (e *notSentError) Is(target error) bool { return target == ErrNotSent }
