package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
)

// WriteLookup prints one number's numbering-plan entry as `dozvon numplan
// lookup` shows it (tab-separated: region, operator, zones with their UTC
// offsets at now, range) and reports whether the plan has the number.
func WriteLookup(w io.Writer, plan *compliance.Plan, p phonenum.Number, now time.Time) bool {
	r, loc, ok := plan.Lookup(p)
	if !ok {
		fmt.Fprintf(w, "%s\tnot in the numbering plan\n", p)
		return false
	}
	fmt.Fprintf(w, "%s\tregion=%s\toperator=%s\tzone=%s\trange=%d-%d\n", p, r.Region, r.Operator, ZoneLabel(loc, now), r.From, r.To)
	return true
}

// ZoneLabel names a number's time zones with their UTC offsets at now.
func ZoneLabel(loc compliance.Location, now time.Time) string {
	if loc.Unknown {
		return "unknown (all Russian zones)"
	}
	var parts []string
	for _, z := range loc.Zones {
		l, err := time.LoadLocation(z)
		if err != nil {
			parts = append(parts, z)
			continue
		}
		parts = append(parts, z+" ("+now.In(l).Format("UTC-07:00")+")")
	}
	return strings.Join(parts, ", ")
}
