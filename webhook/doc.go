// Package webhook tells collection systems what happened: events
// (call.ended, debtor.outcome, campaign.done) go into a persisted outbox when
// they happen and are delivered after, signed as integrators already verify
// Stripe and jambonz webhooks, retried with exponential backoff until
// delivered or given up as a dead letter. Delivery is at least once; the
// Idempotency-Key header lets a receiver drop repeats.
package webhook
