package store

import "context"

// ExecForTest runs one statement on the store's writer: tests shape a
// database as an older dozvon left it.
func (db *DB) ExecForTest(ctx context.Context, query string) error {
	_, err := db.sql.ExecContext(ctx, query)
	return err
}
