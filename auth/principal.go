package auth

import (
	"context"
	"fmt"
)

// Role is what a user is to the agency.
type Role string

// The roles of the service (issue 13): admin may do everything; supervisor
// runs campaigns and reads the agency's debtors and reports; collector sees
// only the debtors assigned to them, never a full phone number; integration
// uploads portfolios and reads outcomes (recordings only when granted).
const (
	Admin       Role = "admin"
	Supervisor  Role = "supervisor"
	Collector   Role = "collector"
	Integration Role = "integration"
)

// Roles lists every role, for tables and validation.
var Roles = []Role{Admin, Supervisor, Collector, Integration}

// ParseRole reads a role name; anything else is an error naming it.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("role %q: want admin, supervisor, collector or integration", s)
}

// Principal is an authenticated caller of the API.
type Principal struct {
	UserID     int64
	Login      string
	Role       Role
	Recordings bool // an integration granted access to recordings
	ViaCookie  bool // authenticated by a browser session (CSRF applies)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal a request was authenticated as.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
