package compliance

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/phonenum"
)

// Config assembles a Guard.
type Config struct {
	Calendar *Calendar    // nil: DefaultCalendar
	Plan     *Plan        // numbering plan for phones; nil: phone numbers give no zone
	Policy   *Policy      // nil: DefaultPolicy
	Clock    clock.Clock  // nil: the wall clock
	Ledger   Ledger       // nil: only Check works
	Logger   *slog.Logger // nil: slog.Default()
	Holder   string       // names this process on its reservations (host:pid)
	// OnDecision hears every reservation decision, allowed or not (the
	// service's metrics); it must be quick and must not call the guard.
	OnDecision func(Decision)
}

// Guard is the 230-FZ choke point. It is safe for concurrent use.
type Guard struct {
	cal    *Calendar
	plan   *Plan
	policy Policy
	clock  clock.Clock
	ledger Ledger
	log    *slog.Logger
	holder string
	onDec  func(Decision)
	ix     regionIndex
	zones  map[string]*time.Location // every zone a Location can name, loaded once
	// permitKey seals this guard's permits; drawn at random in NewGuard and
	// never shown, so no other code can make a permit that passes Check.
	permitKey [32]byte
	ops       *opLanes    // lanes of reservations and closes decided together (ledger_batch.go)
	view      *ledgerView // the ledger kept between batches; nil: read afresh (ledger_view.go)
}

// NewGuard builds a guard from cfg.
func NewGuard(cfg Config) (*Guard, error) {
	g := &Guard{cal: cfg.Calendar, plan: cfg.Plan, clock: cfg.Clock, ledger: cfg.Ledger, log: cfg.Logger, holder: cfg.Holder, onDec: cfg.OnDecision, ix: newRegionIndex(),
		zones: map[string]*time.Location{}}
	width := 1
	if lp, ok := cfg.Ledger.(LedgerParallel); ok {
		width = lp.LedgerBatchWidth()
	}
	g.ops = newLanes(width)
	if lv, ok := cfg.Ledger.(LedgerVersioned); ok && lv.LedgerVersioned() && width == 1 {
		g.view = newLedgerView()
	}
	names := append([]string(nil), russianZones...)
	for _, s := range subjects {
		names = append(names, s.zone)
		for _, z := range s.districts {
			names = append(names, z)
		}
	}
	for _, n := range names {
		l, err := time.LoadLocation(n)
		if err != nil {
			return nil, fmt.Errorf("new guard: load zone %q: %w", n, err)
		}
		g.zones[n] = l
	}
	if g.cal == nil {
		c, err := DefaultCalendar()
		if err != nil {
			return nil, fmt.Errorf("new guard: %w", err)
		}
		g.cal = c
	}
	g.policy = DefaultPolicy()
	if cfg.Policy != nil {
		g.policy = *cfg.Policy
	}
	g.clock = clock.Or(g.clock)
	if _, err := rand.Read(g.permitKey[:]); err != nil {
		return nil, fmt.Errorf("new guard: permit key: %w", err)
	}
	if g.log == nil {
		g.log = slog.Default()
	}
	if g.holder == "" {
		h, _ := os.Hostname()
		g.holder = fmt.Sprintf("%s:%d", h, os.Getpid())
	}
	return g, nil
}

// Policy returns the configured policy (a copy).
func (g *Guard) Policy() Policy { return g.policy }

// Locate finds the debtor's location: the address region wins; else the phone's
// numbering-plan region; else unknown (all Russian zones). A region that names
// no federal subject is no error but unknown too — not the phone's region:
// the debtor lives somewhere we cannot read, and only the intersection of all
// zones' windows is sure to be inside theirs. A foreign number or a range the
// plan does not hold gives no zone either. The error is kept for callers'
// sake; nothing a debtor record can hold makes it fail.
func (g *Guard) Locate(region, district, phone string) (Location, error) {
	if strings.TrimSpace(region) != "" {
		loc, err := g.ix.resolve(region, district)
		if err != nil {
			loc = UnknownLocation()
			loc.Unreadable = true
		}
		return loc, nil
	}
	if n, err := phonenum.Parse(phone); err == nil {
		if _, loc, ok := g.plan.Lookup(n); ok {
			return loc, nil
		}
	}
	return UnknownLocation(), nil
}

// Check decides one case without touching the ledger: the `compliance check` contract.
func (g *Guard) Check(ctx context.Context, c Case) (Decision, error) {
	if err := ctx.Err(); err != nil {
		return Decision{}, fmt.Errorf("check: %w", err)
	}
	if c.At.IsZero() {
		return Decision{}, errors.New("check: case has no time")
	}
	if !c.Channel.valid() {
		return Decision{}, fmt.Errorf("check: unknown channel %q", c.Channel)
	}
	for _, b := range c.Debtor.Blocks {
		if !ValidBlock(b) {
			return Decision{}, fmt.Errorf("check: unknown block kind %q", b)
		}
	}
	loc, err := g.Locate(c.Debtor.Region, c.Debtor.District, c.Phone.String())
	if err != nil {
		return Decision{}, fmt.Errorf("check: %w", err)
	}
	p := c.Policy
	if p == (Policy{}) {
		p = g.policy // a case built in code without a policy gets the configured one
	}
	r, err := g.rules(loc, p, c.Channel, c.History, c.Debtor.Blocks)
	if err != nil {
		return Decision{}, fmt.Errorf("check: %w", err)
	}
	r.thirdParty, r.consent = c.ThirdParty, c.Consent
	return r.decide(c.At), nil
}

func (g *Guard) rules(loc Location, p Policy, ch Channel, events []Event, blocks []string) (*subjectRules, error) {
	zones := make([]*time.Location, len(loc.Zones))
	for i, n := range loc.Zones {
		if zones[i] = g.zones[n]; zones[i] == nil {
			return nil, fmt.Errorf("zone %q is not a Russian zone", n)
		}
	}
	return &subjectRules{cal: g.cal, policy: p, loc: loc, zones: zones, channel: ch, events: events, blocks: blocks}, nil
}
