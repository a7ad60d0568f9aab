package scheduler

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Duration is a time.Duration written as "15m", "2h", "24h" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "15m" style strings (or a number of seconds).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var sec float64
		if err2 := json.Unmarshal(b, &sec); err2 != nil {
			return fmt.Errorf("duration %s: want \"15m\" or seconds", b)
		}
		*d = Duration(sec * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// CallerID is one of the company's registered numbers and the region it is
// local to (an address region as compliance resolves it, e.g. "Новосибирская область").
type CallerID struct {
	Number string `json:"number"`
	Region string `json:"region,omitempty"`
}

// RetryRules say when to dial a phone again after each kind of result, and
// how many calls a phone and a debtor may get in the campaign.
type RetryRules struct {
	Busy         Duration `json:"busy"`        // 486/600
	NoAnswer     Duration `json:"no_answer"`   // ring timeout; also hang-ups, silence and third parties
	Machine      Duration `json:"machine"`     // voice assistant or answering machine
	Failed       Duration `json:"failed"`      // 5xx, timeouts on every trunk, a failed dialogue
	Rejected     Duration `json:"rejected"`    // 603/403
	Unreachable  Duration `json:"unreachable"` // 404/480/…
	MaxPerPhone  int      `json:"max_per_phone"`
	MaxPerDebtor int      `json:"max_per_debtor"`
}

// DefaultRetryRules are the defaults: busy +15 min, no answer +2 h,
// assistant/machine next day, failed +5 min; 5 calls a phone, 10 a debtor.
func DefaultRetryRules() RetryRules {
	return RetryRules{
		Busy: Duration(15 * time.Minute), NoAnswer: Duration(2 * time.Hour), Machine: Duration(24 * time.Hour),
		Failed: Duration(5 * time.Minute), Rejected: Duration(2 * time.Hour), Unreachable: Duration(4 * time.Hour),
		MaxPerPhone: 5, MaxPerDebtor: 10,
	}
}

// Schedule says when a campaign may dial (in the agency's terms; the debtor's
// local 230-FZ windows are the guard's business on top of it). Empty: always.
// Cron fires the start of an active period lasting For; Ranges ("09:00-13:00")
// limit every day to those clock ranges. Both are read in Zone (default UTC).
type Schedule struct {
	Cron   string   `json:"cron,omitempty"` // robfig/cron five-field expression, e.g. "0 9 * * 1-5"
	For    Duration `json:"for,omitempty"`  // how long each cron period lasts
	Ranges []string `json:"ranges,omitempty"`
	Zone   string   `json:"zone,omitempty"`
}

// Config is a campaign's settings, stored as JSON in store.Campaign.Config.
type Config struct {
	Script    string     `json:"script"`
	Creditor  string     `json:"creditor,omitempty"`   // the creditor the robot names; empty: the binary's config
	Trunks    []string   `json:"trunks,omitempty"`     // in order of preference; empty: the UA's trunks by priority
	CallerIDs []CallerID `json:"caller_ids,omitempty"` // the pool; the first is the fallback
	Schedule  Schedule   `json:"schedule"`
	Channels  int        `json:"channels,omitempty"` // this campaign's own limit of simultaneous calls (0: only the global one)
	CPS       float64    `json:"cps,omitempty"`      // new calls per second (0: unlimited)
	Priority  int        `json:"priority"`           // weight in the fair share of channels, ≥ 1
	Retry     RetryRules `json:"retry"`
	// Collectors maps a collector's name (as in the portfolio) to the number
	// or SIP URI a transfer outcome bridges to; others go to the robot's default.
	Collectors map[string]string `json:"collectors,omitempty"`
	// NonHuman is the reaction when the first phrase is not a person, per
	// class ("voice_assistant": "message" leaves the neutral message); every
	// class hangs up by default.
	// Its shape belongs to the call path (callflow), which checks it through
	// Options.CheckConfig; the scheduler only hands it to the dialer.
	NonHuman json.RawMessage `json:"non_human,omitempty"`
}

// span is one daily clock range in minutes from midnight, [from, to).
type span struct{ from, to int }

// plan is a parsed Schedule.
type plan struct {
	cron   cron.Schedule
	dur    time.Duration
	spans  []span
	loc    *time.Location
	always bool
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q: want HH:MM", s)
	}
	return hh*60 + mm, nil
}

