package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// DefaultDSN is the embedded database used when none is configured.
const DefaultDSN = "sqlite:var/dozvon.db"

// ErrNotFound is returned when a row asked for by key does not exist.
var ErrNotFound = errors.New("not found")

// DB is an open store. It is safe for concurrent use.
type DB struct {
	sql      *sql.DB // writes and ledger transactions
	rd       *sql.DB // plain reads; for SQLite a separate pool so WAL readers never queue behind the writer
	postgres bool
	batch    *ledgerBatcher       // SQLite's group commit of ledger transactions
	bulk     bulkSQL              // the guard's batch statements in this back end's dialect
	stmts    map[string]*sql.Stmt // SQLite: bulk, prepared once at Open
	// stopCheckpointer ends SQLite's background checkpoints (checkpoint.go).
	stopCheckpointer func()
	// walPath is SQLite's write-ahead log, synced by the ledger's group
	// commit itself (ledger_batch.go); syncWAL syncs it (fdatasync).
	walPath string
	syncWAL func(path string) error
	ckpts   checkpointRuns // the background checkpoints' times (checkpoint.go)
}

// Open opens (creating if needed) and migrates the store named by dsn:
// "sqlite:PATH" (PATH created with its directory) or "postgres://…" / "postgresql://…".
func Open(ctx context.Context, dsn string) (*DB, error) {
	if dsn == "" {
		dsn = DefaultDSN
	}
	var db *DB
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("open store %q: empty path", dsn)
		}
		if dir := filepath.Dir(path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("open store %q: %w", dsn, err)
			}
		}
		// _txlock=immediate makes every transaction BEGIN IMMEDIATE: the writer lock is
		// taken before the ledger is read, so read-decide-write cannot interleave.
		// synchronous=FULL syncs the WAL at every commit: with NORMAL a power cut
		// can lose the last commits, and a lost ledger entry is a contact the
		// 230-FZ limits no longer see (docs/RECORDINGS.md has the measured cost).
		// The ledger's group commit runs at NORMAL and syncs the WAL itself
		// (fdatasync) before answering (ledger_batch.go).
		// temp_store=MEMORY keeps the savepoints' sub-journals (the ledger's
		// group commit, ledger_batch.go) off the disk.
		// cache_size(-65536): up to 64 MiB of pages cached on the writer (the
		// default 2 MiB made the ledger's index lookups read from the file).
		// wal_autocheckpoint(16000): the writer checkpoints only as a
		// backstop; checkpoint.go does it in the background.
		conn := "file:" + path + "?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=temp_store(2)&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(16000)&_txlock=immediate"
		s, err := sql.Open("sqlite", conn)
		if err != nil {
			return nil, fmt.Errorf("open store %q: %w", dsn, err)
		}
		// One connection: in-process writers queue in database/sql instead of spinning
		// on SQLITE_BUSY; other processes still wait through busy_timeout.
		s.SetMaxOpenConns(1)
		rd, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(20000)&_pragma=foreign_keys(1)")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("open store %q: %w", dsn, err)
		}
		rd.SetMaxOpenConns(4)
		abs, err := filepath.Abs(path)
		if err != nil {
			s.Close()
			rd.Close()
			return nil, fmt.Errorf("open store %q: %w", dsn, err)
		}
		db = &DB{sql: s, rd: rd, walPath: abs + "-wal", syncWAL: fdatasync}
		db.batch = &ledgerBatcher{db: db}
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
		s.SetMaxOpenConns(32)
		s.SetMaxIdleConns(32)
		db = &DB{sql: s, rd: s, postgres: true}
	default:
		return nil, fmt.Errorf("open store %q: want sqlite:PATH or postgres://…", dsn)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	db.bulk = newBulkSQL(db.postgres)
	if !db.postgres {
		if err := db.prepareBulk(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store: %w", err)
		}
		db.startCheckpointer()
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.stopCheckpointer != nil {
		db.stopCheckpointer()
	}
	err := db.sql.Close()
	if db.rd != db.sql {
		if e := db.rd.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Backend names the database engine: "sqlite" or "postgres".
func (db *DB) Backend() string {
	if db.postgres {
		return "postgres"
	}
	return "sqlite"
}

// q adapts a query written with ? placeholders to the back end ($1, $2 … for
// PostgreSQL). Queries here never contain a literal '?', so a plain scan is exact;
// sqlx.Rebind does the same but would be a dependency for ten lines.
func (db *DB) q(query string) string {
	if !db.postgres {
		return query
	}
	return rebind(query)
}

// rebind numbers a query's ? placeholders for PostgreSQL.
func rebind(query string) string {
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ns stores instants as Unix nanoseconds; the zero time is 0.
func ns(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
