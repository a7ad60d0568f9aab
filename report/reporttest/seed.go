// Package reporttest stores a small campaign whose report is known, for the
// tests of the report and of the doors that serve it (API, CLI). It writes
// through the store's own API, as the scheduler and the call path do.
package reporttest

import (
	"context"
	"fmt"
	"time"

	"github.com/dozvon/dozvon/store"
)

// Campaign is the seeded campaign's ID.
const Campaign = "c-report"

// Created is when the seeded campaign was created: calls start here, five
// minutes apart.
var Created = time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)

// SpokenNumber is a phone number a callee dictates in one transcript: no
// output may show it whole.
const SpokenNumber = "+7 913 765 43 21"

// call is one planned call of a phone.
type call struct {
	result, class, outcome, trunk string
	sip                           int
	costKop                       int64
	talk                          time.Duration
	slots                         map[string]string
	turns                         []store.TurnRecord
}

// phone is a debtor's number and the calls made to it, in order.
type phone struct {
	number string
	calls  []call
}

type debtor struct {
	id, name, region string
	phones           []phone
}

var turnsIdentified = []store.TurnRecord{
	{Node: "greet", Who: "robot", Kind: "say", Text: "Здравствуйте! Это Иван Иванович?"},
	{Node: "greet", Who: "caller", Kind: "speech", Text: "да, это я", Intent: "yes"},
	{Node: "pay", Who: "caller", Kind: "speech", Text: "заплачу в пятницу, запишите мой новый номер " + SpokenNumber, Intent: "promise"},
}

// debtors is the campaign. The report's expected figures (Want) follow
// from it; the comments say which stage each debtor reaches.
var debtors = []debtor{
	// two phones: a machine, then the debtor himself who promises to pay
	{"D1", "Иванов Иван Иванович", "г. Москва", []phone{
		{"+79131234501", []call{{result: "answered", class: "machine", outcome: "machine", trunk: "mts", sip: 200, costKop: 150, talk: 12 * time.Second}}},
		{"+79131234502", []call{{result: "answered", class: "human", outcome: "promise_to_pay", trunk: "mts", sip: 200, costKop: 300, talk: time.Minute,
			slots: map[string]string{"promise_at": "2026-11-27", "amount": "5000", "first_audio": "/var/rec/x.first5s.wav"}, turns: turnsIdentified}}},
	}},
	// busy, then a person who asks to be called back (not identified)
	{"D2", "Петрова Анна Сергеевна", "Новосибирская область", []phone{
		{"+79131234503", []call{{result: "busy", trunk: "beeline", sip: 486},
			{result: "answered", class: "human", outcome: "callback", trunk: "beeline", sip: 200, costKop: 200, talk: 30 * time.Second,
				slots: map[string]string{"callback_at": "2026-11-25T10:00:00+07:00"}}}},
	}},
	// no answer, then a person with no stored verdict: a wrong person
	{"D3", "Сидоров Пётр Петрович", "Новосибирская область", []phone{
		{"+79131234504", []call{{result: "no_answer", sip: 480}, {result: "answered", outcome: "wrong_person", sip: 200, talk: 9 * time.Second}}},
	}},
	// a voice assistant answers: answered, no person
	{"D4", "Кузнецов Олег Викторович", "г. Москва", []phone{
		{"+79131234505", []call{{result: "answered", class: "voice_assistant", outcome: "assistant", sip: 200, talk: 7 * time.Second}}},
	}},
	// never dialled: the guard refused every time (see denials)
	{"D5", "Смирнова Мария Ивановна", "Камчатский край", []phone{{"+79131234506", nil}}},
	// the trunk failed
	{"D6", "Волков Денис Андреевич", "г. Москва", []phone{{"+79131234507", []call{{result: "failed", sip: 503}}}}},
}

// Phones are every full number of the campaign's debtors.
func Phones() []string {
	var out []string
	for _, d := range debtors {
		for _, p := range d.phones {
			out = append(out, p.number)
		}
	}
	return out
}

// Want are the seeded campaign's figures, as a reader counts them.
var Want = struct {
	Funnel                     map[string]int // stage → debtors
	Calls, Answered            int
	CostKop                    int64
	Denials                    map[string]int // reason → refusals
	DenialsTotal               int
	TrunkCalls                 map[string]int
	Recordings                 int // calls with a recording
	ByHourPersons, ByHourCalls map[int]int
}{
	Funnel: map[string]int{"debtors": 6, "dialled": 5, "answered": 4, "person": 3, "identified": 1, "promise": 1, "callback": 1, "meeting": 0},
	Calls:  8, Answered: 5, CostKop: 650,
	Denials:      map[string]int{"window": 2, "limit_day": 1, "attempts": 1},
	DenialsTotal: 3,
	TrunkCalls:   map[string]int{"mts": 2, "beeline": 2, "": 4},
	Recordings:   5,
	// local hours: Moscow (UTC+3) calls at 09, Novosibirsk (UTC+7) at 13
	ByHourCalls:   map[int]int{9: 4, 13: 4},
	ByHourPersons: map[int]int{9: 1, 13: 2},
}

