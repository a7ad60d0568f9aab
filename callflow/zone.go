package callflow

import (
	"time"

	"github.com/dozvon/dozvon/compliance"
)

// dialogueZone is the debtor's zone for the dialogue's time expressions.
// TODO(merge): replaced by the compliance function that owns region → zone.
func dialogueZone(region string) *time.Location {
	if l, err := compliance.ResolveRegion(region, ""); err == nil && len(l.Zones) > 0 {
		if z, err := time.LoadLocation(l.Zones[0]); err == nil {
			return z
		}
	}
	z, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return time.UTC
	}
	return z
}
