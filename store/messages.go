package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// messageSchema keeps every SMS and e-mail the service tried to send, with
// the guard's decision on it, and the debtors' e-mail addresses. A message
// row never holds the body (it may carry the debt) nor the full recipient:
// only the template, the masked recipient and what became of it.
const messageSchema = `CREATE TABLE messages (
		id TEXT PRIMARY KEY,
		debtor_id TEXT NOT NULL,
		channel TEXT NOT NULL,
		template TEXT NOT NULL,
		audience TEXT NOT NULL,
		recipient_masked TEXT NOT NULL,
		status TEXT NOT NULL,
		reason TEXT NOT NULL,
		decision TEXT NOT NULL,
		reservation_id TEXT NOT NULL,
		provider_id TEXT NOT NULL,
		source TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	CREATE INDEX messages_debtor ON messages(debtor_id, created_at);
	CREATE INDEX messages_created ON messages(created_at);
	CREATE TABLE debtor_emails (
		debtor_id TEXT NOT NULL,
		address TEXT NOT NULL,
		confirmed INTEGER NOT NULL,
		at BIGINT NOT NULL,
		PRIMARY KEY (debtor_id, address)
	)`

// Message statuses.
const (
	MessageRefused  = "refused"  // not sent: disclosure rules or no recipient (nothing reserved)
	MessageDenied   = "denied"   // not sent: the 230-FZ guard denied it
	MessageReserved = "reserved" // the guard reserved it; the sender has it
	MessageSent     = "sent"     // the server or gateway accepted it; committed in the ledger
	MessageFailed   = "failed"   // the sender failed; released (or committed when it may have left)
)

// Message is one message the service tried to send.
type Message struct {
	ID            string
	DebtorID      string
	Channel       string // sms | email
	Template      string
	Audience      string // debtor | anyone: who the template may reach
	Recipient     string // masked
	Status        string
	Reason        string // the guard's reason, or why it failed
	Decision      string // the guard's decision as JSON ("" when not asked)
	ReservationID string
	ProviderID    string // the gateway's message id or the SMTP queue id, when known
	Source        string // who asked: api:LOGIN, cli, script:CALL-ID
	Created       time.Time
	Updated       time.Time
}

// InsertMessage stores a new message row.
func (db *DB) InsertMessage(ctx context.Context, m Message) error {
	if m.ID == "" || m.DebtorID == "" || m.Status == "" {
		return errors.New("insert message: id, debtor and status are required")
	}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO messages (id, debtor_id, channel, template, audience, recipient_masked, status, reason,
		decision, reservation_id, provider_id, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		m.ID, m.DebtorID, m.Channel, m.Template, m.Audience, m.Recipient, m.Status, m.Reason, m.Decision, m.ReservationID, m.ProviderID,
		m.Source, ns(m.Created), ns(m.Created))
	if err != nil {
		return fmt.Errorf("insert message %s: %w", m.ID, err)
	}
	return nil
}

// UpdateMessage records what became of a message: its status, reason and the provider's id.
func (db *DB) UpdateMessage(ctx context.Context, id, status, reason, providerID string, at time.Time) error {
	r, err := db.sql.ExecContext(ctx, db.q(`UPDATE messages SET status = ?, reason = ?, provider_id = ?, updated_at = ? WHERE id = ?`),
		status, reason, providerID, ns(at), id)
	var n int64
	if err == nil {
		n, err = r.RowsAffected()
	}
	switch {
	case err != nil:
		return fmt.Errorf("update message %s: %w", id, err)
	case n == 0:
		return fmt.Errorf("update message %s: %w", id, ErrNotFound)
	}
	return nil
}

// MessageFilter narrows a list of messages.
type MessageFilter struct {
	DebtorID  string // "": all debtors
	Collector string // "": every collector's; else only their debtors' (the API's scope)
	Limit     int    // 0: 100
}

// Messages lists messages newest first.
func (db *DB) Messages(ctx context.Context, f MessageFilter) ([]Message, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return queryAll(ctx, db, "messages", scanMessage, `SELECT m.id, m.debtor_id, m.channel, m.template, m.audience, m.recipient_masked,
		m.status, m.reason, m.decision, m.reservation_id, m.provider_id, m.source, m.created_at, m.updated_at
		FROM messages m LEFT JOIN debtors d ON d.id = m.debtor_id
		WHERE (CAST(? AS TEXT) = '' OR m.debtor_id = ?) AND (CAST(? AS TEXT) = '' OR d.collector = ?)
		ORDER BY m.created_at DESC, m.id DESC LIMIT ?`, f.DebtorID, f.DebtorID, f.Collector, f.Collector, f.Limit)
}

func scanMessage(r interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var created, updated int64
	err := r.Scan(&m.ID, &m.DebtorID, &m.Channel, &m.Template, &m.Audience, &m.Recipient, &m.Status, &m.Reason, &m.Decision,
		&m.ReservationID, &m.ProviderID, &m.Source, &created, &updated)
	m.Created, m.Updated = fromNS(created), fromNS(updated)
	return m, err
}

// DebtorEmail is an e-mail address of a debtor. Confirmed: the debtor
// confirmed it is theirs (only then may a message to it name the debt).
type DebtorEmail struct {
	DebtorID  string
	Address   string
	Confirmed bool
	At        time.Time
}

// SetDebtorEmail adds or updates a debtor's e-mail address.
func (db *DB) SetDebtorEmail(ctx context.Context, e DebtorEmail) error {
	if e.DebtorID == "" || e.Address == "" {
		return errors.New("set debtor e-mail: debtor and address are required")
	}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO debtor_emails (debtor_id, address, confirmed, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (debtor_id, address) DO UPDATE SET confirmed = excluded.confirmed, at = excluded.at`),
		e.DebtorID, e.Address, boolInt(e.Confirmed), ns(e.At))
	if err != nil {
		return fmt.Errorf("set debtor e-mail %s: %w", e.DebtorID, err)
	}
	return nil
}

// DebtorEmails lists a debtor's e-mail addresses, confirmed ones first.
func (db *DB) DebtorEmails(ctx context.Context, debtorID string) ([]DebtorEmail, error) {
	return queryAll(ctx, db, "debtor e-mails", func(r interface{ Scan(...any) error }) (DebtorEmail, error) {
		e := DebtorEmail{DebtorID: debtorID}
		var confirmed int
		var at int64
		err := r.Scan(&e.Address, &confirmed, &at)
		e.Confirmed, e.At = confirmed != 0, fromNS(at)
		return e, err
	}, `SELECT address, confirmed, at FROM debtor_emails WHERE debtor_id = ? ORDER BY confirmed DESC, at DESC, address`, debtorID)
}

// DebtorPhoneStatuses lists what calls found out about a debtor's numbers.
func (db *DB) DebtorPhoneStatuses(ctx context.Context, debtorID string) ([]PhoneStatus, error) {
	return queryAll(ctx, db, "debtor phone statuses", func(r interface{ Scan(...any) error }) (PhoneStatus, error) {
		s := PhoneStatus{DebtorID: debtorID}
		var at int64
		err := r.Scan(&s.Phone, &s.Status, &s.Note, &at)
		s.At = fromNS(at)
		return s, err
	}, `SELECT phone, status, note, at FROM phone_status WHERE debtor_id = ? ORDER BY phone`, debtorID)
}
