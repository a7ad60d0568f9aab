// Package compliance is the 230-FZ guard: every robot or human call and every
// message passes it before it leaves. It decides by the debtor's local time
// (production calendar, time zone from the address region or the numbering plan),
// frequency limits held in a ledger, and blocks, and it explains each decision
// with a reason and the next allowed time.
package compliance
