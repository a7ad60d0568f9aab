package messages

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
)

// Notice is an e-mail to the agency's own staff (a collector told of a due
// callback offered to them). It is no message to a debtor: the 230-FZ
// guard is not asked and the debtor's message limits count nothing. What
// keeps it safe is what it may hold: no phone number at all (Notify refuses
// one), so a collector's mailbox never gets a debtor's full number.
type Notice struct {
	To      string // a staff e-mail address
	Subject string
	Text    string
}

// ErrNoticeHasNumber: a notice held something that reads as a full phone
// number; it was not sent.
var ErrNoticeHasNumber = errors.New("a staff notice must not hold a phone number")

// Notify sends a staff notice by e-mail. A notice with a phone number in
// its subject or text is refused before anything connects.
func (s *SMTP) Notify(ctx context.Context, n Notice) error {
	for _, part := range []string{n.Subject, n.Text} {
		if p, ok := phoneIn(part); ok {
			return notSent(fmt.Errorf("smtp notify %s: %w (%s)", compliance.MaskRecipient(n.To), ErrNoticeHasNumber, compliance.MaskPhone(p)))
		}
	}
	if _, err := s.send(ctx, Outgoing{To: n.To, Subject: n.Subject, Text: n.Text}); err != nil {
		return fmt.Errorf("smtp notify: %w", err)
	}
	return nil
}

// phoneIn finds a phone number of 10 to 12 digits written as one or more
// neighbouring words of digits (separated inside by dashes, dots or
// brackets, with an optional leading +): "+7 916 000-00-21", "89160000021",
// "8 (916) 000 00 21", also when other numbers stand next to it.
func phoneIn(s string) (string, bool) {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\t' || r == '\n' || r == '\r' })
	numeric := func(w string) (int, bool) {
		n := 0
		for _, r := range strings.TrimRight(w, ",;:!?") {
			switch {
			case r >= '0' && r <= '9':
				n++
			case strings.ContainsRune("+-.()", r):
			default:
				return 0, false
			}
		}
		return n, n > 0
	}
	for i := range words {
		digits := 0
		for j := i; j < len(words); j++ {
			n, ok := numeric(words[j])
			if !ok {
				break
			}
			if digits += n; digits > 12 {
				break
			}
			if digits < 10 {
				continue
			}
			cand := strings.TrimRight(strings.Join(words[i:j+1], " "), ",;:!?.")
			if num, err := phonenum.Parse(cand); err == nil {
				return num.String(), true
			}
		}
	}
	return "", false
}
