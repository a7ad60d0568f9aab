package store

import (
	"context"
	"time"
)

// ConfirmWrong records that a person checked a quarantined number (st, from
// FindQuarantined): it is wrong and stays excluded from calls for good.
func (db *DB) ConfirmWrong(ctx context.Context, st PhoneStatus, at time.Time) error {
	st.Status, st.Note, st.At = PhoneWrongConfirmed, "confirmed wrong by a person", at
	return db.SetPhoneStatus(ctx, st)
}

// RestorePhone puts a quarantined number (st) back in use: its wrong_person
// blocks end at at (the history stays) and its status is forgotten. It
// returns how many blocks ended.
func (db *DB) RestorePhone(ctx context.Context, st PhoneStatus, at time.Time) (int64, error) {
	n, err := db.EndBlocks(ctx, st.DebtorID, st.Phone, "wrong_person", at)
	if err != nil {
		return n, err
	}
	return n, db.ClearPhoneStatus(ctx, st.DebtorID, st.Phone)
}
