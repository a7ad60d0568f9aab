package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// migrations are applied in order, once each, recorded in schema_migrations.
// {{id}} is an auto-increment primary key in either dialect.
var migrations = []string{
	// 1: the initial schema.
	`CREATE TABLE debtors (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL DEFAULT '',
		region TEXT NOT NULL DEFAULT '',
		district TEXT NOT NULL DEFAULT '',
		created_at BIGINT NOT NULL
	);
	CREATE TABLE phones (
		debtor_id TEXT NOT NULL REFERENCES debtors(id) ON DELETE CASCADE,
		phone TEXT NOT NULL,
		position INTEGER NOT NULL,
		PRIMARY KEY (debtor_id, phone)
	);
	CREATE INDEX phones_phone ON phones(phone);
	CREATE TABLE blocks (
		id {{id}},
		debtor_id TEXT NOT NULL,
		phone TEXT NOT NULL DEFAULT '',
		kind TEXT NOT NULL,
		note TEXT NOT NULL DEFAULT '',
		since BIGINT NOT NULL,
		until BIGINT NOT NULL DEFAULT 0,
		created_at BIGINT NOT NULL
	);
	CREATE INDEX blocks_debtor ON blocks(debtor_id);
	CREATE TABLE numplan_ranges (
		from_num BIGINT PRIMARY KEY,
		to_num BIGINT NOT NULL,
		capacity BIGINT NOT NULL,
		operator TEXT NOT NULL,
		region TEXT NOT NULL,
		gar TEXT NOT NULL,
		inn TEXT NOT NULL,
		source TEXT NOT NULL
	);
	CREATE INDEX numplan_source ON numplan_ranges(source);
	CREATE TABLE ledger (
		id TEXT PRIMARY KEY,
		debtor_id TEXT NOT NULL,
		channel TEXT NOT NULL,
		kind TEXT NOT NULL,
		state TEXT NOT NULL,
		at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL,
		closed_at BIGINT NOT NULL DEFAULT 0,
		holder TEXT NOT NULL DEFAULT '',
		phone TEXT NOT NULL DEFAULT '',
		call_id TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX ledger_debtor_at ON ledger(debtor_id, at);
	CREATE INDEX ledger_state_expires ON ledger(state, expires_at);
	CREATE TABLE audit (
		id {{id}},
		at BIGINT NOT NULL,
		debtor_id TEXT NOT NULL,
		action TEXT NOT NULL,
		allowed INTEGER NOT NULL,
		reason TEXT NOT NULL DEFAULT '',
		reasons TEXT NOT NULL DEFAULT '',
		detail TEXT NOT NULL DEFAULT '',
		reservation_id TEXT NOT NULL DEFAULT '',
		channel TEXT NOT NULL DEFAULT '',
		kind TEXT NOT NULL DEFAULT '',
		zone TEXT NOT NULL DEFAULT '',
		local_time TEXT NOT NULL DEFAULT '',
		next_allowed_at BIGINT NOT NULL DEFAULT 0,
		holder TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX audit_debtor ON audit(debtor_id, id);
	CREATE TABLE calls (
		id TEXT PRIMARY KEY,
		direction TEXT NOT NULL,
		from_num TEXT NOT NULL,
		to_num TEXT NOT NULL,
		trunk TEXT NOT NULL,
		started BIGINT NOT NULL,
		answered BIGINT NOT NULL,
		ended BIGINT NOT NULL,
		result TEXT NOT NULL,
		sip_code INTEGER NOT NULL,
		outcome TEXT NOT NULL,
		slots TEXT NOT NULL,
		script_name TEXT NOT NULL,
		script_version TEXT NOT NULL,
		recording_path TEXT NOT NULL,
		audio_received_ms BIGINT NOT NULL,
		audio_fed_ms BIGINT NOT NULL
	);
	CREATE INDEX calls_started ON calls(started);
	CREATE TABLE call_turns (
		call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
		seq INTEGER NOT NULL,
		node TEXT NOT NULL,
		who TEXT NOT NULL,
		kind TEXT NOT NULL,
		text TEXT NOT NULL,
		intent TEXT NOT NULL,
		slots TEXT NOT NULL,
		start_at BIGINT NOT NULL,
		end_at BIGINT NOT NULL,
		barged_in INTEGER NOT NULL,
		PRIMARY KEY (call_id, seq)
	);`,
	// 2: the dialer's tables (campaign_migrate.go)
	campaignSchema,
	// 3: the first-phrase verdict with its evidence, as JSON ("" for none)
	`ALTER TABLE calls ADD COLUMN detection TEXT NOT NULL DEFAULT ''`,
	// 4: what the call cost on its trunk, in kopecks (0: no tariff known)
	`ALTER TABLE calls ADD COLUMN cost_kop BIGINT NOT NULL DEFAULT 0`,
	// 5: when a reserved call was answered (0: not): an answered reservation
	// that expires (its node died mid-call) counts as a conversation
	`ALTER TABLE ledger ADD COLUMN answered_at BIGINT NOT NULL DEFAULT 0`,
	// 6: persons (persons.go): the 230-FZ limits count per person and per
	// number, not per contract
	personSchema,
	// 7: the collector (user login) a debtor is assigned to: the API shows a
	// collector only their own debtors, filtered in the query itself
	`ALTER TABLE debtors ADD COLUMN collector TEXT NOT NULL DEFAULT ''`,
	// webhooks.go: endpoints of integrations and the outbox of deliveries
	webhookSchema,
	usersSchema, // 9: users, API tokens and browser sessions (users.go)
	// 10: portfolio uploads by content hash (api_queries.go): idempotent uploads
	uploadSchema,
	eventSchema, // 11: the live events with their seq (events.go)
	// messages.go: SMS and e-mail tried, with the guard's decision, and the
	// debtors' e-mail addresses (12)
	messageSchema,
	// 13: which due time of a callback was announced (serve_due.go)
	callbackDueSchema,
	// 14: to whom a due callback was offered before the robot (callback_offer.go)
	callbackOfferSchema,
	// 15: only open reservations are looked up by expiry (StaleEntries):
	// the index holds those alone, a few hot pages, instead of every entry
	// the ledger ever had, rewritten at each commit from its open place
	// to its committed one.
	`DROP INDEX ledger_state_expires;
	CREATE INDEX ledger_open_expires ON ledger(expires_at) WHERE state = 'open'`,
	// 16: the collectors' presence and lines shared by the nodes (presence.go)
	presenceSchema,
	// 17: the ledger's version, moved by every write of the ledger, person
	// links, debtors, phones and blocks (ledger_version.go)
	ledgerVersionSchema,
	// 18: the softphones' registrations, seen by every node (registrations.go)
	registrationSchema,
}

func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if db.postgres {
		// Several nodes may start at once: one migrates, the others wait.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7255001)`); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("migrate: database is at version %d, this dozvon knows %d: upgrade dozvon", have, len(migrations))
	}
	id := "INTEGER PRIMARY KEY AUTOINCREMENT"
	if db.postgres {
		id = "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
	}
	for v := have + 1; v <= len(migrations); v++ {
		stmts := strings.Split(strings.ReplaceAll(migrations[v-1], "{{id}}", id), ";")
		if migrations[v-1] == ledgerVersionSchema {
			stmts = ledgerVersionStatements(db.postgres) // trigger bodies hold ';'
		}
		for _, stmt := range stmts {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migrate to version %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, time.Now().UnixNano()); err != nil {
			return fmt.Errorf("migrate to version %d: %w", v, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
