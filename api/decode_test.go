package api

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestBadRequestsGetTheEnvelope: bad JSON, an unknown field, a wrong type,
// an oversized body and a wrong content type each answer the envelope with
// the right status, code and field.
func TestBadRequestsGetTheEnvelope(t *testing.T) {
	t.Parallel()
	rg := newRig(t, func(c *Config) { c.MaxUpload = 1 << 10 })
	const assign = "/api/v1/debtors/d1/collector"
	tests := []struct {
		name, method, path, ctype string
		body                      []byte
		status                    int
		code, field               string
	}{
		{"malformed JSON", "PUT", assign, "application/json", []byte(`{"collector":`), 400, "bad_json", ""},
		{"not JSON at all", "PUT", assign, "application/json", []byte(`collector=x`), 400, "bad_json", ""},
		{"empty body", "PUT", assign, "application/json", nil, 400, "bad_json", ""},
		{"two values", "PUT", assign, "application/json", []byte(`{"collector":"a"}{}`), 400, "bad_json", ""},
		{"unknown field", "PUT", assign, "application/json", []byte(`{"collector":"a","role":"admin"}`), 400, "unknown_field", "role"},
		{"wrong type", "PUT", assign, "application/json", []byte(`{"collector":7}`), 400, "bad_json", "collector"},
		{"missing field", "PUT", assign, "application/json", []byte(`{}`), 422, "invalid", "collector"},
		{"oversized JSON", "PUT", assign, "application/json", []byte(`{"collector":"` + strings.Repeat("a", maxJSONBody) + `"}`), 413, "too_large", ""},
		{"JSON as text", "PUT", assign, "text/plain", []byte(`{"collector":"a"}`), 415, "unsupported_media_type", "Content-Type"},
		{"no content type", "PUT", assign, "", []byte(`{"collector":"a"}`), 415, "unsupported_media_type", "Content-Type"},
		{"no such debtor", "PUT", "/api/v1/debtors/nobody/collector", "application/json", []byte(`{"collector":"a"}`), 404, "not_found", ""},
		{"portfolio as JSON", "POST", "/api/v1/portfolios", "application/json", []byte(`{}`), 415, "unsupported_media_type", "Content-Type"},
		{"oversized portfolio", "POST", "/api/v1/portfolios", "text/csv", bytes.Repeat([]byte("ФИО;Телефон\n"), 200), 413, "too_large", ""},
		{"portfolio without a phone column", "POST", "/api/v1/portfolios", "text/csv", []byte("a;b\n1;2\n"), 422, "invalid", "file"},
		{"bad limit", "GET", "/api/v1/debtors?limit=0", "", nil, 400, "bad_parameter", "limit"},
		{"no such route", "GET", "/api/v1/nothing", "", nil, 404, "not_found", ""},
		{"wrong method", "DELETE", "/api/v1/debtors/d1", "", nil, 405, "method_not_allowed", ""},
	}
	for _, tc := range tests {
		status, body := rg.do(admin, tc.method, tc.path, tc.ctype, tc.body)
		if status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.name, status, tc.status, body)
			continue
		}
		e := envelopeOf(t, status, body)
		if e.Code != tc.code || e.Field != tc.field {
			t.Errorf("%s: code %q field %q, want %q %q (%s)", tc.name, e.Code, e.Field, tc.code, tc.field, e.Message)
		}
	}
}

// FuzzDecodeBody: no body makes the JSON decoding panic, and every failure
// is an *Error a client can read (4xx), never a 500.
func FuzzDecodeBody(f *testing.F) {
	for _, s := range []string{`{"collector":"a"}`, `{"collector":null}`, `{"x":1}`, `{"collector":"a"} x`, `[`, `"`, `{"collector":"\ud800"}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var a assignment
		err := decodeBody(bytes.NewReader(body), &a)
		if err == nil {
			_ = a.check()
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Message == "" {
			t.Fatalf("body %q: %v is not a client error", body, err)
		}
	})
}

// TestPanicInAHandlerIsA500Envelope: a panic below a handler is answered
// with the 500 envelope on a connection that still works.
func TestPanicInAHandlerIsA500Envelope(t *testing.T) {
	t.Parallel()
	rg := newRig(t)
	rg.srv = New(Config{Store: panickingStore{rg.db}, Auth: headerAuthForTests{}})
	rg.ts.Config.Handler = rg.srv
	status, body := rg.do(admin, "GET", "/api/v1/debtors", "", nil)
	if e := envelopeOf(t, status, body); status != http.StatusInternalServerError || e.Code != "internal" || strings.Contains(e.Message, "boom") {
		t.Fatalf("%d %+v", status, e)
	}
	if status, body := rg.do(admin, "GET", "/healthz", "", nil); status != http.StatusOK {
		t.Fatalf("after the panic: %d %s", status, body)
	}
}
