// Package scheduler decides which call to place next: campaigns and tasks,
// priorities, retries, callbacks, cron schedules, channel and CPS limits and
// caller-ID choice. Every dial it starts passes the compliance guard.
//
// A campaign (store.Campaign with a JSON Config) has one task per debtor
// phone. A debtor's first phone is due at the start; each later phone waits
// until the earlier ones fail to reach the debtor (busy, no answer, machine,
// wrong person…), and all of them stop once the debtor is reached. Tasks live
// in the store and are leased with an expiry: a node that dies mid-call leaves
// its tasks to others once the lease runs out (its open 230-FZ reservations
// expire into attempts), and no debtor is leased twice at once.
//
// Channels are shared among competing campaigns by weighted fair share (see
// PickFair): each free channel goes to the ready campaign with the smallest
// (calls in flight + ½) / priority, the Sainte-Laguë rule, within each
// campaign's own channel limit and calls-per-second limit. A campaign is ready
// when its schedule (cron periods and daily clock ranges) is open and it has a
// task due. A campaign's share is leased in one store transaction; with a
// CPS limit, as many tasks as its limiter allows within a short horizon are
// leased at once and wait, holding their channels, for the limiter to start
// them; those not started when the run ends or drains are released to
// pending.
//
// For each leased task: guard.Reserve; a denial reschedules the task to the
// guard's next_allowed_at with the reason kept (never dropped); a grant is
// dialed through the Dialer (callflow.Dialer: the one call path), committed
// with the kind the call reports, and the attempt's Disposition applies the
// retry rules (RetryRules, per campaign) and its effects: reached → phone
// confirmed, wrong person → phone quarantined (a wrong_person block on that
// number), refused → a refusal block on the debtor, callback → due at the
// named time, pinned to the debtor's collector. The scheduler knows no script,
// robot or telephony: the dialer maps a dialogue's outcome onto a Disposition.
package scheduler
