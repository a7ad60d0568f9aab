package auth

import (
	"context"
	"testing"
)

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, bad := range []string{"", "Admin", "root", "collector "} {
		if _, err := ParseRole(bad); err == nil {
			t.Errorf("ParseRole(%q): no error", bad)
		}
	}
}

func TestPrincipalInContext(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("a bare context carries a principal")
	}
	p := Principal{UserID: 7, Login: "ivanova", Role: Collector}
	got, ok := FromContext(WithPrincipal(context.Background(), p))
	if !ok || got != p {
		t.Fatalf("got %+v, %v", got, ok)
	}
}
