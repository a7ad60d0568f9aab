// Package store is dozvon's persistence: debtors, phones, blocks, the numbering
// plan, the compliance ledger and its audit log, and call records. SQLite
// (modernc.org/sqlite, WAL) is the embedded default; PostgreSQL (pgx) lets several
// nodes share one ledger. Both run the same migrations and the same queries.
package store
