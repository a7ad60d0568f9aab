package report

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/store"
)

// CampaignSource is what the campaign report reads; *store.DB implements it.
type CampaignSource interface {
	Campaign(ctx context.Context, id string) (store.Campaign, error)
	CampaignDebtors(ctx context.Context, campaignID string) ([]store.ReportDebtor, error)
	CampaignCalls(ctx context.Context, campaignID string) ([]store.ReportCall, error)
	CampaignDenials(ctx context.Context, campaignID string) ([]store.ReportDenial, error)
}

// CampaignOptions shape a campaign report.
type CampaignOptions struct {
	// Now is when the report is made (shown on it; zero: time.Now).
	Now time.Time
	// RecordingLink makes a call's recording link (nil: the stored path, for
	// a report read on the machine that keeps the recordings; the API links
	// to its recording route instead). "" when the call has no recording.
	RecordingLink func(callID, path string) string
}

// The funnel's stages, in order. Each counts debtors, not calls: a debtor
// reached on their second phone is counted once.
const (
	StageDebtors    = "debtors"    // the campaign has tasks for them
	StageDialled    = "dialled"    // at least one call was placed
	StageAnswered   = "answered"   // a call was answered (by anyone or anything)
	StagePerson     = "person"     // a person, not a machine, answered
	StageIdentified = "identified" // the debtor confirmed who they are
	StagePromise    = "promise"    // promised to pay, or asked to restructure
	StageCallback   = "callback"   // asked to be called back
	StageMeeting    = "meeting"    // agreed a meeting
)

// Stage is one step of the funnel.
type Stage struct {
	Key, Label string
	Debtors    int
}

// Group is a call's result in the few words a chart shows: the stacked
// bars of the hour and zone charts have one series per group.
type Group int

// The groups, in the order the charts stack them.
const (
	GroupPerson  Group = iota // answered by a person
	GroupMachine              // answered by a machine, an assistant, a voice menu
	GroupBusy
	GroupNoAnswer
	GroupOther // rejected, unreachable, failed
	nGroups
)

var groupLabels = [nGroups]string{"Разговор с человеком", "Автоответчик, ассистент", "Занято", "Нет ответа", "Не дозвонились"}

// Label is the group's Russian name.
func (g Group) Label() string { return groupLabels[g] }

// Tally counts calls by group.
type Tally [nGroups]int

// Total is the number of calls in t.
func (t Tally) Total() int {
	n := 0
	for _, v := range t {
		n += v
	}
	return n
}

// HourRow is the calls placed in one hour of the debtors' local day.
type HourRow struct {
	Hour  int // 0–23, local to the debtor
	Calls Tally
}

// RegionRow is one region of the campaign's debtors.
type RegionRow struct {
	Region, Zone string // Zone: the region's time zone as UTC±hh:mm
	Debtors      int
	Identified   int // debtors of the region who confirmed who they are
	Calls        Tally
}

// ZoneRow is the calls to debtors in one time zone.
type ZoneRow struct {
	Zone  string // UTC±hh:mm
	Calls Tally
}

// Count is a count under a key with its Russian label.
type Count struct {
	Key, Label string
	Count      int
}

// TrunkRow is one trunk's use: calls, talk time and what they cost.
type TrunkRow struct {
	Trunk    string // "" shown as the default route
	Calls    int
	Answered int
	Talk     time.Duration
	CostKop  int64
}

// CallLine is one call as the report lists it: the phone masked, the time
// local to the debtor, what was said (numbers in it masked) and the link
// to its recording.
type CallLine struct {
	ID                 string
	At                 time.Time // UTC
	Local              string    // "2006-01-02 15:04 UTC+03:00" in the debtor's zone
	DebtorID, Name     string
	Phone              string // masked
	Region             string
	Trunk              string
	Result             string // the telephony result: answered, busy, no_answer, …
	SIPCode            int
	Class              string // the first-phrase class ("" when no verdict)
	Outcome            string // the dialogue's outcome ("" when not answered)
	Slots              string
	Duration           time.Duration
	CostKop            int64
	Transcript         string // one turn a line: "Робот: …" / "Абонент: …"
	Recording          string // link ("" when none)
	group              Group
	identified, person bool
}

