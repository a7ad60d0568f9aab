package scheduler

import (
	"testing"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/store"
)

func TestCallerID(t *testing.T) {
	s := &Scheduler{regions: map[string]compliance.Location{}}
	cfg := Config{CallerIDs: []CallerID{{Number: "74950000000", Region: "г. Москва"}, {Number: "73830000000", Region: "Новосибирская область"},
		{Number: "74230000000", Region: "Приморский край"}}}
	for _, c := range []struct{ region, zone, want string }{
		{"Новосибирская обл.", "Asia/Novosibirsk", "73830000000"},        // the region's own number
		{"Приморский край", "Asia/Vladivostok", "74230000000"},           // the region's own number
		{"Московская область", "Europe/Moscow", "74950000000"},           // no local number: same time zone
		{"Калининградская область", "Europe/Kaliningrad", "74950000000"}, // nothing close: the first
		{"", "", "74950000000"}, // unknown region: the first
	} {
		if got := s.callerID(cfg, store.Debtor{Region: c.region}, compliance.Decision{Zone: c.zone}); got != c.want {
			t.Errorf("%q (%s): %s, want %s", c.region, c.zone, got, c.want)
		}
	}
	if got := s.callerID(Config{}, store.Debtor{Region: "г. Москва"}, compliance.Decision{}); got != "" {
		t.Errorf("empty pool gave %q", got)
	}
}
