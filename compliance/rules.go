package compliance

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Channel is how the guard's caller wants to reach the debtor.
type Channel string

// Channels.
const (
	RobotCall    Channel = "robot_call"
	HumanCall    Channel = "human_call"
	Message      Channel = "message"
	VoiceMessage Channel = "voice_message"
	Meeting      Channel = "meeting"
)

func (c Channel) valid() bool {
	switch c {
	case RobotCall, HumanCall, Message, VoiceMessage, Meeting:
		return true
	}
	return false
}

func (c Channel) isCall() bool { return c == RobotCall || c == HumanCall }

// Kind is what an interaction counted as in the ledger.
type Kind string

// Kinds of ledger events.
const (
	Conversation Kind = "conversation" // robot dialogue with the identified debtor, or any human conversation
	Attempt      Kind = "attempt"      // no answer, busy, assistant, machine, third party, wrong person
	MessageKind  Kind = "message"      // text or voice message
	MeetingKind  Kind = "meeting"      // personal meeting
)

func (k Kind) valid() bool {
	switch k {
	case Conversation, Attempt, MessageKind, MeetingKind:
		return true
	}
	return false
}

// heldKind is what an open reservation counts as while it is held: the worst case.
func heldKind(c Channel) Kind {
	switch c {
	case Message, VoiceMessage:
		return MessageKind
	case Meeting:
		return MeetingKind
	}
	return Conversation
}

// Event is one past (or held) interaction with the debtor.
type Event struct {
	At   time.Time
	Kind Kind
	Held bool // an open reservation, counted as Kind until committed
}

// Blocks: kinds of standing prohibitions on interaction.
var blockKinds = map[string]string{
	"bankruptcy":          "debtor declared bankrupt",
	"refusal":             "refusal of interaction filed (230-FZ art. 8)",
	"representative_only": "interaction only through the representative (advocate)",
	"incapacity":          "debtor is legally incapacitated",
	"inpatient":           "debtor is in in-patient treatment",
	"disability_group1":   "debtor has group I disability",
	"minor":               "debtor is a minor",
	"deceased":            "debtor is deceased",
	"wrong_person":        "number quarantined: it reaches a wrong person",
	"do_not_call":         "do-not-call list",
}

// BlockKinds lists the accepted block kinds with their meaning.
func BlockKinds() map[string]string {
	m := make(map[string]string, len(blockKinds))
	for k, v := range blockKinds {
		m[k] = v
	}
	return m
}

// ValidBlock reports whether kind is a known block kind.
func ValidBlock(kind string) bool { _, ok := blockKinds[kind]; return ok }

// Policy holds the configurable limits. Zero values are meaningful (a zero margin
// is no margin); start from DefaultPolicy.
type Policy struct {
	MarginStart, MarginEnd time.Duration // kept clear at both ends of the window
	MaxCall                time.Duration // expected longest call: a call must be able to end inside the window
	AttemptsPerDay         int           // connection attempts per local day, conversations included
	ConversationsPerDay    int
	ConversationsPerWeek   int
	ConversationsPerMonth  int
	MessagesPerDay         int
	MessagesPerWeek        int
	MessagesPerMonth       int
	MeetingsPerWeek        int
	ReservationTTL         time.Duration // an open reservation older than this expires into an attempt
}

// DefaultPolicy is 230-FZ art. 7 with 10-minute margins, 5-minute calls and 3 attempts a day.
func DefaultPolicy() Policy {
	return Policy{
		MarginStart: 10 * time.Minute, MarginEnd: 10 * time.Minute, MaxCall: 5 * time.Minute,
		AttemptsPerDay:      3,
		ConversationsPerDay: 1, ConversationsPerWeek: 2, ConversationsPerMonth: 8,
		MessagesPerDay: 2, MessagesPerWeek: 4, MessagesPerMonth: 16,
		MeetingsPerWeek: 1,
		ReservationTTL:  15 * time.Minute,
	}
}

