package compliance

import "github.com/dozvon/dozvon/store"

// StoreRanges converts parsed registry ranges to the store's rows.
func StoreRanges(rs []Range) []store.NumRange {
	out := make([]store.NumRange, len(rs))
	for i, r := range rs {
		out[i] = store.NumRange{From: r.From, To: r.To, Capacity: r.Capacity, Operator: r.Operator, Region: r.Region, GAR: r.GAR, INN: r.INN}
	}
	return out
}

// PlanFromStore builds a Plan from the ranges kept in the store.
func PlanFromStore(rs []store.NumRange) (*Plan, error) {
	out := make([]Range, len(rs))
	for i, r := range rs {
		out[i] = Range{From: r.From, To: r.To, Capacity: r.Capacity, Operator: r.Operator, Region: r.Region, GAR: r.GAR, INN: r.INN}
	}
	return NewPlan(out)
}
