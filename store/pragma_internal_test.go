package store

import (
	"path/filepath"
	"testing"
)

// TestSQLiteLedgerIsDurable: the writer connection syncs every commit
// (synchronous=FULL, 2); with NORMAL (1) a power cut may lose the last
// committed contacts, which the 230-FZ limits would then not see. (The
// ledger's group commit runs at NORMAL and syncs the WAL itself:
// TestLedgerBatchSyncLater.)
func TestSQLiteLedgerIsDurable(t *testing.T) {
	t.Parallel()
	db, err := Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sync int
	var mode string
	if err := db.sql.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if err := db.sql.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if sync != 2 || mode != "wal" {
		t.Errorf("synchronous=%d journal_mode=%s, want 2 (FULL) and wal", sync, mode)
	}
}
