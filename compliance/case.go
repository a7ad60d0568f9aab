package compliance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dozvon/dozvon/phonenum"
)

// Case is one question to the guard: may we contact this debtor at this instant?
// It is the input of `dozvon compliance check`.
type Case struct {
	Debtor     CaseDebtor
	Phone      phonenum.Number // the number to contact; defaults to the debtor's first phone
	At         time.Time
	Channel    Channel
	History    []Event
	Policy     Policy
	ThirdParty bool // the callee is a third party, not the debtor
	Consent    bool // the debtor's consent to interaction with that third party is on file
}

// CaseDebtor is what the guard needs to know about the debtor.
type CaseDebtor struct {
	ID       string
	Phones   phonenum.List
	Region   string   // address region, any spelling ResolveRegion accepts; empty when unknown
	District string   // for subjects spanning zones (Якутия)
	Blocks   []string // block kinds, see BlockKinds
}

type caseJSON struct {
	Debtor struct {
		ID       string   `json:"id"`
		Phones   []string `json:"phones"`
		Region   string   `json:"region"`
		District string   `json:"district"`
		Blocks   []string `json:"blocks"`
	} `json:"debtor"`
	Phone   string `json:"phone"`
	At      string `json:"at"`
	Channel string `json:"channel"`
	History []struct {
		At   string `json:"at"`
		Kind string `json:"kind"`
	} `json:"history"`
	Policy            PolicyOverride `json:"policy"`
	ThirdParty        bool           `json:"third_party"`
	ThirdPartyConsent bool           `json:"third_party_consent"`
}

// PolicyOverride changes the configured policy for one case; absent fields keep it.
type PolicyOverride struct {
	MarginStartMin        *int `json:"margin_start_min"`
	MarginEndMin          *int `json:"margin_end_min"`
	MaxCallMin            *int `json:"max_call_min"`
	AttemptsPerDay        *int `json:"attempts_per_day"`
	ConversationsPerDay   *int `json:"conversations_per_day"`
	ConversationsPerWeek  *int `json:"conversations_per_week"`
	ConversationsPerMonth *int `json:"conversations_per_month"`
	MessagesPerDay        *int `json:"messages_per_day"`
	MessagesPerWeek       *int `json:"messages_per_week"`
	MessagesPerMonth      *int `json:"messages_per_month"`
	MeetingsPerWeek       *int `json:"meetings_per_week"`
}

// Apply returns p with the override's fields set; it rejects negative or absurd values.
func (o PolicyOverride) Apply(p Policy) (Policy, error) {
	mins := []struct {
		name string
		v    *int
		dst  *time.Duration
	}{
		{"margin_start_min", o.MarginStartMin, &p.MarginStart},
		{"margin_end_min", o.MarginEndMin, &p.MarginEnd},
		{"max_call_min", o.MaxCallMin, &p.MaxCall},
	}
	for _, m := range mins {
		if m.v == nil {
			continue
		}
		if *m.v < 0 || *m.v > 240 {
			return p, fmt.Errorf("field \"policy.%s\" = %d: want 0..240 minutes", m.name, *m.v)
		}
		*m.dst = time.Duration(*m.v) * time.Minute
	}
	counts := []struct {
		name string
		v    *int
		dst  *int
	}{
		{"attempts_per_day", o.AttemptsPerDay, &p.AttemptsPerDay},
		{"conversations_per_day", o.ConversationsPerDay, &p.ConversationsPerDay},
		{"conversations_per_week", o.ConversationsPerWeek, &p.ConversationsPerWeek},
		{"conversations_per_month", o.ConversationsPerMonth, &p.ConversationsPerMonth},
		{"messages_per_day", o.MessagesPerDay, &p.MessagesPerDay},
		{"messages_per_week", o.MessagesPerWeek, &p.MessagesPerWeek},
		{"messages_per_month", o.MessagesPerMonth, &p.MessagesPerMonth},
		{"meetings_per_week", o.MeetingsPerWeek, &p.MeetingsPerWeek},
	}
	for _, c := range counts {
		if c.v == nil {
			continue
		}
		if *c.v < 0 || *c.v > 1000 {
			return p, fmt.Errorf("field \"policy.%s\" = %d: want 0..1000", c.name, *c.v)
		}
		*c.dst = *c.v
	}
	return p, nil
}

