package compliance

import (
	"testing"
	"time"
)

// BenchmarkCheck measures one pure decision, including the next-allowed search.
func BenchmarkCheck(b *testing.B) {
	g := newTestGuard(b)
	var hist []Event
	for i := 0; i < 8; i++ {
		hist = append(hist, Event{At: time.Date(2026, 11, 2+3*i, 7, 0, 0, 0, time.UTC), Kind: Conversation})
	}
	cases := []struct {
		name string
		c    Case
	}{
		{"allowed/known-zone", Case{Debtor: CaseDebtor{ID: "d", Region: "Новосибирская область"}, At: time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC), Channel: RobotCall}},
		{"window/known-zone", Case{Debtor: CaseDebtor{ID: "d", Region: "Новосибирская область"}, At: time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC), Channel: RobotCall}},
		{"month-limit/unknown-zone", Case{Debtor: CaseDebtor{ID: "d"}, At: time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC), Channel: RobotCall, History: hist}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := g.Check(b.Context(), c.c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
