package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Campaign is a sweep or any other dialing campaign. Config is the
// scheduler's settings as JSON: the store keeps it, the scheduler reads it.
type Campaign struct {
	ID        string
	Name      string
	Priority  int
	State     string // active | paused | done
	Config    string
	CreatedAt time.Time
}

// Campaign states.
const (
	CampaignActive = "active"
	CampaignPaused = "paused"
	CampaignDone   = "done"
)

// SaveCampaign inserts or updates a campaign (by ID).
func (db *DB) SaveCampaign(ctx context.Context, c Campaign) error {
	if c.ID == "" {
		return errors.New("save campaign: empty id")
	}
	if c.State == "" {
		c.State = CampaignActive
	}
	if c.Config == "" {
		c.Config = "{}"
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO campaigns (id, name, priority, state, config, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, priority = excluded.priority, state = excluded.state, config = excluded.config`),
		c.ID, c.Name, c.Priority, c.State, c.Config, ns(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("save campaign %s: %w", c.ID, err)
	}
	return nil
}

// Campaign loads one campaign, or ErrNotFound.
func (db *DB) Campaign(ctx context.Context, id string) (Campaign, error) {
	c := Campaign{ID: id}
	var created int64
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT name, priority, state, config, created_at FROM campaigns WHERE id = ?`), id).
		Scan(&c.Name, &c.Priority, &c.State, &c.Config, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Campaign{}, fmt.Errorf("campaign %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("campaign %s: %w", id, err)
	}
	c.CreatedAt = fromNS(created)
	return c, nil
}

// Campaigns lists campaigns in a state ("" for all), oldest first.
func (db *DB) Campaigns(ctx context.Context, state string) ([]Campaign, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT id, name, priority, state, config, created_at FROM campaigns
		WHERE CAST(? AS TEXT) = '' OR state = ? ORDER BY created_at, id`), state, state)
	if err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	for rows.Next() {
		var c Campaign
		var created int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Priority, &c.State, &c.Config, &created); err != nil {
			return nil, fmt.Errorf("campaigns: %w", err)
		}
		c.CreatedAt = fromNS(created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaigns: %w", err)
	}
	return out, nil
}

// DebtorDetails is what a portfolio says about a debtor beyond name, region and phones.
type DebtorDetails struct {
	DebtorID  string
	Contract  string
	BirthDate string // YYYY-MM-DD
	Address   string
	Collector string // the responsible collector: callbacks are pinned to them
	DebtKop   int64
	Source    string // the file it came from
}

// SaveDebtorDetails inserts or replaces a debtor's portfolio details.
func (db *DB) SaveDebtorDetails(ctx context.Context, d DebtorDetails) error {
	if d.DebtorID == "" {
		return errors.New("save debtor details: empty debtor id")
	}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO debtor_details (debtor_id, contract, birth_date, address, collector, debt_kop, source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (debtor_id) DO UPDATE SET contract = excluded.contract, birth_date = excluded.birth_date,
		address = excluded.address, collector = excluded.collector, debt_kop = excluded.debt_kop, source = excluded.source, updated_at = excluded.updated_at`),
		d.DebtorID, d.Contract, d.BirthDate, d.Address, d.Collector, d.DebtKop, d.Source, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("save debtor details %s: %w", d.DebtorID, err)
	}
	return nil
}

// DebtorDetailsOf returns a debtor's portfolio details, or ErrNotFound.
func (db *DB) DebtorDetailsOf(ctx context.Context, debtorID string) (DebtorDetails, error) {
	d := DebtorDetails{DebtorID: debtorID}
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT contract, birth_date, address, collector, debt_kop, source FROM debtor_details WHERE debtor_id = ?`), debtorID).
		Scan(&d.Contract, &d.BirthDate, &d.Address, &d.Collector, &d.DebtKop, &d.Source)
	if errors.Is(err, sql.ErrNoRows) {
		return DebtorDetails{}, fmt.Errorf("debtor details %s: %w", debtorID, ErrNotFound)
	}
	if err != nil {
		return DebtorDetails{}, fmt.Errorf("debtor details %s: %w", debtorID, err)
	}
	return d, nil
}

// Phone verification statuses.
const (
	PhoneConfirmed      = "confirmed"       // reaches the debtor
	PhoneQuarantined    = "quarantined"     // answered by a wrong person: excluded from calls, awaiting review
	PhoneWrongConfirmed = "wrong_confirmed" // a person confirmed the quarantine: stays excluded
)

// PhoneStatus is what calls found out about one of a debtor's numbers.
type PhoneStatus struct {
	DebtorID, Phone string
	Status          string
	Note            string
	At              time.Time
}

// SetPhoneStatus records a number's status (replacing the previous one).
func (db *DB) SetPhoneStatus(ctx context.Context, s PhoneStatus) error {
	if s.DebtorID == "" || s.Phone == "" || s.Status == "" {
		return errors.New("set phone status: debtor, phone and status are required")
	}
	_, err := db.sql.ExecContext(ctx, db.q(`INSERT INTO phone_status (debtor_id, phone, status, note, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (debtor_id, phone) DO UPDATE SET status = excluded.status, note = excluded.note, at = excluded.at`),
		s.DebtorID, s.Phone, s.Status, s.Note, ns(s.At))
	if err != nil {
		return fmt.Errorf("set phone status %s: %w", s.DebtorID, err)
	}
	return nil
}

// ClearPhoneStatus forgets a number's status (a restored number is unknown again).
func (db *DB) ClearPhoneStatus(ctx context.Context, debtorID, phone string) error {
	if _, err := db.sql.ExecContext(ctx, db.q(`DELETE FROM phone_status WHERE debtor_id = ? AND phone = ?`), debtorID, phone); err != nil {
		return fmt.Errorf("clear phone status %s: %w", debtorID, err)
	}
	return nil
}

// PhoneStatuses lists numbers with a status ("" for all), by debtor and phone;
// a non-empty phone narrows the list to that number.
func (db *DB) PhoneStatuses(ctx context.Context, status, phone string) ([]PhoneStatus, error) {
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT debtor_id, phone, status, note, at FROM phone_status
		WHERE (CAST(? AS TEXT) = '' OR status = ?) AND (CAST(? AS TEXT) = '' OR phone = ?) ORDER BY debtor_id, phone`), status, status, phone, phone)
	if err != nil {
		return nil, fmt.Errorf("phone statuses: %w", err)
	}
	defer rows.Close()
	var out []PhoneStatus
	for rows.Next() {
		var s PhoneStatus
		var at int64
		if err := rows.Scan(&s.DebtorID, &s.Phone, &s.Status, &s.Note, &at); err != nil {
			return nil, fmt.Errorf("phone statuses: %w", err)
		}
		s.At = fromNS(at)
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("phone statuses: %w", err)
	}
	return out, nil
}

// EndBlocks ends, at the given instant, the blocks of a kind in force on a
// debtor's number (phone "" means blocks on the whole debtor). It returns how
// many it ended. Blocks are never deleted: the history stays.
func (db *DB) EndBlocks(ctx context.Context, debtorID, phone, kind string, at time.Time) (int64, error) {
	r, err := db.sql.ExecContext(ctx, db.q(`UPDATE blocks SET until = ? WHERE debtor_id = ? AND phone = ? AND kind = ? AND (until = 0 OR until > ?)`),
		ns(at), debtorID, phone, kind, ns(at))
	if err != nil {
		return 0, fmt.Errorf("end %s blocks of %s: %w", kind, debtorID, err)
	}
	n, _ := r.RowsAffected()
	return n, nil
}
