package events

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/dozvon/dozvon/callflow"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// Envelope is every message of the stream, stored and sent alike.
type Envelope struct {
	Type     string          `json:"type"`
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	Campaign string          `json:"campaign"`
	Call     string          `json:"call"`
	Debtor   string          `json:"debtor,omitempty"`
	Data     json.RawMessage `json:"data"`
}

// Envelope types.
const (
	TypeCallStatus       = "call.status"       // StatusData
	TypeCallVerdict      = "call.verdict"      // VerdictData
	TypeCallTurn         = "call.turn"         // TurnData
	TypeCallOutcome      = "call.outcome"      // OutcomeData
	TypeCallHandOff      = "call.handoff"      // HandOffData: a collector answered a hand-off or click-to-call (the screen pop)
	TypeCallQueued       = "call.queued"       // QueuedData: an inbound caller waits in the line for a collector
	TypeCampaignProgress = "campaign.progress" // ProgressData: serve's campaign runner, at most once a second per campaign
	TypeCampaignDone     = "campaign.done"     // ProgressData: once, when the campaign is marked done
	TypeCallbackDue      = "callback.due"      // CallbackDueData: serve's callback watch, once per due callback
)

// Call statuses, named as jambonz names them so its users read them at once.
const (
	StatusTrying     = "trying"
	StatusRinging    = "ringing"
	StatusEarlyMedia = "early-media" // callflow has no event for it yet
	StatusInProgress = "in-progress"
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusNoAnswer   = "no-answer"
	StatusBusy       = "busy"
)

// StatusData is a call.status event's data.
type StatusData struct {
	Status    string `json:"status"`
	Direction string `json:"direction,omitempty"`
	Result    string `json:"result,omitempty"` // Ended: telephony's finer result (rejected, unreachable…)
	SIPCode   int    `json:"sip_code,omitempty"`
}

// VerdictData is a call.verdict event's data: Verdict is what Twilio AMD
// users expect (human, machine, voice_assistant, announcement, unknown);
// Class is detect's finer class.
type VerdictData struct {
	Verdict     string   `json:"verdict"`
	Class       string   `json:"class"`
	Confidence  float64  `json:"confidence"`
	Settled     bool     `json:"settled"`
	Provisional string   `json:"provisional,omitempty"`
	Evidence    []string `json:"evidence,omitempty"`
}

// TurnData is a call.turn event's data.
type TurnData struct {
	Seq      int    `json:"seq"`
	Node     string `json:"node,omitempty"`
	Who      string `json:"who"`
	Kind     string `json:"kind"`
	Text     string `json:"text"`
	Intent   string `json:"intent,omitempty"`
	BargedIn bool   `json:"barged_in,omitempty"`
}

// OutcomeData is a call.outcome event's data.
type OutcomeData struct {
	Outcome string            `json:"outcome"`
	Slots   map[string]string `json:"slots,omitempty"`
}

// HandOffData is a call.handoff event's data: who took the call and what
// was said so far, for the collector's screen pop. Numbers dictated in the
// transcript are masked as in call.turn.
type HandOffData struct {
	Collector  string     `json:"collector"`
	Transcript []TurnData `json:"transcript"`
}

// QueuedData is a call.queued event's data: the caller's place in the
// inbound line (1: next), sent each time they hear it.
type QueuedData struct {
	Position int `json:"position"`
}

// CampaignCounters is a campaign's live progress, from its tasks: the
// "counters" of GET /api/v1/campaigns/{id} (api.CampaignCounters is this
// type) and, with the state, the data of campaign.progress.
type CampaignCounters struct {
	Tasks    int            `json:"tasks"`
	Due      int            `json:"due"`
	Waiting  int            `json:"waiting"`
	InFlight int            `json:"in_flight"`
	Done     int            `json:"done"`
	Calls    int            `json:"calls"`
	Outcomes map[string]int `json:"outcomes"`
}

// CountersOf is the store's counters as the API and the stream show them.
func CountersOf(c store.CampaignCounters) CampaignCounters {
	out := CampaignCounters{Tasks: c.Tasks, Due: c.Due, Waiting: c.Waiting, InFlight: c.InFlight, Done: c.Finished, Calls: c.Attempts, Outcomes: c.Outcomes}
	if out.Outcomes == nil {
		out.Outcomes = map[string]int{}
	}
	return out
}

// ProgressData is a campaign.progress or campaign.done event's data: the
// campaign's state and its counters, side by side in one object.
type ProgressData struct {
	State string `json:"state"`
	CampaignCounters
}

// Progress is a campaign's progress from its state and its tasks' counters.
func Progress(state string, c store.CampaignCounters) ProgressData {
	return ProgressData{State: state, CampaignCounters: CountersOf(c)}
}

// Envelope is d as campaign's event: campaign.done when done, else
// campaign.progress. It names no debtor, so a collector's stream never
// shows it.
func (d ProgressData) Envelope(campaign string, done bool, at time.Time) (Envelope, error) {
	env := Envelope{Type: TypeCampaignProgress, At: at.UTC(), Campaign: campaign}
	if done {
		env.Type = TypeCampaignDone
	}
	b, err := json.Marshal(d)
	if err != nil {
		return Envelope{}, fmt.Errorf("progress of campaign %s: %w", campaign, err)
	}
	env.Data = b
	return env, nil
}

