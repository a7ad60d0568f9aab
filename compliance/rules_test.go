package compliance

import (
	"context"
	"strings"
	"testing"
	"time"
)

func newTestGuard(t testing.TB) *Guard {
	t.Helper()
	g, err := NewGuard(Config{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// local parses "2006-01-02 15:04" in zone.
func local(t testing.TB, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// bare is the policy without margins or call length, so boundaries are the law's own.
func bare() Policy {
	p := DefaultPolicy()
	p.MarginStart, p.MarginEnd, p.MaxCall = 0, 0, 0
	return p
}

func TestWindowBoundaries(t *testing.T) {
	const nsk = "Asia/Novosibirsk"
	tests := []struct {
		name   string
		region string
		zone   string
		at     string
		policy Policy
		ok     bool
	}{
		{"working 07:59", "Новосибирская область", nsk, "2026-11-23 07:59", bare(), false},
		{"working 08:00", "Новосибирская область", nsk, "2026-11-23 08:00", bare(), true},
		{"working 21:59", "Новосибирская область", nsk, "2026-11-23 21:59", bare(), true},
		{"working 22:00", "Новосибирская область", nsk, "2026-11-23 22:00", bare(), false},
		{"saturday 08:59", "Новосибирская область", nsk, "2026-11-28 08:59", bare(), false},
		{"saturday 09:00", "Новосибирская область", nsk, "2026-11-28 09:00", bare(), true},
		{"sunday 19:59", "Новосибирская область", nsk, "2026-11-29 19:59", bare(), true},
		{"sunday 20:00", "Новосибирская область", nsk, "2026-11-29 20:00", bare(), false},
		{"holiday 11-04 08:59", "Новосибирская область", nsk, "2026-11-04 08:59", bare(), false},
		{"holiday 11-04 09:00", "Новосибирская область", nsk, "2026-11-04 09:00", bare(), true},
		{"holiday 11-04 20:00", "Новосибирская область", nsk, "2026-11-04 20:00", bare(), false},
		{"transferred 03-09 (Mon) 08:30", "г. Москва", "Europe/Moscow", "2026-03-09 08:30", bare(), false},
		{"transferred 03-09 (Mon) 09:00", "г. Москва", "Europe/Moscow", "2026-03-09 09:00", bare(), true},
		{"transferred 03-09 (Mon) 20:00", "г. Москва", "Europe/Moscow", "2026-03-09 20:00", bare(), false},
		{"transferred 12-31 (Thu) 08:59", "г. Москва", "Europe/Moscow", "2026-12-31 08:59", bare(), false},
		{"transferred 12-31 (Thu) 19:59", "г. Москва", "Europe/Moscow", "2026-12-31 19:59", bare(), true},
		{"transferred 12-31 (Thu) 21:00", "г. Москва", "Europe/Moscow", "2026-12-31 21:00", bare(), false},
		{"ordinary Monday 03-02 08:00", "г. Москва", "Europe/Moscow", "2026-03-02 08:00", bare(), true},
		{"working Saturday 2024-12-28 08:00", "г. Москва", "Europe/Moscow", "2024-12-28 08:00", bare(), true},
		{"working Saturday 2024-12-28 21:59", "г. Москва", "Europe/Moscow", "2024-12-28 21:59", bare(), true},
		{"ordinary Saturday 2024-12-21 08:00", "г. Москва", "Europe/Moscow", "2024-12-21 08:00", bare(), false},
		{"shortened Saturday 2025-11-01 08:00", "г. Москва", "Europe/Moscow", "2025-11-01 08:00", bare(), true},
		{"shortened 2026-04-30 08:00", "г. Москва", "Europe/Moscow", "2026-04-30 08:00", bare(), true},
		{"shortened 2026-04-30 21:59", "г. Москва", "Europe/Moscow", "2026-04-30 21:59", bare(), true},
		{"shortened 2026-04-30 22:00", "г. Москва", "Europe/Moscow", "2026-04-30 22:00", bare(), false},
		{"default margins 08:09", "г. Москва", "Europe/Moscow", "2026-11-23 08:09", DefaultPolicy(), false},
		{"default margins 08:10", "г. Москва", "Europe/Moscow", "2026-11-23 08:10", DefaultPolicy(), true},
		{"default margins+call 21:44", "г. Москва", "Europe/Moscow", "2026-11-23 21:44", DefaultPolicy(), true},
		{"default margins+call 21:45", "г. Москва", "Europe/Moscow", "2026-11-23 21:45", DefaultPolicy(), false},
		{"Kamchatka Monday 08:00 local, Sunday in UTC", "Камчатский край", "Asia/Kamchatka", "2026-11-23 08:00", bare(), true},
		{"Kamchatka Sunday 08:30 local, Saturday in UTC", "Камчатский край", "Asia/Kamchatka", "2026-11-22 08:30", bare(), false},
		{"Kaliningrad 07:59", "Калининградская обл.", "Europe/Kaliningrad", "2026-11-23 07:59", bare(), false},
	}
	g := newTestGuard(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := local(t, tt.zone, tt.at).UTC()
			d, err := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Region: tt.region}, At: at, Channel: RobotCall, Policy: tt.policy})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tt.ok {
				t.Fatalf("allowed=%v want %v: %s", d.Allowed, tt.ok, d.Detail)
			}
			if !tt.ok && d.Reason != ReasonWindow {
				t.Fatalf("reason %q want window", d.Reason)
			}
			if d.Zone != tt.zone || d.Local.Format("2006-01-02 15:04") != tt.at {
				t.Fatalf("local %s %s, want %s %s", d.Zone, d.Local, tt.zone, tt.at)
			}
		})
	}
}

