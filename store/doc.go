// Package store is dozvon's persistence: debtors, phones, blocks, the numbering
// plan, the compliance ledger and its audit log, and call records. SQLite
// (modernc.org/sqlite, WAL) is the embedded default; PostgreSQL (pgx) lets several
// nodes share one ledger. Both run the same migrations and the same queries,
// but for the guard's batch statements, which pass lists in each back end's
// own way (ledger_bulk.go); on PostgreSQL a guard's batch pipelines them, a few
// statements per round trip (ledger_pipe.go).
package store
