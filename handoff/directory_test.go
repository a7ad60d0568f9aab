package handoff

import (
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/telephony/sipguard"
)

// registrations is a test double Registrar: a fixed set of bindings.
type registrations map[string]sipguard.Binding

func (r registrations) Binding(user string, now time.Time) (sipguard.Binding, bool) {
	b, ok := r[user]
	if !ok || !now.Before(b.Expires) {
		return sipguard.Binding{}, false
	}
	return b, true
}

func TestTargets(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	reg := registrations{
		"alice":   {Contact: "sip:alice@10.0.0.1:5060", Expires: now.Add(time.Hour)},
		"bob-sip": {Contact: "sip:bob@10.0.0.2:5060", Expires: now.Add(time.Hour)},
		"carol":   {Contact: "sip:carol@10.0.0.3:5060", Expires: now.Add(-time.Second)}, // lapsed
	}
	d, err := New(reg, clock.NewSim(now), []Endpoint{
		{Login: "alice"}, {Login: "bob", SIPUser: "bob-sip"}, {Login: "carol"}, {Login: "desk", URI: "sip:desk@10.0.0.9"},
		{Login: "erin", Phone: "8 (903) 555-01-01", Trunk: "mobile", Always: true, Email: "erin@agency.example"},
		{Login: "frank", Phone: "8 (903) 555-01-02", Trunk: "mobile"}, // off duty: his page is closed
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		pinned string
		want   string // logins rung, comma-separated
	}{
		{"alice", "alice"},                  // the pinned collector's phone is registered: them alone
		{"bob", "bob"},                      // a SIP user apart from the login
		{"carol", "alice,bob,desk,erin"},    // pinned but lapsed: the hunt group
		{"", "alice,bob,desk,erin"},         // nobody pinned
		{"stranger", "alice,bob,desk,erin"}, // an unknown login
		{"desk", "desk"},                    // a fixed URI always rings
		{"erin", "erin"},                    // an external number set to always ring
		{"frank", "alice,bob,desk,erin"},    // an external number off duty: the hunt group
	}
	for _, tc := range tests {
		var got []string
		for _, tg := range d.Targets(tc.pinned) {
			got = append(got, tg.Login)
			if (tg.URI != "") == tg.External() {
				t.Errorf("pinned %q: %s: URI %q, phone %v: want exactly one", tc.pinned, tg.Login, tg.URI, tg.Phone)
			}
		}
		if strings.Join(got, ",") != tc.want {
			t.Errorf("pinned %q: rings %v, want %s", tc.pinned, got, tc.want)
		}
	}
}

func TestPresence(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	d, err := New(registrations{"alice": {Contact: "sip:alice@h", Expires: now.Add(time.Hour)}}, clock.NewSim(now),
		[]Endpoint{{Login: "alice"}, {Login: "bob"}})
	if err != nil {
		t.Fatal(err)
	}
	if p := d.Presence("alice"); !p.Registered || p.PageOpen || !p.Online() {
		t.Errorf("alice: %+v, want registered and online", p)
	}
	if p := d.Presence("bob"); p.Online() {
		t.Errorf("bob before his page opens: %+v", p)
	}
	d.SetPage("bob", true)
	d.SetPage("bob", true) // a second tab
	d.SetPage("bob", false)
	if p := d.Presence("bob"); !p.PageOpen || p.Registered || !p.Online() {
		t.Errorf("bob with one tab left open: %+v", p)
	}
	d.SetPage("bob", false)
	if p := d.Presence("bob"); p.Online() {
		t.Errorf("bob with every page closed: %+v", p)
	}
	if _, ok := d.Reach("bob"); ok {
		t.Error("bob's page is no phone: Reach must fail")
	}
}

func TestEndpointErrors(t *testing.T) {
	for _, tc := range []struct {
		e    Endpoint
		want string
	}{
		{Endpoint{}, "login is empty"},
		{Endpoint{Login: "a", SIPUser: "a@b"}, "sip_user"},
		{Endpoint{Login: "a", URI: "+79160000001"}, "an external number goes in phone:"},
		{Endpoint{Login: "a", Phone: "12x"}, "phone"},
		{Endpoint{Login: "a", Phone: "+79160000001", URI: "sip:a@h"}, "not both"},
		{Endpoint{Login: "a", Trunk: "mobile"}, "set phone"},
		{Endpoint{Login: "a", Always: true}, "set phone"},
		{Endpoint{Login: "a", Email: "Alice <a@b.c>"}, "email"},
		{Endpoint{Login: "a", Email: "nobody"}, "email"},
	} {
		_, err := New(nil, nil, []Endpoint{tc.e})
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "endpoints[0]") {
			t.Errorf("%+v: %v, want an error naming endpoints[0] and %q", tc.e, err, tc.want)
		}
	}
}