func TestEveryZoneWindow(t *testing.T) {
	tests := []struct {
		region string
		offset int
	}{
		{"Калининградская область", 2}, {"г. Москва", 3}, {"Самарская область", 4}, {"Свердловская область", 5},
		{"Омская область", 6}, {"Новосибирская область", 7}, {"Иркутская область", 8}, {"Амурская область", 9},
		{"Приморский край", 10}, {"Магаданская область", 11}, {"Камчатский край", 12},
	}
	g := newTestGuard(t)
	for _, tt := range tests {
		// 08:00 local on Monday 2026-11-23 is 08:00-offset in UTC.
		open := time.Date(2026, 11, 23, 8-tt.offset, 0, 0, 0, time.UTC)
		for _, c := range []struct {
			at time.Time
			ok bool
		}{{open.Add(-time.Minute), false}, {open, true}, {open.Add(14*time.Hour - time.Minute), true}, {open.Add(14 * time.Hour), false}} {
			d, err := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Region: tt.region}, At: c.at, Channel: HumanCall, Policy: bare()})
			if err != nil {
				t.Fatal(err)
			}
			if _, off := d.Local.Zone(); off != tt.offset*3600 {
				t.Errorf("%s: offset %d, want +%d", tt.region, off/3600, tt.offset)
			}
			if d.Allowed != c.ok {
				t.Errorf("%s at %s UTC (%s local): allowed=%v want %v", tt.region, c.at.Format("2006-01-02 15:04"), d.Local.Format("15:04"), d.Allowed, c.ok)
			}
		}
	}
}

type hist struct {
	at   string // local
	kind Kind
}