// Campaign is the unified report of one campaign.
type Campaign struct {
	ID, Name, State string
	Created, Now    time.Time
	Debtors         int
	Funnel          []Stage
	ByHour          []HourRow // hours with calls, in order
	ByRegion        []RegionRow
	ByZone          []ZoneRow
	Denials         []Count // refusals by reason (one refusal may give several)
	DenialsTotal    int     // refusals, each once
	Classes         []Count // answered calls by first-phrase class
	Outcomes        []Count // answered calls by the dialogue's outcome
	Trunks          []TrunkRow
	Calls           []CallLine
	Total           TrunkRow // all trunks together
}

// BuildCampaign reads a campaign from src and computes its report.
func BuildCampaign(ctx context.Context, src CampaignSource, id string, opt CampaignOptions) (*Campaign, error) {
	var debtors []store.ReportDebtor
	var calls []store.ReportCall
	var denials []store.ReportDenial
	c, err := src.Campaign(ctx, id)
	if err == nil {
		debtors, err = src.CampaignDebtors(ctx, id)
	}
	if err == nil {
		calls, err = src.CampaignCalls(ctx, id)
	}
	if err == nil {
		denials, err = src.CampaignDenials(ctx, id)
	}
	if err != nil {
		return nil, fmt.Errorf("campaign report %s: %w", id, err)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	r := &Campaign{ID: c.ID, Name: c.Name, State: c.State, Created: c.CreatedAt, Now: opt.Now, Debtors: len(debtors)}
	r.addCalls(debtors, calls, opt)
	r.addDenials(denials)
	return r, nil
}

// personClass is the first-phrase class of a person speaking.
const personClass = "human"

// notPerson are outcomes a dialogue ends with when no person spoke: they
// decide a call that has no stored verdict.
var notPerson = map[string]bool{"": true, "machine": true, "assistant": true, "failed": true}

// identifiedOutcomes are the outcomes a script reaches only after the
// debtor confirmed who they are (a callback or a refusal may come before).
var identifiedOutcomes = map[string]bool{"identified": true, "promise_to_pay": true, "restructuring": true, "meeting": true, "transfer": true}

// resultStage is the funnel's last three stages by outcome.
var resultStage = map[string]string{"promise_to_pay": StagePromise, "restructuring": StagePromise, "callback": StageCallback, "meeting": StageMeeting}

func (r *Campaign) addCalls(debtors []store.ReportDebtor, calls []store.ReportCall, opt CampaignOptions) {
	type debtorState struct {
		d      store.ReportDebtor
		zone   *time.Location
		stages map[string]bool
	}
	// compliance.DialogueZone indexes every region each time it is asked:
	// once per region, not per debtor (5,000 debtors took 1.4 s of it)
	zoneOf := map[string]*time.Location{}
	zone := func(region string) *time.Location {
		z, ok := zoneOf[region]
		if !ok {
			z = compliance.DialogueZone(region)
			zoneOf[region] = z
		}
		return z
	}
	byID := make(map[string]*debtorState, len(debtors))
	for _, d := range debtors {
		byID[d.ID] = &debtorState{d: d, zone: zone(d.Region), stages: map[string]bool{StageDebtors: true}}
	}
	hours := map[int]*HourRow{}
	regions := map[string]*RegionRow{}
	zones := map[string]*ZoneRow{}
	classes, outcomes := map[string]int{}, map[string]int{}
	trunks := map[string]*TrunkRow{}
	for _, d := range byID {
		rr := regions[d.d.Region]
		if rr == nil {
			rr = &RegionRow{Region: d.d.Region, Zone: zoneName(d.zone, r.Created)}
			regions[d.d.Region] = rr
		}
		rr.Debtors++
	}
	for _, c := range calls {
		d := byID[c.DebtorID]
		if d == nil { // a task's debtor deleted since: still a call of the campaign
			d = &debtorState{d: store.ReportDebtor{ID: c.DebtorID}, zone: zone(""), stages: map[string]bool{}}
			byID[c.DebtorID] = d
		}
		line := r.callLine(c, d.d, d.zone, opt)
		d.stages[StageDialled] = true
		if c.Result == "answered" {
			d.stages[StageAnswered] = true
			classes[classKey(c)]++
			outcomes[c.Outcome]++
		}
		if line.person {
			d.stages[StagePerson] = true
		}
		if line.identified {
			d.stages[StageIdentified] = true
		}
		if s, ok := resultStage[c.Outcome]; ok {
			d.stages[s] = true
		}
		local := c.At.In(d.zone)
		h := hours[local.Hour()]
		if h == nil {
			h = &HourRow{Hour: local.Hour()}
			hours[local.Hour()] = h
		}
		h.Calls[line.group]++
		if rr := regions[d.d.Region]; rr != nil {
			rr.Calls[line.group]++
		}
		zn := zoneName(d.zone, c.At)
		z := zones[zn]
		if z == nil {
			z = &ZoneRow{Zone: zn}
			zones[zn] = z
		}
		z.Calls[line.group]++
		t := trunks[c.Trunk]
		if t == nil {
			t = &TrunkRow{Trunk: c.Trunk}
			trunks[c.Trunk] = t
		}
		for _, t := range []*TrunkRow{t, &r.Total} {
			t.Calls++
			t.Talk += c.Duration
			t.CostKop += c.CostKop
			if c.Result == "answered" {
				t.Answered++
			}
		}
		r.Calls = append(r.Calls, line)
	}
	for _, key := range []string{StageDebtors, StageDialled, StageAnswered, StagePerson, StageIdentified, StagePromise, StageCallback, StageMeeting} {
		n := 0
		for _, d := range byID {
			if d.stages[key] {
				n++
			}
		}
		r.Funnel = append(r.Funnel, Stage{Key: key, Label: stageLabels[key], Debtors: n})
	}
	for _, d := range byID {
		if rr := regions[d.d.Region]; rr != nil && d.stages[StageIdentified] {
			rr.Identified++
		}
	}
	for _, k := range slices.Sorted(maps.Keys(hours)) {
		r.ByHour = append(r.ByHour, *hours[k])
	}
	for _, k := range slices.Sorted(maps.Keys(regions)) {
		r.ByRegion = append(r.ByRegion, *regions[k])
	}
	for _, k := range slices.SortedFunc(maps.Keys(zones), func(a, b string) int { return cmp.Compare(zoneOrder(a), zoneOrder(b)) }) {
		r.ByZone = append(r.ByZone, *zones[k])
	}
	r.Classes = counted(classes, classLabels)
	r.Outcomes = counted(outcomes, outcomeLabels)
	for _, k := range slices.Sorted(maps.Keys(trunks)) {
		r.Trunks = append(r.Trunks, *trunks[k])
	}
}

func (r *Campaign) addDenials(denials []store.ReportDenial) {
	by := map[string]int{}
	for _, d := range denials {
		r.DenialsTotal += d.Count
		if len(d.Reasons) == 0 {
			by["unknown"] += d.Count
		}
		for _, reason := range d.Reasons {
			by[reason] += d.Count
		}
	}
	r.Denials = counted(by, reasonLabels)
}

// callLine is one call as the report shows it, with its group.
func (r *Campaign) callLine(c store.ReportCall, d store.ReportDebtor, zone *time.Location, opt CampaignOptions) CallLine {
	l := CallLine{ID: c.CallID, At: c.At, Local: c.At.In(zone).Format("2006-01-02 15:04 ") + zoneName(zone, c.At), DebtorID: c.DebtorID, Name: d.Name,
		Phone: phonenum.Mask(c.Phone), Region: d.Region, Trunk: c.Trunk, SIPCode: c.SIPCode, Outcome: c.Outcome, Duration: c.Duration, CostKop: c.CostKop}
	l.Result, l.Class = c.Result, classKey(c)
	switch c.Result {
	case "busy":
		l.group = GroupBusy
	case "no_answer":
		l.group = GroupNoAnswer
	default:
		l.group = GroupOther
	case "answered":
		l.person = classKey(c) == personClass || (c.Detection == nil && !notPerson[c.Outcome])
		l.identified = identifiedOutcomes[c.Outcome]
		l.group = GroupMachine
		if l.person {
			l.group = GroupPerson
		}
	}
	l.Slots = slotsLine(c.Slots)
	var tr []string
	for _, t := range c.Turns {
		who := "Робот"
		if t.Who != "robot" {
			who = "Абонент"
		}
		text := t.Text
		if t.Kind != "say" && t.Kind != "speech" {
			text = "[" + t.Kind + "] " + text
		}
		tr = append(tr, who+": "+events.MaskNumbers(text))
	}
	l.Transcript = strings.Join(tr, "\n")
	if c.RecordingPath != "" {
		l.Recording = c.RecordingPath
		if opt.RecordingLink != nil {
			l.Recording = opt.RecordingLink(c.CallID, c.RecordingPath)
		}
	}
	return l
}

// ResultText is the call's result in Russian: the dialogue's outcome when
// answered, else the telephony result.
func (l CallLine) ResultText() string {
	if l.Result == "answered" {
		return label(outcomeLabels, l.Outcome)
	}
	return label(resultLabels, l.Result)
}

// ClassText is the first-phrase class in Russian ("" when not answered).
func (l CallLine) ClassText() string {
	if l.Result != "answered" {
		return ""
	}
	return label(classLabels, l.Class)
}

// slotsLine is the slots a supervisor acts on (SlotsText) as "k=v, …",
// numbers in them masked: a place or a transfer target may hold a phone.
// Dates and times stay whole (they are not numbers anyone dials).
func slotsLine(slots map[string]string) string {
	shown := make(map[string]string, len(slots))
	for k, v := range slots {
		shown[k] = v
		if _, err := time.Parse(time.RFC3339, v); err != nil {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				shown[k] = events.MaskNumbers(v)
			}
		}
	}
	return strings.TrimSuffix(strings.TrimPrefix(SlotsText(shown), " ("), ")")
}

