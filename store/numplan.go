package store

import (
	"context"
	"fmt"
	"strings"
)

// NumRange is one numbering-plan range as stored: ten-digit national numbers From..To.
type NumRange struct {
	From, To int64
	Capacity int64
	Operator string
	Region   string
	GAR      string
	INN      string
}

// ReplaceNumplan replaces the ranges imported earlier from source (a file name
// such as DEF-9xx.csv) with rs, in one transaction.
func (db *DB) ReplaceNumplan(ctx context.Context, source string, rs []NumRange) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import numplan %s: %w", source, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM numplan_ranges WHERE source = ?`), source); err != nil {
		return fmt.Errorf("import numplan %s: %w", source, err)
	}
	const batch = 500 // 8 columns × 500 rows stays under both engines' parameter limits
	for start := 0; start < len(rs); start += batch {
		end := min(start+batch, len(rs))
		var sb strings.Builder
		sb.WriteString(`INSERT INTO numplan_ranges (from_num, to_num, capacity, operator, region, gar, inn, source) VALUES `)
		args := make([]any, 0, (end-start)*8)
		for i, r := range rs[start:end] {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, r.From, r.To, r.Capacity, r.Operator, r.Region, r.GAR, r.INN, source)
		}
		if _, err := tx.ExecContext(ctx, db.q(sb.String()), args...); err != nil {
			return fmt.Errorf("import numplan %s: rows %d..%d: %w", source, start+1, end, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import numplan %s: %w", source, err)
	}
	return nil
}

// NumRanges returns every stored range ordered by From.
func (db *DB) NumRanges(ctx context.Context) ([]NumRange, error) {
	rows, err := db.rd.QueryContext(ctx, `SELECT from_num, to_num, capacity, operator, region, gar, inn FROM numplan_ranges ORDER BY from_num`)
	if err != nil {
		return nil, fmt.Errorf("numplan ranges: %w", err)
	}
	defer rows.Close()
	var out []NumRange
	for rows.Next() {
		var r NumRange
		if err := rows.Scan(&r.From, &r.To, &r.Capacity, &r.Operator, &r.Region, &r.GAR, &r.INN); err != nil {
			return nil, fmt.Errorf("numplan ranges: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("numplan ranges: %w", err)
	}
	return out, nil
}