func TestFrequency(t *testing.T) {
	const z = "Asia/Novosibirsk"
	const region = "Новосибирская область"
	big := func(p Policy, f func(*Policy)) Policy { f(&p); return p }
	tests := []struct {
		name    string
		zone    string
		region  string
		channel Channel
		history []hist
		at      string
		policy  Policy
		reasons []string
		next    string // local, "" = don't check
	}{
		{name: "second conversation same local day", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", Conversation}}, at: "2026-11-23 15:00", policy: bare(),
			reasons: []string{ReasonLimitDay}, next: "2026-11-24 08:00"},
		{name: "conversation yesterday is fine", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-22 19:00", Conversation}}, at: "2026-11-23 08:30", policy: bare()},
		{name: "third conversation in calendar week", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", Conversation}, {"2026-11-24 09:00", Conversation}}, at: "2026-11-25 10:00", policy: bare(),
			reasons: []string{ReasonLimitWeek}, next: "2026-11-30 09:00"}, // Monday: calendar resets, rolling drops 11-23 09:00 exactly on Mon 11-30 09:00
		{name: "rolling week across the calendar week boundary", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-28 12:00", Conversation}, {"2026-11-29 12:00", Conversation}}, at: "2026-11-30 10:00", policy: bare(),
			reasons: []string{ReasonLimitWeek}, next: "2026-12-05 12:00"},
		{name: "calendar month across month end, rolling 30 days clear", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-10-01 10:00", Conversation}, {"2026-10-01 10:01", Conversation}, {"2026-10-01 10:02", Conversation}, {"2026-10-01 10:03", Conversation},
				{"2026-10-01 10:04", Conversation}, {"2026-10-01 10:05", Conversation}, {"2026-10-01 10:06", Conversation}, {"2026-10-01 10:07", Conversation}},
			at: "2026-10-31 12:00", policy: big(bare(), func(p *Policy) { p.ConversationsPerDay, p.ConversationsPerWeek, p.AttemptsPerDay = 100, 100, 100 }),
			reasons: []string{ReasonLimitMonth}, next: "2026-11-01 09:00"},
		{name: "rolling 30 days across month end, calendar month clear", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-20 10:00", Conversation}, {"2026-11-20 10:01", Conversation}, {"2026-11-20 10:02", Conversation}, {"2026-11-20 10:03", Conversation},
				{"2026-11-20 10:04", Conversation}, {"2026-11-20 10:05", Conversation}, {"2026-11-20 10:06", Conversation}, {"2026-11-20 10:07", Conversation}},
			at: "2026-12-01 12:00", policy: big(bare(), func(p *Policy) { p.ConversationsPerDay, p.ConversationsPerWeek, p.AttemptsPerDay = 100, 100, 100 }),
			reasons: []string{ReasonLimitMonth}, next: "2026-12-20 10:00"}, // the first of the eight leaves the 30 days,
		{name: "rolling week across a month end", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-10-31 12:00", Conversation}, {"2026-11-01 12:00", Conversation}}, at: "2026-11-02 10:00", policy: bare(),
			reasons: []string{ReasonLimitWeek}, next: "2026-11-07 12:00"},
		{name: "calendar week spanning a month end", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-30 12:00", Conversation}, {"2026-12-01 12:00", Conversation}}, at: "2026-12-03 10:00", policy: bare(),
			reasons: []string{ReasonLimitWeek}, next: "2026-12-07 12:00"},
		{name: "attempts per day include conversations", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", Attempt}, {"2026-11-23 10:00", Attempt}, {"2026-11-23 11:00", Attempt}}, at: "2026-11-23 12:00", policy: bare(),
			reasons: []string{ReasonAttempts}, next: "2026-11-24 08:00"},
		{name: "two attempts leave a third", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", Attempt}, {"2026-11-23 10:00", Attempt}}, at: "2026-11-23 12:00", policy: bare()},
		{name: "messages per day", zone: z, region: region, channel: Message,
			history: []hist{{"2026-11-23 09:00", MessageKind}, {"2026-11-23 10:00", MessageKind}}, at: "2026-11-23 12:00", policy: bare(),
			reasons: []string{ReasonLimitDay}, next: "2026-11-24 08:00"},
		{name: "messages do not limit calls", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", MessageKind}, {"2026-11-23 10:00", MessageKind}}, at: "2026-11-23 12:00", policy: bare()},
		{name: "meeting per week", zone: z, region: region, channel: Meeting,
			history: []hist{{"2026-11-23 09:00", MeetingKind}}, at: "2026-11-27 12:00", policy: bare(),
			reasons: []string{ReasonLimitWeek}, next: "2026-11-30 09:00"},
		{name: "Kamchatka: one UTC day, two local days", zone: "Asia/Kamchatka", region: "Камчатский край", channel: RobotCall,
			history: []hist{{"2026-11-23 08:30", Conversation}}, // 2026-11-22T20:30Z
			at:      "2026-11-24 09:00", policy: bare()},        // 2026-11-23T21:00Z: same UTC day, next local day
		{name: "Kamchatka: two UTC days, one local day", zone: "Asia/Kamchatka", region: "Камчатский край", channel: RobotCall,
			history: []hist{{"2026-11-23 10:00", Conversation}}, // 2026-11-22T22:00Z
			at:      "2026-11-23 13:00", policy: bare(),         // 2026-11-23T01:00Z
			reasons: []string{ReasonLimitDay}, next: "2026-11-24 08:00"},
		{name: "window and limit together", zone: z, region: region, channel: RobotCall,
			history: []hist{{"2026-11-23 09:00", Conversation}}, at: "2026-11-23 23:00", policy: bare(),
			reasons: []string{ReasonWindow, ReasonLimitDay}, next: "2026-11-24 08:00"},
		{name: "weekend next opening", zone: z, region: region, channel: RobotCall,
			at: "2026-11-27 22:00", policy: bare(), reasons: []string{ReasonWindow}, next: "2026-11-28 09:00"},
		{name: "transferred day off next opening", zone: "Europe/Moscow", region: "Москва", channel: RobotCall,
			at: "2026-03-09 07:00", policy: bare(), reasons: []string{ReasonWindow}, next: "2026-03-09 09:00"},
	}
	g := newTestGuard(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Case{Debtor: CaseDebtor{ID: "d", Region: tt.region}, At: local(t, tt.zone, tt.at), Channel: tt.channel, Policy: tt.policy}
			for _, h := range tt.history {
				c.History = append(c.History, Event{At: local(t, tt.zone, h.at), Kind: h.kind})
			}
			d, err := g.Check(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(d.Reasons, ",") != strings.Join(tt.reasons, ",") {
				t.Fatalf("reasons %v, want %v (%s)", d.Reasons, tt.reasons, d.Detail)
			}
			if d.Allowed != (len(tt.reasons) == 0) {
				t.Fatalf("allowed=%v with reasons %v", d.Allowed, d.Reasons)
			}
			if tt.next != "" {
				if got := d.NextAllowedLocal.Format("2006-01-02 15:04"); got != tt.next {
					t.Fatalf("next allowed %s local, want %s (%s)", got, tt.next, d.Detail)
				}
				if !d.NextAllowedAt.Equal(local(t, tt.zone, tt.next)) || d.NextAllowedAt.Location() != time.UTC {
					t.Fatalf("next_allowed_at %v is not %s local in UTC", d.NextAllowedAt, tt.next)
				}
			}
		})
	}
}