// classKey is the call's first-phrase class ("" when it has no verdict).
func classKey(c store.ReportCall) string {
	if c.Detection == nil {
		return ""
	}
	return c.Detection.Class
}

// zoneName is loc's offset at t as UTC±hh:mm: agencies speak of zones by
// offset (МСК+4), and IANA names would split one offset into many rows.
func zoneName(loc *time.Location, t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	_, off := t.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
}

// zoneOrder sorts zone names west to east.
func zoneOrder(name string) int {
	var h, m int
	sign := 1
	rest := strings.TrimPrefix(name, "UTC")
	if strings.HasPrefix(rest, "-") {
		sign = -1
	}
	fmt.Sscanf(rest[1:], "%d:%d", &h, &m)
	return sign * (h*60 + m)
}

// counted turns a count map into rows, most first, ties by key.
func counted(m map[string]int, labels map[string]string) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, Label: label(labels, k), Count: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
	return out
}

// label is key's Russian label, or the key itself when it has none (a
// reason or outcome added after this table).
func label(labels map[string]string, key string) string {
	if l, ok := labels[key]; ok {
		return l
	}
	return key
}

var stageLabels = map[string]string{
	StageDebtors: "Должники", StageDialled: "Набраны", StageAnswered: "Ответили", StagePerson: "Ответил человек",
	StageIdentified: "Личность подтверждена", StagePromise: "Обещание оплаты", StageCallback: "Перезвонить", StageMeeting: "Встреча",
}