// Reasons a decision can deny.
const (
	ReasonBlocked         = "blocked"
	ReasonThirdParty      = "third_party_no_consent"
	ReasonWindow          = "window"
	ReasonUnknownTimezone = "unknown_timezone"
	ReasonLimitDay        = "limit_day"
	ReasonLimitWeek       = "limit_week"
	ReasonLimitMonth      = "limit_month"
	ReasonAttempts        = "attempts"
)

// Decision is the guard's answer with its explanation.
type Decision struct {
	Allowed          bool
	Reason           string   // the first of Reasons; empty when allowed
	Reasons          []string // every rule that denies
	Detail           string   // human-readable explanation
	At               time.Time
	Local            time.Time // At in the debtor's (primary) zone
	Zone             string
	Zones            []string  // all zones whose windows had to hold
	ZoneSource       string    // address, phone or unknown
	NextAllowedAt    time.Time // UTC; zero when blocked or nothing within the horizon
	NextAllowedLocal time.Time
}

// horizon bounds the search for the next allowed time.
const horizon = 45 * 24 * time.Hour

// subjectRules is everything needed to decide for one debtor at any instant.
type subjectRules struct {
	cal     *Calendar
	policy  Policy
	loc     Location
	zones   []*time.Location
	channel Channel
	events  []Event // the person's ledger (all their contracts)
	// numberEvents is the number's ledger, whoever it reached: the limits
	// hold on it too. Two records sharing a number may be two persons, but
	// the number's owner is one human, whom 230-FZ protects as a debtor or
	// a third party; counting the number's contacts apart (not added to the
	// person's) is the stricter reading that still does not charge one
	// human for another's calls.
	numberEvents []Event
	blocks       []string
	thirdParty   bool
	consent      bool
}

// primaryZone is where local_time is shown: Moscow for an unknown debtor, else the westernmost zone.
func primaryZone(loc Location) int {
	if loc.Unknown {
		for i, z := range loc.Zones {
			if z == "Europe/Moscow" {
				return i
			}
		}
	}
	return 0
}

func (r *subjectRules) decide(t time.Time) Decision {
	p := primaryZone(r.loc)
	d := Decision{At: t.UTC(), Zone: r.loc.Zones[p], Zones: r.loc.Zones, ZoneSource: r.loc.Source, Local: t.In(r.zones[p])}
	reasons, details := r.deny(t)
	if y := d.Local.Year(); !r.cal.HasYear(y) {
		details = append(details, fmt.Sprintf("note: no production calendar for %d, only weekends and the fixed holidays of Labour Code art. 112 apply", y))
	}
	if len(reasons) == 0 {
		d.Allowed = true
		d.Reasons = []string{}
		d.Detail = strings.Join(append([]string{fmt.Sprintf("allowed at %s local (%s)", d.Local.Format("2006-01-02 15:04 Mon"), d.Zone)}, details...), "; ")
		d.NextAllowedAt, d.NextAllowedLocal = d.At, d.Local
		return d
	}
	d.Reason, d.Reasons, d.Detail = reasons[0], reasons, strings.Join(details, "; ")
	if reasons[0] == ReasonBlocked || reasons[0] == ReasonThirdParty {
		return d
	}
	if next, ok := r.next(t); ok {
		d.NextAllowedAt, d.NextAllowedLocal = next.UTC(), next.In(r.zones[p])
	} else {
		d.Detail += fmt.Sprintf("; nothing allowed within %d days", int(horizon.Hours()/24))
	}
	return d
}