func (s Schedule) parse() (*plan, error) {
	p := &plan{loc: time.UTC}
	if s.Zone != "" {
		loc, err := time.LoadLocation(s.Zone)
		if err != nil {
			return nil, fmt.Errorf("schedule zone %q: %w", s.Zone, err)
		}
		p.loc = loc
	}
	if s.Cron != "" {
		c, err := cron.ParseStandard(s.Cron)
		if err != nil {
			return nil, fmt.Errorf("schedule cron %q: %w", s.Cron, err)
		}
		if s.For <= 0 {
			return nil, fmt.Errorf("schedule cron %q: \"for\" must say how long each period lasts", s.Cron)
		}
		p.cron, p.dur = c, time.Duration(s.For)
	}
	for i, r := range s.Ranges {
		a, b, ok := strings.Cut(r, "-")
		if !ok {
			return nil, fmt.Errorf("schedule ranges[%d] %q: want HH:MM-HH:MM", i, r)
		}
		from, err := parseClock(a)
		if err != nil {
			return nil, fmt.Errorf("schedule ranges[%d]: %w", i, err)
		}
		to, err := parseClock(b)
		if err != nil {
			return nil, fmt.Errorf("schedule ranges[%d]: %w", i, err)
		}
		if to <= from {
			return nil, fmt.Errorf("schedule ranges[%d] %q: end before start", i, r)
		}
		p.spans = append(p.spans, span{from, to})
	}
	p.always = p.cron == nil && len(p.spans) == 0
	return p, nil
}

// active reports whether t is inside the schedule.
func (p *plan) active(t time.Time) bool {
	if p.always {
		return true
	}
	if p.cron != nil {
		// The first firing after t-For is at or before t exactly when t lies in a period.
		if f := p.cron.Next(t.Add(-p.dur)); f.After(t) {
			return false
		}
	}
	if len(p.spans) > 0 {
		l := t.In(p.loc)
		m := l.Hour()*60 + l.Minute()
		for _, s := range p.spans {
			if m >= s.from && m < s.to {
				return true
			}
		}
		return false
	}
	return true
}

// next returns the first instant at or after t when the schedule is active,
// searching minute by minute boundaries over at most 8 days; zero if none.
func (p *plan) next(t time.Time) time.Time {
	if p.active(t) {
		return t
	}
	// Candidate instants: cron firings and range starts; the schedule changes only there.
	end := t.Add(8 * 24 * time.Hour)
	c := t.Truncate(time.Minute).Add(time.Minute)
	for !c.After(end) {
		if p.active(c) {
			return c
		}
		n := end
		if p.cron != nil {
			if f := p.cron.Next(c.Add(-time.Nanosecond)); f.Before(n) && f.After(c) {
				n = f
			}
		}
		l := c.In(p.loc)
		mid := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, p.loc)
		for _, s := range p.spans {
			for _, day := range []time.Time{mid, mid.AddDate(0, 0, 1)} {
				st := day.Add(time.Duration(s.from) * time.Minute)
				if st.After(c) && st.Before(n) {
					n = st
				}
			}
		}
		if p.cron != nil && len(p.spans) > 0 {
			// Both must hold: step by an hour inside a cron period waiting for a range.
			if h := c.Add(time.Hour).Truncate(time.Hour); h.Before(n) {
				n = h
			}
		}
		c = n
	}
	return time.Time{}
}

// Validate checks a config and fills defaults: priority 1, the default retry rules for zero fields.
func (c *Config) Validate() error {
	if c.Script == "" {
		return errors.New("campaign config: no script")
	}
	if c.Priority == 0 {
		c.Priority = 1
	}
	if c.Priority < 0 || c.Channels < 0 || c.CPS < 0 {
		return fmt.Errorf("campaign config: negative priority %d, channels %d or cps %g", c.Priority, c.Channels, c.CPS)
	}
	def := DefaultRetryRules()
	for _, f := range []struct{ v, d *Duration }{{&c.Retry.Busy, &def.Busy}, {&c.Retry.NoAnswer, &def.NoAnswer},
		{&c.Retry.Machine, &def.Machine}, {&c.Retry.Failed, &def.Failed}, {&c.Retry.Rejected, &def.Rejected}, {&c.Retry.Unreachable, &def.Unreachable}} {
		if *f.v == 0 {
			*f.v = *f.d
		}
	}
	if c.Retry.MaxPerPhone == 0 {
		c.Retry.MaxPerPhone = def.MaxPerPhone
	}
	if c.Retry.MaxPerDebtor == 0 {
		c.Retry.MaxPerDebtor = def.MaxPerDebtor
	}
	for i, id := range c.CallerIDs {
		if id.Number == "" {
			return fmt.Errorf("campaign config: caller_ids[%d]: empty number", i)
		}
	}
	if _, err := c.Schedule.parse(); err != nil {
		return fmt.Errorf("campaign config: %w", err)
	}
	return nil
}

// ScheduleAt reports whether s is active at t and the first instant at or
// after t when it is (zero when none within 8 days).
func ScheduleAt(s Schedule, t time.Time) (active bool, next time.Time, err error) {
	p, err := s.parse()
	if err != nil {
		return false, time.Time{}, err
	}
	return p.active(t), p.next(t), nil
}
