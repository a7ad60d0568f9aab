package store

// campaignSchema is migration step 2 (see the migrations literal in
// migrate.go): the dialer's tables — campaigns, their tasks and the calls
// each task made; portfolio details and phone verification status.
const campaignSchema = `CREATE TABLE campaigns (
		id TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		priority INTEGER NOT NULL,
		state TEXT NOT NULL,
		config TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE TABLE tasks (
		id {{id}},
		campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
		debtor_id TEXT NOT NULL,
		phone TEXT NOT NULL,
		position INTEGER NOT NULL,
		state TEXT NOT NULL,
		due_at BIGINT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		lease_holder TEXT NOT NULL DEFAULT '',
		lease_until BIGINT NOT NULL DEFAULT 0,
		last_result TEXT NOT NULL DEFAULT '',
		outcome TEXT NOT NULL DEFAULT '',
		slots TEXT NOT NULL DEFAULT '{}',
		reason TEXT NOT NULL DEFAULT '',
		pinned_to TEXT NOT NULL DEFAULT '',
		updated_at BIGINT NOT NULL,
		UNIQUE (campaign_id, debtor_id, phone)
	);
	CREATE INDEX tasks_due ON tasks(campaign_id, state, due_at);
	CREATE INDEX tasks_debtor ON tasks(debtor_id, state);
	CREATE TABLE task_calls (
		task_id BIGINT NOT NULL,
		seq INTEGER NOT NULL,
		call_id TEXT NOT NULL,
		at BIGINT NOT NULL,
		result TEXT NOT NULL,
		outcome TEXT NOT NULL,
		duration_ms BIGINT NOT NULL,
		cost_kop BIGINT NOT NULL,
		trunk TEXT NOT NULL,
		caller_id TEXT NOT NULL,
		recording_path TEXT NOT NULL,
		PRIMARY KEY (task_id, seq)
	);
	CREATE TABLE debtor_details (
		debtor_id TEXT PRIMARY KEY,
		contract TEXT NOT NULL,
		birth_date TEXT NOT NULL,
		address TEXT NOT NULL,
		collector TEXT NOT NULL,
		debt_kop BIGINT NOT NULL,
		source TEXT NOT NULL,
		updated_at BIGINT NOT NULL
	);
	CREATE TABLE phone_status (
		debtor_id TEXT NOT NULL,
		phone TEXT NOT NULL,
		status TEXT NOT NULL,
		note TEXT NOT NULL,
		at BIGINT NOT NULL,
		PRIMARY KEY (debtor_id, phone)
	);
	CREATE INDEX phone_status_status ON phone_status(status)`