func TestBlocksAndThirdParty(t *testing.T) {
	g := newTestGuard(t)
	at := local(t, "Europe/Moscow", "2026-11-23 12:00")
	for kind := range BlockKinds() {
		d, err := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Region: "Москва", Blocks: []string{kind}}, At: at, Channel: HumanCall, Policy: bare()})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed || d.Reason != ReasonBlocked || !d.NextAllowedAt.IsZero() || !strings.Contains(d.Detail, kind) {
			t.Errorf("block %s: %+v", kind, d)
		}
	}
	d, _ := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Region: "Москва"}, At: at, Channel: RobotCall, Policy: bare(), ThirdParty: true})
	if d.Allowed || d.Reason != ReasonThirdParty {
		t.Errorf("third party without consent allowed: %+v", d)
	}
	d, _ = g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Region: "Москва"}, At: at, Channel: RobotCall, Policy: bare(), ThirdParty: true, Consent: true})
	if !d.Allowed {
		t.Errorf("third party with consent denied: %s", d.Detail)
	}
	if _, err := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d", Blocks: []string{"vacation"}}, At: at, Channel: RobotCall}); err == nil {
		t.Error("unknown block kind accepted")
	}
}

func TestLocate(t *testing.T) {
	g := newTestGuard(t)
	tests := []struct {
		region, district string
		zones            string
		unknown          bool
	}{
		{"Республика Саха (Якутия)", "Оймяконский улус", "Asia/Ust-Nera", false},
		{"Якутия", "Среднеколымский", "Asia/Srednekolymsk", false},
		{"Республика Саха /Якутия/", "Мирнинский район", "Asia/Yakutsk", false},
		{"Республика Саха (Якутия)", "", "Asia/Yakutsk,Asia/Ust-Nera,Asia/Srednekolymsk", false},
		{"г. Москва * Московская область", "", "Europe/Moscow", false},
		{"Корякский округ|Камчатский край", "", "Asia/Kamchatka", false},
		{"Ханты - Мансийский - Югра АО", "", "Asia/Yekaterinburg", false},
		{"Российская Федерация", "", strings.Join(russianZones, ","), true},
		{"", "", strings.Join(russianZones, ","), true},
		{"Нарния", "", strings.Join(russianZones, ","), true}, // unreadable: unknown, not an error
	}
	for _, tt := range tests {
		loc, err := g.Locate(tt.region, tt.district, "")
		if err != nil {
			t.Fatalf("%q: %v", tt.region, err)
		}
		if got := strings.Join(loc.Zones, ","); got != tt.zones || loc.Unknown != tt.unknown {
			t.Errorf("%q/%q: zones %s unknown=%v, want %s unknown=%v", tt.region, tt.district, got, loc.Unknown, tt.zones, tt.unknown)
		}
	}
	if len(subjects) != 89 {
		t.Errorf("%d federal subjects, want 89", len(subjects))
	}
	seen := map[string]bool{}
	for _, s := range subjects {
		if seen[regionKey(s.name)] {
			t.Errorf("duplicate subject key %q", s.name)
		}
		seen[regionKey(s.name)] = true
		if _, err := time.LoadLocation(s.zone); err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
	}
}

