package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestReadyAndDrain: /readyz names a failing check and is 503; once the
// server drains it is 503 too, mutations get the 503 envelope and reads go on.
func TestReadyAndDrain(t *testing.T) {
	t.Parallel()
	trunks := errors.New("trunk main: not registered")
	var failing atomic.Bool
	rg := newRig(t, func(c *Config) {
		c.Ready = map[string]Check{
			"store": func(context.Context) error { return nil },
			"trunks": func(context.Context) error {
				if failing.Load() {
					return trunks
				}
				return nil
			},
		}
	})
	if status, body := rg.do(nobody, "GET", "/readyz", "", nil); status != http.StatusOK || !strings.Contains(string(body), `"trunks":"ok"`) {
		t.Fatalf("ready: %d %s", status, body)
	}
	failing.Store(true)
	if status, body := rg.do(nobody, "GET", "/readyz", "", nil); status != http.StatusServiceUnavailable || !strings.Contains(string(body), "not registered") {
		t.Fatalf("trunk down: %d %s", status, body)
	}
	failing.Store(false)
	rg.srv.Drain()
	if status, body := rg.do(nobody, "GET", "/readyz", "", nil); status != http.StatusServiceUnavailable || !strings.Contains(string(body), "draining") {
		t.Fatalf("draining readyz: %d %s", status, body)
	}
	status, body := rg.do(admin, "PUT", "/api/v1/debtors/d1/collector", "application/json", []byte(`{"collector":"petrov"}`))
	if e := envelopeOf(t, status, body); status != http.StatusServiceUnavailable || e.Code != "draining" {
		t.Fatalf("mutation while draining: %d %s", status, body)
	}
	if status, body := rg.do(admin, "GET", "/api/v1/debtors/d1", "", nil); status != http.StatusOK || !strings.Contains(string(body), "ivanova") {
		t.Fatalf("read while draining: %d %s", status, body)
	}
	if status, _ := rg.do(nobody, "GET", "/healthz", "", nil); status != http.StatusOK {
		t.Fatalf("healthz while draining: %d", status)
	}
}