var classLabels = map[string]string{
	"": "Нет вердикта", "human": "Человек", "voice_assistant": "Голосовой ассистент", "machine": "Автоответчик",
	"announcement": "Сообщение оператора", "silence": "Тишина", "ivr": "Голосовое меню", "fax": "Факс",
}

var outcomeLabels = map[string]string{
	"": "Без исхода", "identified": "Личность подтверждена", "wrong_person": "Не тот человек", "third_party": "Третье лицо",
	"callback": "Перезвонить", "promise_to_pay": "Обещание оплаты", "restructuring": "Реструктуризация", "meeting": "Встреча",
	"refused": "Отказ от взаимодействия", "transfer": "Перевод на оператора", "no_input": "Нет ответа в диалоге",
	"unrecognized": "Не распознано", "hangup": "Положил трубку", "assistant": "Голосовой ассистент", "machine": "Автоответчик",
	"failed": "Сбой",
}

var resultLabels = map[string]string{
	"answered": "Ответ", "busy": "Занято", "no_answer": "Нет ответа", "rejected": "Отклонён", "unreachable": "Недоступен",
	"failed": "Сбой", "cancelled": "Отменён", "denied": "Запрет 230-ФЗ", "error": "Ошибка",
}

var reasonLabels = map[string]string{
	"blocked": "Запрет или отказ должника", "third_party_no_consent": "Третье лицо без согласия", "window": "Вне разрешённых часов",
	"unknown_timezone": "Неизвестный часовой пояс", "limit_day": "Лимит за сутки", "limit_week": "Лимит за неделю",
	"limit_month": "Лимит за месяц", "attempts": "Лимит попыток", "unknown": "Причина не записана",
}
