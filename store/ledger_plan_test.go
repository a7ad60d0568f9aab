package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestLedgerGenericPlansUseIndexes: every statement of a PostgreSQL ledger
// batch that runs on its generic plan (the plan the server caches and reuses
// whatever the lists' lengths) reads the tables it touches by their
// indexes — on a fresh database that was never analyzed, where the planner
// knows nothing of the tables, and on one with a loaded, analyzed ledger.
// A generic plan made on a small ledger that scans it whole is what once
// cut a fresh portfolio's throughput to a fifth.
func TestLedgerGenericPlansUseIndexes(t *testing.T) {
	ctx := t.Context()
	db, raw := openPostgres(t)
	stmts := db.LedgerGenericPlansForTest()
	if len(stmts) == 0 {
		t.Fatal("no statement runs on its generic plan")
	}
	// check fails on a Seq Scan of any table but those in small.
	check := func(t *testing.T, small ...string) {
		for _, q := range stmts {
			name := strings.Join(strings.Fields(q), " ")
			name = name[:min(len(name), 60)]
			plan, err := genericPlan(ctx, raw, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			scans := seqScanRE.FindAllStringSubmatch(plan, -1)
			if slices.ContainsFunc(scans, func(m []string) bool { return !slices.Contains(small, m[1]) }) {
				t.Errorf("%s: the generic plan scans a table whole:\n%s", name, plan)
			}
		}
	}
	t.Run("fresh", func(t *testing.T) { check(t) })
	for _, q := range []string{
		`INSERT INTO debtors (id, name, created_at, person_id) SELECT 'd' || i, 'n', 0, 'p' || i FROM generate_series(1, 20000) i`,
		`INSERT INTO phones (debtor_id, phone, position) SELECT 'd' || i, '+7900' || i, 0 FROM generate_series(1, 20000) i`,
		`INSERT INTO blocks (debtor_id, kind, since, created_at) SELECT 'd' || i, 'refusal', 0, 0 FROM generate_series(1, 20000, 50) i`,
		`INSERT INTO person_links (person_id, counts_person_id, before_at) SELECT 'p' || i, 'p' || (i + 1), 0 FROM generate_series(1, 20000, 100) i`,
		`INSERT INTO ledger (id, debtor_id, person_id, phone, channel, kind, state, at, expires_at) SELECT 'e' || i, 'd' || (i % 20000), 'p' || (i % 20000), '+7900' || (i % 20000), 'robot_call', 'attempt', 'done', i, i FROM generate_series(1, 100000) i`,
		`ANALYZE`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// person_links, a few hundred rows analyzed, is rightly read whole;
	// autovacuum's ANALYZE replans it as it grows (a plan is made again
	// when its tables' statistics change). What never was analyzed — the
	// fresh database above — must not be.
	t.Run("loaded", func(t *testing.T) { check(t, "person_links") })
}

var (
	paramRE   = regexp.MustCompile(`\$(\d+)`)
	seqScanRE = regexp.MustCompile(`Seq Scan on (\w+)`)
)

// genericPlan is EXPLAIN of q's generic plan (PostgreSQL 15 has no
// EXPLAIN (GENERIC_PLAN)): prepared, then executed with NULLs under
// force_generic_plan, whose plan does not depend on the values.
func genericPlan(ctx context.Context, db *sql.DB, q string) (string, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	n := 0
	for _, m := range paramRE.FindAllStringSubmatch(q, -1) {
		k, _ := strconv.Atoi(m[1])
		n = max(n, k)
	}
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `PREPARE s AS `+q); err != nil {
		return "", fmt.Errorf("prepare: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DEALLOCATE s`)
	args := slices.Repeat([]string{"NULL"}, n)
	rows, err := conn.QueryContext(ctx, `EXPLAIN EXECUTE s(`+strings.Join(args, ", ")+`)`)
	if err != nil {
		return "", fmt.Errorf("explain: %w", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		b.WriteString(line + "\n")
	}
	return b.String(), rows.Err()
}
