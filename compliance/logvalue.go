package compliance

import (
	"log/slog"

	"github.com/dozvon/dozvon/phonenum"
)

// The types below carry phone numbers; slog would print them in full through
// fmt or encoding/json when a whole value is logged, so each one says what a
// log line may show: ids, masked numbers, the channel and times.

// LogValue masks the case's numbers.
func (c Case) LogValue() slog.Value {
	return slog.GroupValue(slog.String("debtor", c.Debtor.ID), slog.Any("phone", c.Phone), slog.Any("phones", c.Debtor.Phones),
		slog.String("channel", string(c.Channel)), slog.Time("at", c.At))
}

// LogValue masks the request's number.
func (r Request) LogValue() slog.Value {
	return slog.GroupValue(slog.String("debtor", r.DebtorID), slog.String("phone", r.Phone.Masked()),
		slog.String("channel", string(r.Channel)), slog.String("call", r.CallID))
}

// LogValue masks the reservation's number.
func (r Reservation) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", r.ID), slog.String("debtor", r.DebtorID), slog.String("phone", phonenum.Mask(r.Phone)),
		slog.String("channel", string(r.Channel)), slog.Time("at", r.At), slog.Time("expires_at", r.ExpiresAt))
}