// Seed stores the campaign in db (debtors, tasks, calls with their turns,
// the guard's audit), plus what the report must leave out: another
// campaign's task, refusals before the campaign, of another debtor, of a
// human call, and an allowed reservation.
func Seed(ctx context.Context, db *store.DB) error {
	if err := db.SaveCampaign(ctx, store.Campaign{ID: Campaign, Name: "Проверка номеров", CreatedAt: Created}); err != nil {
		return err
	}
	if err := db.SaveCampaign(ctx, store.Campaign{ID: "c-other", Name: "other", CreatedAt: Created}); err != nil {
		return err
	}
	tick := Created
	n := 0
	for _, d := range debtors {
		var numbers []string
		for _, p := range d.phones {
			numbers = append(numbers, p.number)
		}
		if err := db.UpsertDebtor(ctx, store.Debtor{ID: d.id, Name: d.name, Region: d.region, Phones: numbers}); err != nil {
			return err
		}
		for pos, p := range d.phones {
			due := tick
			if len(p.calls) == 0 {
				due = Created.AddDate(1, 0, 0)
			}
			if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: Campaign, DebtorID: d.id, Phone: p.number, Position: pos, DueAt: due}}); err != nil {
				return err
			}
			for k, c := range p.calls {
				n++
				next := Created.AddDate(1, 0, 0) // parked: never leased again
				if k < len(p.calls)-1 {
					next = tick.Add(5 * time.Minute)
				}
				if err := place(ctx, db, p.number, fmt.Sprintf("call-%02d", n), tick, next, c); err != nil {
					return fmt.Errorf("seed %s call %d: %w", d.id, n, err)
				}
				tick = tick.Add(5 * time.Minute)
			}
		}
	}
	// D1 is in another campaign too: its task there is not this report's
	if _, err := db.AddTasks(ctx, []store.Task{{CampaignID: "c-other", DebtorID: "D1", Phone: "+79131234501", DueAt: Created.AddDate(1, 0, 0)}}); err != nil {
		return err
	}
	return audit(ctx, db)
}

// place leases the phone's task at "at", stores the call and finishes the
// task (pending again at next).
func place(ctx context.Context, db *store.DB, number, id string, at, next time.Time, c call) error {
	leased, err := db.LeaseTasks(ctx, Campaign, at, 1, "seed", time.Minute)
	if err != nil {
		return err
	}
	if len(leased) != 1 || leased[0].Phone != number {
		return fmt.Errorf("leased %v, want the task of %s", leased, number)
	}
	rec := store.CallRecord{ID: id, Direction: "outbound", From: "74950000000", To: number, Trunk: c.trunk, Started: at, Ended: at.Add(c.talk),
		Result: c.result, SIPCode: c.sip, Outcome: c.outcome, Slots: c.slots, CostKop: c.costKop, Turns: c.turns, ScriptName: "verify_contact"}
	if c.result == "answered" {
		rec.Answered, rec.RecordingPath = at.Add(2*time.Second), "/var/rec/"+id+".wav"
	}
	if c.class != "" {
		rec.Detection = &store.DetectionRecord{Class: c.class, Confidence: 0.9}
	}
	if err := db.SaveCall(ctx, rec); err != nil {
		return err
	}
	return db.FinishTask(ctx, leased[0].ID, "seed", at, store.TaskUpdate{State: store.TaskPending, DueAt: next, Attempted: true, LastResult: c.result,
		Outcome: c.outcome, Call: &store.TaskCall{CallID: id, At: at, Result: c.result, Outcome: c.outcome, Duration: c.talk, CostKop: c.costKop,
			Trunk: c.trunk, RecordingPath: rec.RecordingPath}})
}

// audit writes the guard's decisions: three refusals of D5's robot calls
// count; the others do not.
func audit(ctx context.Context, db *store.DB) error {
	for _, a := range []struct {
		debtor  string
		at      time.Time
		allowed bool
		channel string
		reasons []string
	}{
		{"D5", Created.Add(time.Minute), false, "robot_call", []string{"window"}},
		{"D5", Created.Add(2 * time.Hour), false, "robot_call", []string{"window"}},
		{"D5", Created.Add(3 * time.Hour), false, "robot_call", []string{"limit_day", "attempts"}},
		{"D5", Created.Add(3 * time.Hour), false, "human_call", []string{"limit_day"}}, // a collector's call
		{"D5", Created.Add(4 * time.Hour), true, "robot_call", nil},                    // allowed
		{"D1", Created.Add(-time.Hour), false, "robot_call", []string{"window"}},       // before the campaign
		{"D9", Created.Add(time.Hour), false, "robot_call", []string{"blocked"}},       // not the campaign's debtor
	} {
		err := db.WithDebtor(ctx, a.debtor, func(tx *store.Tx) error {
			reason := ""
			if len(a.reasons) > 0 {
				reason = a.reasons[0]
			}
			return tx.Audit(ctx, store.AuditRecord{At: a.at, Action: "reserve", Allowed: a.allowed, Reason: reason, Reasons: a.reasons, Channel: a.channel})
		})
		if err != nil {
			return err
		}
	}
	return nil
}