// deny returns the reasons t is not allowed, in a fixed order, with details.
func (r *subjectRules) deny(t time.Time) (reasons, details []string) {
	add := func(reason, detail string) {
		for _, x := range reasons {
			if x == reason {
				return // one detail per reason: the first zone or period that denies
			}
		}
		reasons = append(reasons, reason)
		details = append(details, detail)
	}
	if len(r.blocks) > 0 {
		var bs []string
		for _, b := range r.blocks {
			bs = append(bs, fmt.Sprintf("%s (%s)", b, blockKinds[b]))
		}
		add(ReasonBlocked, "blocked: "+strings.Join(bs, ", "))
	}
	if r.thirdParty && !r.consent {
		add(ReasonThirdParty, "third party: no consent to interaction on file")
	}
	if len(reasons) > 0 {
		return reasons, details
	}
	for i, z := range r.zones {
		open, close, dt := r.window(DateOf(t.In(z)), z)
		if t.Before(open) || !t.Before(close) {
			reason := ReasonWindow
			if r.loc.Unknown {
				reason = ReasonUnknownTimezone
			}
			add(reason, fmt.Sprintf("window: %s local in %s (%s) is outside %s–%s", t.In(z).Format("2006-01-02 15:04 Mon"),
				r.loc.Zones[i], dt, open.Format("15:04"), close.Format("15:04")))
		}
	}
	limits := r.limits() // built once, not per series and zone
	for s, events := range r.series() {
		whose := ""
		if s == 1 {
			whose = " on this number"
		}
		for i, z := range r.zones {
			for _, l := range limits {
				if n := count(events, t, z, l); n+1 > l.max {
					add(l.reason, fmt.Sprintf("%s: %d %s%s already in %s (%s), limit %d", l.reason, n, l.noun, whose, periodName(t, z, l.per), r.loc.Zones[i], l.max))
				}
			}
		}
	}
	return reasons, details
}

// allowedAt is deny without the explanations, stopping at the first failing
// rule; next calls it for every candidate.
func (r *subjectRules) allowedAt(t time.Time) bool {
	if len(r.blocks) > 0 || (r.thirdParty && !r.consent) {
		return false
	}
	for _, z := range r.zones {
		open, close, _ := r.window(DateOf(t.In(z)), z)
		if t.Before(open) || !t.Before(close) {
			return false
		}
	}
	limits := r.limits()
	for _, events := range r.series() {
		for _, z := range r.zones {
			for _, l := range limits {
				if count(events, t, z, l)+1 > l.max {
					return false
				}
			}
		}
	}
	return true
}

// series are the event histories each limit holds on: the person's, then the number's.
func (r *subjectRules) series() [][]Event { return [][]Event{r.events, r.numberEvents} }

// window returns the allowed interval for a contact starting on local date d in zone z.
func (r *subjectRules) window(d Date, z *time.Location) (open, close time.Time, dt DayType) {
	dt = r.cal.DayType(d, r.loc.Subjects...)
	startH, endH := 8, 22
	if dt == DayOff {
		startH, endH = 9, 20
	}
	open = d.In(z, startH, 0).Add(r.policy.MarginStart)
	end := r.policy.MarginEnd
	if r.channel.isCall() {
		end += r.policy.MaxCall
	}
	close = d.In(z, endH, 0).Add(-end)
	return open, close, dt
}

type period int

const (
	calDay period = iota
	calWeek
	calMonth
	rolling7
	rolling30
)

type limit struct {
	reason string
	noun   string
	kinds  []Kind
	per    period
	max    int
}

func (r *subjectRules) limits() []limit {
	p := r.policy
	switch {
	case r.channel.isCall():
		conv := []Kind{Conversation}
		return []limit{
			{ReasonLimitDay, "conversations", conv, calDay, p.ConversationsPerDay},
			{ReasonLimitWeek, "conversations", conv, calWeek, p.ConversationsPerWeek},
			{ReasonLimitWeek, "conversations", conv, rolling7, p.ConversationsPerWeek},
			{ReasonLimitMonth, "conversations", conv, calMonth, p.ConversationsPerMonth},
			{ReasonLimitMonth, "conversations", conv, rolling30, p.ConversationsPerMonth},
			{ReasonAttempts, "attempts", []Kind{Conversation, Attempt}, calDay, p.AttemptsPerDay},
		}
	case r.channel == Meeting:
		m := []Kind{MeetingKind}
		return []limit{
			{ReasonLimitWeek, "meetings", m, calWeek, p.MeetingsPerWeek},
			{ReasonLimitWeek, "meetings", m, rolling7, p.MeetingsPerWeek},
		}
	default:
		m := []Kind{MessageKind}
		return []limit{
			{ReasonLimitDay, "messages", m, calDay, p.MessagesPerDay},
			{ReasonLimitWeek, "messages", m, calWeek, p.MessagesPerWeek},
			{ReasonLimitWeek, "messages", m, rolling7, p.MessagesPerWeek},
			{ReasonLimitMonth, "messages", m, calMonth, p.MessagesPerMonth},
			{ReasonLimitMonth, "messages", m, rolling30, p.MessagesPerMonth},
		}
	}
}

