package store

import (
	"context"
	"fmt"
)

// DebtorsWithPhone lists, by id, the debtors a number is stored for, less
// those for whom it is quarantined or confirmed wrong: who may be calling
// in from it.
func (db *DB) DebtorsWithPhone(ctx context.Context, phone string) ([]Debtor, error) {
	ids, err := db.texts(ctx, db.rd, `SELECT DISTINCT p.debtor_id FROM phones p WHERE p.phone = ? AND NOT EXISTS (
		SELECT 1 FROM phone_status s WHERE s.debtor_id = p.debtor_id AND s.phone = p.phone AND s.status IN (?, ?)) ORDER BY p.debtor_id`,
		phone, PhoneQuarantined, PhoneWrongConfirmed)
	if err != nil {
		return nil, fmt.Errorf("debtors with a phone: %w", err)
	}
	out := make([]Debtor, 0, len(ids))
	for _, id := range ids {
		d, err := db.debtor(ctx, db.rd, id)
		if err != nil {
			return nil, fmt.Errorf("debtors with a phone: %w", err)
		}
		out = append(out, d)
	}
	return out, nil
}