func TestUnknownZoneIsIntersection(t *testing.T) {
	g := newTestGuard(t)
	tests := []struct {
		msk string
		ok  bool
	}{
		{"2026-11-23 08:59", false}, // Kaliningrad 07:59
		{"2026-11-23 09:00", true},  // Kaliningrad 08:00, Kamchatka 17:00
		{"2026-11-23 12:59", true},  // Kamchatka 21:59
		{"2026-11-23 13:00", false}, // Kamchatka 22:00
	}
	for _, tt := range tests {
		d, err := g.Check(context.Background(), Case{Debtor: CaseDebtor{ID: "d"}, At: local(t, "Europe/Moscow", tt.msk), Channel: RobotCall, Policy: bare()})
		if err != nil {
			t.Fatal(err)
		}
		if d.Allowed != tt.ok || (!tt.ok && d.Reason != ReasonUnknownTimezone) {
			t.Errorf("%s MSK: allowed=%v reason=%s, want %v", tt.msk, d.Allowed, d.Reason, tt.ok)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+79131234567", "+79131234567"},
		{"+7 (913) 123-45-67", "+79131234567"},
		{"89131234567", "+79131234567"},
		{"79131234567", "+79131234567"},
		{"9131234567", "+79131234567"},
		{"+7913123456", ""},
		{"+89131234567", ""},
		{"913123456a", ""},
		{"", ""},
		{"+70131234567", ""},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.want == "" {
			if err == nil || !strings.Contains(err.Error(), "parse phone") {
				t.Errorf("%q: got %q, %v; want an error", tt.in, got, err)
			} else if len(tt.in) > 4 && strings.Contains(err.Error(), tt.in[1:len(tt.in)-2]) {
				t.Errorf("%q: error %q shows the number", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if m := MaskPhone("+79131234567"); m != "+7 913 *** ** 67" {
		t.Errorf("mask: %q", m)
	}
}
