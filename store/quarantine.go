package store

import (
	"context"
	"fmt"
)

// FindQuarantined is the status of a quarantined (or confirmed wrong) number:
// of debtor's, or of the only debtor it is quarantined for when debtor is "".
// Not quarantined, or quarantined for several debtors with none named, is an
// error saying what to do.
func (db *DB) FindQuarantined(ctx context.Context, phone, debtor string) (PhoneStatus, error) {
	sts, err := db.PhoneStatuses(ctx, "", phone)
	if err != nil {
		return PhoneStatus{}, err
	}
	var found []PhoneStatus
	for _, s := range sts {
		if (s.Status == PhoneQuarantined || s.Status == PhoneWrongConfirmed) && (debtor == "" || s.DebtorID == debtor) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return PhoneStatus{}, fmt.Errorf("%s is not quarantined (see dozvon phones list)", phone)
	case 1:
		return found[0], nil
	}
	return PhoneStatus{}, fmt.Errorf("%s is quarantined for %d debtors: name one with --debtor", phone, len(found))
}
