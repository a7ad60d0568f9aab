package messages

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/phonenum"
)

// SMSConfig configures the HTTP SMS gateway adapter: one POST per message,
// to a URL with an auth header, the number and text in a JSON or form body.
type SMSConfig struct {
	URL string `yaml:"url"`
	// AuthHeader and AuthValue are the header that authenticates
	// ("Authorization" and "Bearer …"); read the value from the environment
	// (AuthValueEnv) rather than the config file.
	AuthHeader   string        `yaml:"auth_header"`
	AuthValue    string        `yaml:"-"`
	AuthValueEnv string        `yaml:"auth_value_env"`
	Body         string        `yaml:"body"`       // json (default) or form
	ToField      string        `yaml:"to_field"`   // default "to"
	TextField    string        `yaml:"text_field"` // default "text"
	SenderField  string        `yaml:"sender_field"`
	Sender       string        `yaml:"sender"`      // the sender name, sent in SenderField when both are set
	DigitsOnly   bool          `yaml:"digits_only"` // the number as 79161234567 rather than +79161234567
	IDField      string        `yaml:"id_field"`    // the JSON reply's message id field; default "id"
	OKField      string        `yaml:"ok_field"`    // a JSON reply field that must equal OKValue (gateways answering 200 with an error inside)
	OKValue      string        `yaml:"ok_value"`
	Timeout      time.Duration `yaml:"timeout"` // default 15s
	// Client overrides the HTTP client (nil: one with Timeout).
	Client *http.Client `yaml:"-"`
}

// HTTPSMS sends SMS through an HTTP gateway.
type HTTPSMS struct {
	c SMSConfig
}

// NewHTTPSMS checks cfg and returns the adapter.
func NewHTTPSMS(cfg SMSConfig) (*HTTPSMS, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("sms gateway: url %q: want an http(s) URL", cfg.URL)
	}
	switch cfg.Body {
	case "":
		cfg.Body = "json"
	case "json", "form":
	default:
		return nil, fmt.Errorf("sms gateway: body %q: want json or form", cfg.Body)
	}
	if cfg.ToField == "" {
		cfg.ToField = "to"
	}
	if cfg.TextField == "" {
		cfg.TextField = "text"
	}
	if cfg.IDField == "" {
		cfg.IDField = "id"
	}
	if cfg.AuthValue == "" && cfg.AuthValueEnv != "" {
		cfg.AuthValue = envLookup(cfg.AuthValueEnv)
	}
	if cfg.AuthHeader != "" && cfg.AuthValue == "" {
		return nil, fmt.Errorf("sms gateway: auth_header %s has no value (set %s)", cfg.AuthHeader, cfg.AuthValueEnv)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout}
	}
	return &HTTPSMS{c: cfg}, nil
}

// Send implements Sender.
func (g *HTTPSMS) Send(ctx context.Context, p compliance.Permit, m Outgoing) (string, error) {
	if err := p.CheckMessage(m.To); err != nil {
		return "", notSent(fmt.Errorf("sms send: %w", err))
	}
	n, err := phonenum.Parse(m.To)
	if err != nil {
		return "", notSent(fmt.Errorf("sms send: %s is not a phone number", compliance.MaskRecipient(m.To)))
	}
	to := n.String()
	if g.c.DigitsOnly {
		to = strings.TrimPrefix(to, "+")
	}
	fields := map[string]string{g.c.ToField: to, g.c.TextField: m.Text}
	if g.c.SenderField != "" && g.c.Sender != "" {
		fields[g.c.SenderField] = g.c.Sender
	}
	var body []byte
	ctype := "application/json"
	if g.c.Body == "form" {
		v := url.Values{}
		for k, x := range fields {
			v.Set(k, x)
		}
		body, ctype = []byte(v.Encode()), "application/x-www-form-urlencoded"
	} else if body, err = json.Marshal(fields); err != nil {
		return "", notSent(fmt.Errorf("sms send: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.c.URL, bytes.NewReader(body))
	if err != nil {
		return "", notSent(fmt.Errorf("sms send: %w", err))
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "application/json")
	if g.c.AuthHeader != "" {
		req.Header.Set(g.c.AuthHeader, g.c.AuthValue)
	}
	resp, err := g.c.Client.Do(req)
	if err != nil {
		err = fmt.Errorf("sms send: %w", redactURL(err))
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return "", notSent(err) // never reached the gateway
		}
		return "", err // the gateway may have taken it before the connection failed
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", notSent(fmt.Errorf("sms send: gateway answered %s: %s", resp.Status, snippet(reply)))
	}
	var obj map[string]any
	if json.Unmarshal(reply, &obj) != nil {
		obj = nil
	}
	if g.c.OKField != "" {
		if v := fmt.Sprint(obj[g.c.OKField]); obj == nil || v != g.c.OKValue {
			return "", notSent(fmt.Errorf("sms send: gateway answered %s with %s = %q, want %q: %s", resp.Status, g.c.OKField, v, g.c.OKValue, snippet(reply)))
		}
	}
	if id, ok := obj[g.c.IDField]; ok && id != nil {
		return fmt.Sprint(id), nil
	}
	return "", nil
}

// redactURL drops the request URL from a client error: a gateway's URL may
// carry its API key as a query parameter.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s gateway: %w", ue.Op, ue.Err)
	}
	return err
}

var longDigits = regexp.MustCompile(`\+?\d[\d ()-]{4,}\d`)

// snippet is the start of a gateway's reply for an error message, with
// long digit runs masked: a gateway may echo the number back.
func snippet(b []byte) string {
	s := longDigits.ReplaceAllStringFunc(strings.TrimSpace(string(b)), compliance.MaskPhone)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	if s == "" {
		return "(empty reply)"
	}
	return fmt.Sprintf("%q", s)
}
