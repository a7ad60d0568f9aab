package scheduler

// Load is one campaign's claim on the shared channels at a decision.
type Load struct {
	Weight   int  // the campaign's priority, ≥ 1
	InFlight int  // calls it has up now
	Limit    int  // its own channel limit (0: none)
	Ready    bool // it has a task due now, is inside its schedule and under its CPS limit
}

// PickFair chooses which campaign gets the next free channel: weighted fair
// share by the Sainte-Laguë rule. Among ready campaigns under their own limit
// it picks the smallest (InFlight + ½) / Weight; ties go to the one with fewer
// calls in flight, then to the earlier in the list. It returns -1 when none
// may take the channel.
//
// Filling N channels one pick at a time this way gives each campaign
// N·w/Σw channels rounded by Sainte-Laguë (the apportionment least biased
// between large and small weights): weights 3:1 on 10 channels give 7:3,
// 1:1 give 5:5, 2:1:1 give 5:3:2 (see TestPickFairShares). It is work
// conserving: a campaign without due work or at its own limit leaves its share
// to the others. Because the rule looks only at calls in flight, the
// proportion also holds in steady state: every channel freed goes to the
// campaign furthest below its share.
func PickFair(loads []Load) int {
	best := -1
	for i, l := range loads {
		if !l.Ready || l.Weight <= 0 || (l.Limit > 0 && l.InFlight >= l.Limit) {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		b := loads[best]
		// (2·InFlight+1)/Weight compared by cross-multiplication: exact in integers.
		x, y := (2*l.InFlight+1)*b.Weight, (2*b.InFlight+1)*l.Weight
		if x < y || (x == y && l.InFlight < b.InFlight) {
			best = i
		}
	}
	return best
}
