// Package api is dozvon's HTTP door: the JSON API under /api/v1, health
// (/healthz, /readyz) and Prometheus metrics (/metrics). Every route is
// listed once in a table with the roles that may use it, and one wrapper
// enforces that table; a collector's own debtors are filtered in the store
// queries themselves. Errors are always the envelope
// {"error":{"code","message","field"}}, and a panic in a handler is a 500
// envelope, never a dropped connection. Authentication (who is calling) is
// the auth package's, taken through a small interface.
package api
