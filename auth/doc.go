// Package auth says who is calling the service: users with a role, their
// passwords (argon2id), bearer tokens for integrations and browser sessions.
// It answers "who is this"; what each role may do is decided in one place by
// the API's policy table and, for a collector's own debtors, in store queries.
package auth