// CallbackDueData is a callback.due event's data: a call the debtor asked
// for is due now. The phone is masked: whoever calls back does it through
// the hand-off, never by dialling a number they were shown.
type CallbackDueData struct {
	Task     int64     `json:"task"`
	DueAt    time.Time `json:"due_at"`
	Phone    string    `json:"phone"`
	PinnedTo string    `json:"pinned_to,omitempty"`
	Attempts int       `json:"attempts"`
}

// CallbackDue is the callback.due event of task t. Its envelope names the
// debtor, so a collector sees only their own debtors' callbacks.
func CallbackDue(t store.Task, at time.Time) (Envelope, error) {
	b, err := json.Marshal(CallbackDueData{Task: t.ID, DueAt: t.DueAt.UTC(), Phone: phonenum.Mask(t.Phone), PinnedTo: t.PinnedTo, Attempts: t.Attempts})
	if err != nil {
		return Envelope{}, fmt.Errorf("callback due of task %d: %w", t.ID, err)
	}
	return Envelope{Type: TypeCallbackDue, At: at.UTC(), Campaign: t.CampaignID, Debtor: t.DebtorID, Data: b}, nil
}

// FromCall maps one callflow event to its envelope (Seq 0: the store
// assigns it). ok is false for an event that has nothing to show.
func FromCall(e callflow.Event) (env Envelope, ok bool, err error) {
	env = Envelope{At: e.At.UTC(), Campaign: e.Campaign, Call: e.CallID, Debtor: e.DebtorID}
	var data any
	switch e.Kind {
	case callflow.Started:
		env.Type, data = TypeCallStatus, StatusData{Status: StatusTrying, Direction: e.Direction}
	case callflow.Ringing:
		env.Type, data = TypeCallStatus, StatusData{Status: StatusRinging, Direction: e.Direction}
	case callflow.Answered:
		env.Type, data = TypeCallStatus, StatusData{Status: StatusInProgress, Direction: e.Direction}
	case callflow.Ended:
		env.Type, data = TypeCallStatus, StatusData{Status: endStatus(e.Result), Direction: e.Direction, Result: e.Result, SIPCode: e.SIPCode}
	case callflow.Verdict:
		if e.Detection == nil {
			return env, false, nil
		}
		env.Type, data = TypeCallVerdict, verdictData(*e.Detection)
	case callflow.TurnTook:
		if e.Turn == nil {
			return env, false, nil
		}
		env.Type, data = TypeCallTurn, turnData(*e.Turn)
	case callflow.Outcome:
		env.Type, data = TypeCallOutcome, OutcomeData{Outcome: e.Outcome, Slots: maskSlots(e.Slots)}
	case callflow.HandOffAnswered:
		d := HandOffData{Collector: e.Collector, Transcript: make([]TurnData, 0, len(e.Transcript))}
		for _, t := range e.Transcript {
			d.Transcript = append(d.Transcript, turnData(t))
		}
		env.Type, data = TypeCallHandOff, d
	case callflow.Queued:
		env.Type, data = TypeCallQueued, QueuedData{Position: e.Position}
	default:
		return env, false, nil
	}
	b, err := json.Marshal(data)
	if err != nil {
		return env, false, fmt.Errorf("event %s of call %s: %w", e.Kind, e.CallID, err)
	}
	env.Data = b
	return env, true, nil
}

// turnData is a turn as the stream shows it: dictated numbers masked.
func turnData(t robot.Turn) TurnData {
	return TurnData{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: MaskNumbers(t.Text), Intent: t.Intent, BargedIn: t.BargedIn}
}

// endStatus maps telephony's result to the jambonz status of an ended call.
func endStatus(result string) string {
	switch telephony.Result(result) {
	case telephony.Answered:
		return StatusCompleted
	case telephony.Busy:
		return StatusBusy
	case telephony.NoAnswer:
		return StatusNoAnswer
	default: // rejected, unreachable, failed, cancelled: Result says which
		return StatusFailed
	}
}

func verdictData(d detect.Decision) VerdictData {
	v := VerdictData{Class: string(d.Class), Confidence: d.Confidence, Settled: d.Settled, Provisional: string(d.Provisional)}
	v.Verdict = coarseVerdict(d.Class)
	for _, s := range d.Evidence {
		v.Evidence = append(v.Evidence, MaskNumbers(s))
	}
	return v
}

// coarseVerdict folds detect's classes into the four an AMD user knows.
func coarseVerdict(c detect.Class) string {
	switch c {
	case detect.Human, detect.VoiceAssistant, detect.Announcement, detect.Machine:
		return string(c)
	case detect.IVR, detect.Fax:
		return string(detect.Machine)
	default: // silence, or a class added later
		return "unknown"
	}
}

// numberish is a run of seven or more digits, perhaps with the separators
// people dictate a phone number with.
var numberish = regexp.MustCompile(`\+?\d(?:[\s\-().]*\d){6,}`)

// MaskNumbers hides every digit but the last two of anything in s that may
// be a phone number (a caller may dictate a new one; it is never sent).
// Shorter runs (sums, dates, DTMF choices) stay as they are; numbers said
// back to back may be masked together, the safe way to be wrong.
func MaskNumbers(s string) string {
	return numberish.ReplaceAllStringFunc(s, func(m string) string {
		var d []byte
		for i := 0; i < len(m); i++ {
			if m[i] >= '0' && m[i] <= '9' {
				d = append(d, m[i])
			}
		}
		return "***" + string(d[len(d)-2:])
	})
}

func maskSlots(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		if k == callflow.SlotFirstAudio {
			continue // a path on the server: viewers get recordings through the API
		}
		out[k] = MaskNumbers(v)
	}
	return out
}
