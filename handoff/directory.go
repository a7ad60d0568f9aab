package handoff

import (
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/telephony/sipguard"
)

// Registrar tells where a SIP user's phone is registered now;
// *sipguard.Guard (telephony.UA.Guard()) implements it.
type Registrar interface {
	Binding(user string, now time.Time) (sipguard.Binding, bool)
}

// Endpoint is one collector's phone. SIPUser is the sip.security user their
// softphone registers as (default: the collector's login); URI, when set,
// is a fixed SIP URI rung instead (a desk phone or a PBX extension that
// does not register to dozvon: always taken as reachable); Phone, when set,
// is the collector's own external number (a mobile) dialed through Trunk
// ("": the trunks by priority). Nothing registers for an external number,
// so it rings only while the collector's page is open — on duty — unless
// Always is set: a debtor calling at midnight must not ring a collector's
// own mobile. Email is where notices to the collector go (a due
// callback), if anywhere.
type Endpoint struct {
	Login   string `yaml:"login"`
	SIPUser string `yaml:"sip_user"`
	URI     string `yaml:"uri"`
	Phone   string `yaml:"phone"`
	Trunk   string `yaml:"trunk"`
	Always  bool   `yaml:"always"`
	Email   string `yaml:"email"`
}

// Target is one phone a hand-off rings: a SIP URI, or an external number
// through a trunk (Phone valid; URI empty).
type Target struct {
	Login string          // the collector
	URI   string          // where to send the INVITE (their registered contact)
	Phone phonenum.Number // the collector's own external number
	Trunk string          // the trunk for Phone ("": any)
}

// External reports a target that is a phone number reached through a trunk.
func (t Target) External() bool { return t.Phone.IsValid() }

// Directory is the collectors' phones and presence. Safe for concurrent use.
type Directory struct {
	reg Registrar
	clk clock.Clock

	mu        sync.Mutex
	endpoints map[string]Endpoint  // by login
	pages     map[string]int       // open pages per login
	others    map[string]elsewhere // what the other nodes see, by login (Share)
	bindings  map[string]binding   // the registrations in the shared store, by SIP user (Share)
}

// elsewhere is what other nodes see of a collector: a contact their softphone
// registered with there, and whether a page of theirs is open there.
type elsewhere struct {
	contact string
	page    bool
}

// New checks endpoints and returns a directory over reg (nil: no phone
// registers; only fixed URIs ring).
func New(reg Registrar, clk clock.Clock, endpoints []Endpoint) (*Directory, error) {
	d := &Directory{reg: reg, clk: clock.Or(clk), endpoints: map[string]Endpoint{}, pages: map[string]int{}}
	for i, e := range endpoints {
		if err := d.add(e); err != nil {
			return nil, fmt.Errorf("handoff: endpoints[%d]: %w", i, err)
		}
	}
	return d, nil
}

// Add adds or replaces one collector's endpoint (a collector created while
// the service runs).
func (d *Directory) Add(e Endpoint) error {
	if err := d.add(e); err != nil {
		return fmt.Errorf("handoff: add endpoint: %w", err)
	}
	return nil
}

func (d *Directory) add(e Endpoint) error {
	e, err := e.normalized()
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.endpoints[e.Login] = e
	d.mu.Unlock()
	return nil
}

// normalized checks e and fills its defaults (the SIP user, the number in E.164).
func (e Endpoint) normalized() (Endpoint, error) {
	e.Login = strings.TrimSpace(e.Login)
	if e.Login == "" {
		return e, fmt.Errorf("login is empty")
	}
	if e.SIPUser == "" {
		e.SIPUser = e.Login
	}
	if strings.ContainsAny(e.SIPUser, ":@ ;") {
		return e, fmt.Errorf("collector %s: sip_user %q: want a SIP user name without ':', '@', ';' or spaces", e.Login, e.SIPUser)
	}
	if e.URI != "" && !strings.HasPrefix(e.URI, "sip:") && !strings.HasPrefix(e.URI, "sips:") {
		return e, fmt.Errorf("collector %s: uri %q: want a sip: or sips: URI (an external number goes in phone:)", e.Login, e.URI)
	}
	if e.Phone != "" {
		if e.URI != "" {
			return e, fmt.Errorf("collector %s: set uri or phone, not both", e.Login)
		}
		n, err := phonenum.Parse(e.Phone)
		if err != nil {
			return e, fmt.Errorf("collector %s: phone: %w", e.Login, err)
		}
		e.Phone = n.String()
	} else if e.Trunk != "" || e.Always {
		return e, fmt.Errorf("collector %s: trunk and always are for an external phone: set phone", e.Login)
	}
	if e.Email != "" {
		if _, err := mail.ParseAddress(e.Email); err != nil || strings.ContainsAny(e.Email, "<> ") {
			return e, fmt.Errorf("collector %s: email %q: want a bare address such as name@example.org", e.Login, e.Email)
		}
	}
	return e, nil
}