// ParseCase reads one JSON case (the `compliance check` contract). def is the
// configured policy that the case's "policy" object overrides. Errors name the
// place: line:column for syntax, the field path and value otherwise.
func ParseCase(r io.Reader, def Policy) (Case, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return Case{}, fmt.Errorf("parse case: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var raw caseJSON
	if err := dec.Decode(&raw); err != nil {
		return Case{}, fmt.Errorf("parse case: %w", jsonPlace(b, err))
	}
	if dec.More() {
		line, col := lineCol(b, int(dec.InputOffset()))
		return Case{}, fmt.Errorf("parse case: %d:%d: data after the JSON object", line, col)
	}
	var c Case
	if raw.Debtor.ID == "" {
		return Case{}, errors.New(`parse case: field "debtor.id" is empty`)
	}
	c.Debtor = CaseDebtor{ID: raw.Debtor.ID, Region: raw.Debtor.Region, District: raw.Debtor.District}
	for i, p := range raw.Debtor.Phones {
		n, err := phonenum.Parse(p) // a foreign number is a case too: it is decided in every Russian zone
		if err != nil {
			return Case{}, fmt.Errorf("parse case: field \"debtor.phones[%d]\": %w", i, err)
		}
		c.Debtor.Phones = append(c.Debtor.Phones, n)
	}
	for i, bk := range raw.Debtor.Blocks {
		if !ValidBlock(bk) {
			return Case{}, fmt.Errorf("parse case: field \"debtor.blocks[%d]\" = %q: unknown block kind", i, bk)
		}
		c.Debtor.Blocks = append(c.Debtor.Blocks, bk)
	}
	if raw.Phone != "" {
		if c.Phone, err = phonenum.Parse(raw.Phone); err != nil {
			return Case{}, fmt.Errorf("parse case: field \"phone\": %w", err)
		}
	} else if len(c.Debtor.Phones) > 0 {
		c.Phone = c.Debtor.Phones[0]
	}
	if c.At, err = parseInstant("at", raw.At); err != nil {
		return Case{}, fmt.Errorf("parse case: %w", err)
	}
	c.Channel = Channel(raw.Channel)
	if !c.Channel.valid() {
		return Case{}, fmt.Errorf("parse case: field \"channel\" = %q: want robot_call, human_call, message, voice_message or meeting", raw.Channel)
	}
	for i, h := range raw.History {
		at, err := parseInstant(fmt.Sprintf("history[%d].at", i), h.At)
		if err != nil {
			return Case{}, fmt.Errorf("parse case: %w", err)
		}
		k := Kind(h.Kind)
		if !k.valid() {
			return Case{}, fmt.Errorf("parse case: field \"history[%d].kind\" = %q: want conversation, attempt, message or meeting", i, h.Kind)
		}
		c.History = append(c.History, Event{At: at, Kind: k})
	}
	if c.Policy, err = raw.Policy.Apply(def); err != nil {
		return Case{}, fmt.Errorf("parse case: %w", err)
	}
	c.ThirdParty, c.Consent = raw.ThirdParty, raw.ThirdPartyConsent
	return c, nil
}

func parseInstant(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("field %q is missing", field)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("field %q = %q: want an RFC 3339 instant like 2026-11-23T01:30:00Z", field, s)
	}
	return t, nil
}

// jsonPlace rewrites encoding/json errors to say line:column and the field.
func jsonPlace(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(b, int(se.Offset))
		return fmt.Errorf("%d:%d: %w", line, col, err)
	case errors.As(err, &te):
		line, col := lineCol(b, int(te.Offset))
		return fmt.Errorf("%d:%d: field %q: %s where %s is expected", line, col, te.Field, te.Value, te.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json names the key but not where it is (FuzzParseCase):
		// the place is the key's first spelling in the input.
		key := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if off := bytes.Index(b, []byte(key)); off >= 0 {
			line, col := lineCol(b, off)
			return fmt.Errorf("%d:%d: unknown field %s", line, col, key)
		}
		return fmt.Errorf("field %s: unknown", key)
	case errors.Is(err, io.EOF):
		return errors.New("empty input: want one JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(b, len(b))
		return fmt.Errorf("%d:%d: unexpected end of input", line, col)
	}
	return err
}

func lineCol(b []byte, off int) (int, int) {
	if off > len(b) {
		off = len(b)
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// MarshalJSON writes the `compliance check` output contract.
func (d Decision) MarshalJSON() ([]byte, error) {
	type out struct {
		Allowed          bool     `json:"allowed"`
		Reason           string   `json:"reason,omitempty"`
		Reasons          []string `json:"reasons"`
		Detail           string   `json:"detail"`
		LocalTime        string   `json:"local_time"`
		NextAllowedAt    *string  `json:"next_allowed_at"`
		NextAllowedLocal *string  `json:"next_allowed_local"`
		Zone             string   `json:"zone"`
		Zones            []string `json:"zones"`
		ZoneSource       string   `json:"zone_source"`
	}
	o := out{Allowed: d.Allowed, Reason: d.Reason, Reasons: d.Reasons, Detail: d.Detail,
		LocalTime: d.Local.Format(time.RFC3339), Zone: d.Zone, Zones: d.Zones, ZoneSource: d.ZoneSource}
	if o.Reasons == nil {
		o.Reasons = []string{}
	}
	if !d.NextAllowedAt.IsZero() {
		u, l := d.NextAllowedAt.UTC().Format(time.RFC3339), d.NextAllowedLocal.Format(time.RFC3339)
		o.NextAllowedAt, o.NextAllowedLocal = &u, &l
	}
	return json.Marshal(o)
}
