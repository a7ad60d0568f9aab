package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// ErrBackupExternal is returned by Backup for PostgreSQL: its backups are
// made by the server's own tools (PGDumpCommand), not by dozvon.
var ErrBackupExternal = errors.New("back up PostgreSQL with pg_dump")

// Backup writes a consistent copy of an SQLite store to path with
// VACUUM INTO, while the store stays open for calls: the copy is one
// read transaction's snapshot, compacted, and opens with Open("sqlite:"+path).
// path must not exist yet; it is created 0600 (the store holds debtors'
// personal data), its directory 0700 when missing. For PostgreSQL it returns
// ErrBackupExternal.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.postgres {
		return fmt.Errorf("backup: %w", ErrBackupExternal)
	}
	if path == "" {
		return errors.New("backup: empty path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("backup %s: %w", path, err)
		}
	}
	// VACUUM INTO accepts an empty file, so creating it first (O_EXCL) both
	// refuses to overwrite an older backup and sets the mode SQLite would
	// otherwise leave at 0644.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup %s: %w", path, err)
	}
	return nil
}

// PGDumpCommand is the command that backs up the PostgreSQL store at dsn
// into path (pg_dump's custom format; restore with PGRestoreCommand). The
// DSN's password is shown as "xxxxx": pass the real one through PGPASSWORD
// or ~/.pgpass rather than on a command line others can see.
func PGDumpCommand(dsn, path string) string {
	return fmt.Sprintf("pg_dump --format=custom --file=%q --dbname=%q", path, redactDSN(dsn))
}

// PGRestoreCommand restores a PGDumpCommand backup into the database at dsn.
func PGRestoreCommand(dsn, path string) string {
	return fmt.Sprintf("pg_restore --clean --if-exists --no-owner --dbname=%q %q", redactDSN(dsn), path)
}

func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "DSN"
	}
	return u.Redacted()
}