// SetPage says a collector's page was opened (open) or closed: the web
// app's WebSocket feeds it. Pages are counted, so two tabs and one closed
// still leave the collector online.
func (d *Directory) SetPage(login string, open bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if open {
		d.pages[login]++
		return
	}
	if d.pages[login] <= 1 {
		delete(d.pages, login)
		return
	}
	d.pages[login]--
}

// Presence is one collector's state.
type Presence struct {
	Login      string
	Registered bool // their phone can ring now: registered to dozvon, a fixed URI, or an external number on duty
	PageOpen   bool // their page is open
}

// Online is registered or page open.
func (p Presence) Online() bool { return p.Registered || p.PageOpen }

// Presence reports one collector's state (zero, offline, for an unknown login).
func (d *Directory) Presence(login string) Presence {
	d.mu.Lock()
	e, known := d.endpoints[login]
	page := d.pages[login] > 0 || d.others[login].page
	d.mu.Unlock()
	p := Presence{Login: login, PageOpen: page}
	if known {
		_, p.Registered = d.contact(e, page)
	}
	return p
}

// contact is where e rings now ("", false: nowhere — not registered, or
// an external number off duty); page says whether e's page is open.
func (d *Directory) contact(e Endpoint, page bool) (string, bool) {
	if e.Phone != "" {
		return "", e.Always || page // dialed through a trunk
	}
	if e.URI != "" {
		return e.URI, true
	}
	now := d.clk.Now()
	var local binding
	if d.reg != nil {
		if b, ok := d.reg.Binding(e.SIPUser, now); ok && b.Contact != "" {
			local = binding{contact: b.Contact, expires: b.Expires}
		}
	}
	d.mu.Lock()
	shared := d.bindings[e.SIPUser]
	other := d.others[e.Login].contact
	d.mu.Unlock()
	// The latest REGISTER wins: a softphone that moved to another node (the
	// proxy sent its REGISTER there) leaves a stale binding here until it
	// expires, and the shared one holds the binding a restarted or dead
	// node took. With equal intervals the later expiry is the later REGISTER.
	if shared.contact != "" && now.Before(shared.expires) && shared.expires.After(local.expires) {
		return shared.contact, true
	}
	if local.contact != "" {
		return local.contact, true
	}
	// Registered to another node that the store has no binding from yet:
	// this node rings the contact itself.
	return other, other != ""
}

// Reach is where one collector's phone rings now (ok false: unknown
// collector or phone not registered).
func (d *Directory) Reach(login string) (Target, bool) {
	d.mu.Lock()
	e, known := d.endpoints[login]
	page := d.pages[login] > 0 || d.others[login].page
	d.mu.Unlock()
	if !known {
		return Target{}, false
	}
	uri, ok := d.contact(e, page)
	switch {
	case !ok:
		return Target{}, false
	case e.Phone != "":
		return Target{Login: login, Phone: phonenum.MustParse(e.Phone), Trunk: e.Trunk}, true
	}
	return Target{Login: login, URI: uri}, true
}

// Targets is whom a hand-off rings: the pinned collector alone when their
// phone can ring, else every collector whose phone can (the hunt group,
// ordered by login so a test or a log reads the same each time).
func (d *Directory) Targets(pinned string) []Target {
	if pinned != "" {
		if t, ok := d.Reach(pinned); ok {
			return []Target{t}
		}
	}
	d.mu.Lock()
	logins := make([]string, 0, len(d.endpoints))
	for l := range d.endpoints {
		logins = append(logins, l)
	}
	d.mu.Unlock()
	sort.Strings(logins)
	var out []Target
	for _, l := range logins {
		if t, ok := d.Reach(l); ok {
			out = append(out, t)
		}
	}
	return out
}

// Email is where notices to a collector go ("": none configured).
func (d *Directory) Email(login string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.endpoints[login].Email
}
