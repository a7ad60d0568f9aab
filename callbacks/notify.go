package callbacks

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/internal/safe"
	"github.com/dozvon/dozvon/messages"
	"github.com/dozvon/dozvon/store"
)

// Mailer sends a notice to the agency's staff; *messages.SMTP implements it.
type Mailer interface {
	Notify(ctx context.Context, n messages.Notice) error
}

// Mail is how a collector hears of a callback offered to them by e-mail,
// beside their page and their phone (issue 15 item 5).
type Mail struct {
	Mailer Mailer
	// Address is a collector's e-mail address ("": they get no e-mail);
	// (*handoff.Directory).Email.
	Address func(login string) string
	// PublicURL is where collectors open dozvon (https://dozvon.agency.ru):
	// the notice links the debtor's card there ("": no link).
	PublicURL string
	// Zone is the time zone the notice's times are written in (nil: Moscow).
	Zone *time.Location
}

// mailTimeout bounds one notice: a slow mail server must not hold an offer.
const mailTimeout = 30 * time.Second

// mailable: collector login has an e-mail address a notice can go to.
func (o *Offers) mailable(login string) bool {
	m := o.cfg.Mail
	return m != nil && m.Mailer != nil && m.Address != nil && m.Address(login) != ""
}

// mail tells the collector of offered task t by e-mail, in the background,
// when they have an address. The notice names the debtor by masked name and
// masked number and links their card: no full number, no debt.
func (o *Offers) mail(t store.Task, until time.Time) {
	if !o.mailable(t.OfferedTo) {
		return
	}
	m := o.cfg.Mail
	to := m.Address(t.OfferedTo)
	o.wg.Add(1)
	safe.Go(o.cfg.Log, "callback mail", func() {
		defer o.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(o.life), mailTimeout)
		defer cancel()
		d, err := o.st.Debtor(ctx, t.DebtorID)
		if err != nil {
			o.cfg.Log.Warn("callback mail: debtor", "task", t.ID, "err", err)
			d = store.Debtor{ID: t.DebtorID}
		}
		if err := m.Mailer.Notify(ctx, offerNotice(m, to, t, d, until)); err != nil {
			o.cfg.Log.Warn("callback mail not sent", "task", t.ID, "collector", t.OfferedTo, "err", err)
			return
		}
		o.cfg.Log.Info("callback mail sent", "task", t.ID, "collector", t.OfferedTo)
	}, func(*safe.Panic) { o.wg.Done() })
}

// offerNotice is the e-mail of an offered callback.
func offerNotice(m *Mail, to string, t store.Task, d store.Debtor, until time.Time) messages.Notice {
	zone := m.Zone
	if zone == nil {
		zone = moscow
	}
	who := callflow.MaskName(d.Name)
	if who == "" {
		who = "должник " + d.ID
	}
	at := func(x time.Time) string { return x.In(zone).Format("02.01.2006 15:04 MST") }
	var b strings.Builder
	if asked, ok := askedAt(t); ok {
		fmt.Fprintf(&b, "%s просил(а) перезвонить: %s.\n", who, at(asked))
	} else {
		fmt.Fprintf(&b, "%s ждёт обратного звонка.\n", who)
	}
	fmt.Fprintf(&b, "Номер: %s.\n", compliance.MaskPhone(t.Phone))
	fmt.Fprintf(&b, "Звонок предложен вам до %s; позвоните со страницы dozvon (кнопка «Позвонить»), иначе перезвонит робот.\n", at(until))
	if m.PublicURL != "" {
		fmt.Fprintf(&b, "Карточка: %s/app/debtors/%s\n", strings.TrimRight(m.PublicURL, "/"), url.PathEscape(d.ID))
	}
	return messages.Notice{To: to, Subject: "Обратный звонок: " + who, Text: b.String()}
}

// askedAt is the time the debtor asked to be called back at, read from
// the task's reason ("callback at 2026-11-25T06:00:00Z, pinned to …").
func askedAt(t store.Task) (time.Time, bool) {
	rest, ok := strings.CutPrefix(t.Reason, store.CallbackReasonPrefix)
	if !ok {
		return time.Time{}, false
	}
	stamp, _, _ := strings.Cut(rest, ",")
	at, err := time.Parse(time.RFC3339, strings.TrimSpace(stamp))
	return at, err == nil
}

// moscow is the default zone of the notices' times (fixed: the tz database
// may be missing; Moscow has kept UTC+3 since 2014).
var moscow = time.FixedZone("MSK", 3*60*60)