func TestSyncFollowsUserChanges(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	reg := registrations{"alice": {Contact: "sip:alice@h", Expires: now.Add(time.Hour)}, "bob": {Contact: "sip:bob@h", Expires: now.Add(time.Hour)}}
	d, err := New(reg, clock.NewSim(now), []Endpoint{{Login: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Reach("bob"); ok {
		t.Fatal("bob rings before he was added")
	}
	if err := d.Sync([]Endpoint{{Login: "bob"}}); err != nil { // bob added, alice disabled
		t.Fatal(err)
	}
	if _, ok := d.Reach("bob"); !ok {
		t.Error("bob added: his phone must ring")
	}
	if _, ok := d.Reach("alice"); ok {
		t.Error("alice disabled: her phone must not ring")
	}
	if err := d.Sync([]Endpoint{{Login: "x", SIPUser: "a b"}}); err == nil || !strings.Contains(err.Error(), "sync") {
		t.Errorf("invalid endpoint: %v", err)
	}
	if _, ok := d.Reach("bob"); !ok {
		t.Error("a refused sync must keep the endpoints")
	}
}

func TestExternalPhoneTarget(t *testing.T) {
	d, err := New(nil, nil, []Endpoint{
		{Login: "erin", Phone: "8 903 555-01-01", Trunk: "mobile", Email: "erin@agency.example"},
		{Login: "gus", Phone: "8 903 555-01-03", Always: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	// off duty (no page open): her own mobile does not ring
	if tg, ok := d.Reach("erin"); ok {
		t.Fatalf("erin off duty rings: %+v", tg)
	}
	if p := d.Presence("erin"); p.Online() {
		t.Errorf("erin off duty is online: %+v", p)
	}
	d.SetPage("erin", true)
	tg, ok := d.Reach("erin")
	if !ok || !tg.External() || tg.Phone.String() != "+79035550101" || tg.Trunk != "mobile" || tg.URI != "" {
		t.Fatalf("erin on duty: %+v %v, want +79035550101 through trunk mobile", tg, ok)
	}
	if p := d.Presence("erin"); !p.Online() || !p.Registered {
		t.Errorf("erin on duty: %+v, want her phone able to ring", p)
	}
	d.SetPage("erin", false)
	if _, ok := d.Reach("erin"); ok {
		t.Error("erin's page closed: her mobile must not ring")
	}
	if tg, ok := d.Reach("gus"); !ok || tg.Phone.String() != "+79035550103" || tg.Trunk != "" {
		t.Errorf("gus (always): %+v %v", tg, ok)
	}
	if got := d.Email("erin"); got != "erin@agency.example" {
		t.Errorf("email %q", got)
	}
	if got := d.Email("nobody"); got != "" {
		t.Errorf("an unknown collector's email %q", got)
	}
}

func TestHoldTone(t *testing.T) {
	pcm := Tone()
	if len(pcm) != 3*8000 {
		t.Fatalf("tone: %d samples, want 3 s at 8 kHz", len(pcm))
	}
	energy := func(a []int16) (e float64) {
		for _, v := range a {
			e += float64(v) * float64(v)
		}
		return e / float64(len(a))
	}
	if beep, quiet := energy(pcm[:1600]), energy(pcm[1600:]); beep < 1e6 || quiet != 0 {
		t.Errorf("tone: beep energy %.0f, quiet energy %.0f: want a beep then silence", beep, quiet)
	}
}

func TestSettings(t *testing.T) {
	s := Settings{CallerID: "8 495 000-00-00", Collectors: []Endpoint{{Login: " erin ", Phone: "8 903 555-01-01", Trunk: "mobile"}}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if s.HoldAudio != HoldTone || s.CallerID != "+74950000000" {
		t.Errorf("defaults: %+v", s)
	}
	if e, ok := s.Endpoint("erin"); !ok || e.Phone != "+79035550101" {
		t.Errorf("erin: %+v %v", e, ok)
	}
	for _, bad := range []Settings{
		{RingTimeout: -1},
		{CallerID: "abc"},
		{PublicURL: "dozvon.local"},
		{ReferTrunks: []string{" "}},
		{Collectors: []Endpoint{{Login: "a", Email: "a@b.c"}, {Login: "a"}}},
	} {
		if err := bad.Validate(); err == nil || !strings.HasPrefix(err.Error(), "handoff: ") {
			t.Errorf("%+v: %v, want an error naming handoff", bad, err)
		}
	}
}