func (l limit) matches(k Kind) bool {
	for _, x := range l.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// count returns how many matching events share l's period with t (in zone z).
// Rolling periods take the fullest window of that length containing t, so
// later events in the history count too.
func count(events []Event, t time.Time, z *time.Location, l limit) int {
	var from, to time.Time
	switch l.per {
	case rolling7:
		return rollingMax(events, t, 7*24*time.Hour, l)
	case rolling30:
		return rollingMax(events, t, 30*24*time.Hour, l)
	case calDay:
		d := DateOf(t.In(z))
		from, to = d.In(z, 0, 0), d.AddDays(1).In(z, 0, 0)
	case calWeek:
		mon := weekStart(DateOf(t.In(z)))
		from, to = mon.In(z, 0, 0), mon.AddDays(7).In(z, 0, 0)
	case calMonth:
		d := DateOf(t.In(z))
		from, to = Date{d.Year, d.Month, 1}.In(z, 0, 0), time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, z)
	}
	n := 0
	for _, e := range events {
		if l.matches(e.Kind) && !e.At.Before(from) && e.At.Before(to) {
			n++
		}
	}
	return n
}

// weekStart is the Monday of d's ISO week.
func weekStart(d Date) Date { return d.AddDays(-((int(d.weekday()) + 6) % 7)) }

// periodName says which period a limit counted, for explanations.
func periodName(t time.Time, z *time.Location, p period) string {
	d := DateOf(t.In(z))
	switch p {
	case calDay:
		return "local day " + d.String()
	case calWeek:
		return "calendar week from " + weekStart(d).String()
	case calMonth:
		return fmt.Sprintf("calendar month %04d-%02d", d.Year, d.Month)
	case rolling7:
		return "the last 7 days"
	}
	return "the last 30 days"
}

// rollingMax is the largest number of matching events in any window [s, s+span)
// that also contains t. The fullest such windows start just after t-span, or
// end just after a later event e (s = e-span+1ns).
func rollingMax(events []Event, t time.Time, span time.Duration, l limit) int {
	starts := []time.Time{t.Add(-span + 1)}
	for _, e := range events {
		if l.matches(e.Kind) && e.At.After(t) && e.At.Before(t.Add(span)) {
			starts = append(starts, e.At.Add(-span+1))
		}
	}
	best := 0
	for _, s := range starts {
		n := 0
		for _, e := range events {
			if l.matches(e.Kind) && !e.At.Before(s) && e.At.Before(s.Add(span)) {
				n++
			}
		}
		if n > best {
			best = n
		}
	}
	return best
}

// next finds the earliest allowed instant after t within the horizon. The
// allowed set is a union of intervals whose starts are window openings, local
// midnights (covered by openings) or rolling expiries, so checking those
// candidates in order finds its first point exactly.
func (r *subjectRules) next(t time.Time) (time.Time, bool) {
	var cands []time.Time
	for _, z := range r.zones {
		d := DateOf(t.In(z)).AddDays(-1)
		for i := 0; i <= int(horizon.Hours()/24)+1; i++ {
			open, _, _ := r.window(d.AddDays(i), z)
			cands = append(cands, open)
		}
	}
	for _, events := range r.series() {
		for _, e := range events {
			cands = append(cands, e.At.Add(7*24*time.Hour), e.At.Add(30*24*time.Hour))
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Before(cands[j]) })
	end := t.Add(horizon)
	for _, c := range cands {
		if !c.After(t) || c.After(end) {
			continue
		}
		if r.allowedAt(c) {
			return c, true
		}
	}
	return time.Time{}, false
}
