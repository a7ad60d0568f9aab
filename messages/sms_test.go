package messages

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/compliance"
)

// gatewayHit is one request the test SMS gateway took.
type gatewayHit struct {
	Auth, ContentType string
	Body              []byte
}

// smsGateway is an httptest server standing in for an HTTP SMS gateway:
// it records every request and answers with status and reply.
func smsGateway(t *testing.T, status int, reply string) (*httptest.Server, chan gatewayHit) {
	t.Helper()
	hits := make(chan gatewayHit, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits <- gatewayHit{Auth: r.Header.Get("X-Api-Key"), ContentType: r.Header.Get("Content-Type"), Body: b}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestHTTPSMS(t *testing.T) {
	t.Parallel()
	r := newRig(t, "2026-11-23 12:00").withDebtor(t)
	text := "Агентство «Пример»: просим перезвонить по номеру 8 800 000-00-00."
	t.Run("json", func(t *testing.T) {
		srv, hits := smsGateway(t, http.StatusOK, `{"id": "gw-17", "status": "OK"}`)
		g, err := NewHTTPSMS(SMSConfig{URL: srv.URL + "/send", AuthHeader: "X-Api-Key", AuthValue: "k-1", SenderField: "from", Sender: "AGENCY",
			OKField: "status", OKValue: "OK"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := g.Send(t.Context(), r.permit(t, "d1", "+79161234567"), Outgoing{To: "8 916 123-45-67", Text: text})
		if err != nil || id != "gw-17" {
			t.Fatalf("send: %q %v", id, err)
		}
		h := <-hits
		var body map[string]string
		if err := json.Unmarshal(h.Body, &body); err != nil {
			t.Fatal(err)
		}
		if h.Auth != "k-1" || h.ContentType != "application/json" || body["to"] != "+79161234567" || body["text"] != text || body["from"] != "AGENCY" {
			t.Fatalf("request: %+v %v", h, body)
		}
	})
	t.Run("form", func(t *testing.T) {
		srv, hits := smsGateway(t, http.StatusOK, `{}`)
		g, err := NewHTTPSMS(SMSConfig{URL: srv.URL, Body: "form", ToField: "phone", TextField: "msg", DigitsOnly: true, AuthHeader: "X-Api-Key", AuthValue: "k-2"})
		if err != nil {
			t.Fatal(err)
		}
		r.clock.Set(r.clock.Now().AddDate(0, 0, 7)) // a fresh week: permits left open expire into messages
		if _, err := g.Send(t.Context(), r.permit(t, "d1", "+79161234567"), Outgoing{To: "+79161234567", Text: text}); err != nil {
			t.Fatal(err)
		}
		h := <-hits
		v, err := url.ParseQuery(string(h.Body))
		if err != nil || h.Auth != "k-2" || h.ContentType != "application/x-www-form-urlencoded" || v.Get("phone") != "79161234567" || v.Get("msg") != text {
			t.Fatalf("request: %+v %v %v", h, v, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name, reply string
			status      int
			cfg         SMSConfig
		}{
			{"500", `{"error": "internal", "to": "+79161234567"}`, http.StatusInternalServerError, SMSConfig{}},
			{"401", `unauthorized`, http.StatusUnauthorized, SMSConfig{}},
			{"200 with an error inside", `{"status": "ERROR"}`, http.StatusOK, SMSConfig{OKField: "status", OKValue: "OK"}},
		} {
			srv, hits := smsGateway(t, c.status, c.reply)
			c.cfg.URL = srv.URL
			g, err := NewHTTPSMS(c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r.clock.Set(r.clock.Now().AddDate(0, 0, 7)) // a fresh week: permits left open expire into messages
			_, err = g.Send(t.Context(), r.permit(t, "d1", "+79161234567"), Outgoing{To: "+79161234567", Text: text})
			if !errors.Is(err, ErrNotSent) {
				t.Errorf("%s: %v, want a not-sent error", c.name, err)
			}
			if err != nil && strings.Contains(err.Error(), "1234567") {
				t.Errorf("%s: the error shows the number: %v", c.name, err)
			}
			<-hits
		}
	})
	t.Run("no permit", func(t *testing.T) {
		srv, hits := smsGateway(t, http.StatusOK, `{}`)
		g, err := NewHTTPSMS(SMSConfig{URL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.Send(t.Context(), compliance.Permit{}, Outgoing{To: "+79161234567", Text: text}); !errors.Is(err, compliance.ErrInvalidPermit) {
			t.Fatalf("sent without a permit: %v", err)
		}
		if _, err := g.Send(t.Context(), r.permit(t, "d1", "ivan@mail.example"), Outgoing{To: "+79161234567", Text: text}); !errors.Is(err, compliance.ErrInvalidPermit) {
			t.Fatalf("sent on another recipient's permit: %v", err)
		}
		select {
		case h := <-hits:
			t.Fatalf("the gateway was called: %+v", h)
		default:
		}
	})
	for _, bad := range []SMSConfig{{URL: "ftp://x"}, {URL: "http://x", Body: "xml"}, {URL: "http://x", AuthHeader: "X-Api-Key"}} {
		if _, err := NewHTTPSMS(bad); err == nil {
			t.Errorf("config %+v accepted", bad)
		}
	}
}
