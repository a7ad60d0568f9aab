package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The campaign report's reads (package report). They return whole
// campaigns, unscoped: the report is for supervisors, admins and
// integrations, never for a collector, so no collector filter exists here.

// ReportDebtor is a debtor of a campaign: who, where, and how many of their
// phones the campaign has.
type ReportDebtor struct {
	ID, Name, Region string
	Phones           int
}

// CampaignDebtors lists the debtors a campaign has tasks for, by id.
func (db *DB) CampaignDebtors(ctx context.Context, campaignID string) ([]ReportDebtor, error) {
	return queryAll(ctx, db, "campaign debtors "+campaignID, func(sc interface{ Scan(...any) error }) (ReportDebtor, error) {
		var d ReportDebtor
		err := sc.Scan(&d.ID, &d.Name, &d.Region, &d.Phones)
		return d, err
	}, `SELECT t.debtor_id, COALESCE(MAX(d.name), ''), COALESCE(MAX(d.region), ''), COUNT(*)
		FROM tasks t LEFT JOIN debtors d ON d.id = t.debtor_id WHERE t.campaign_id = ? GROUP BY t.debtor_id ORDER BY t.debtor_id`, campaignID)
}

// ReportCall is one call a campaign's task made, with what the call core
// stored of it. Phone is the full number: the report masks it.
type ReportCall struct {
	CallID          string
	DebtorID, Phone string
	At              time.Time // when the task placed it (the scheduler's clock)
	Result, Outcome string    // as the task recorded them
	Duration        time.Duration
	CostKop         int64
	Trunk           string
	RecordingPath   string
	SIPCode         int
	Started, Ended  time.Time // zero when the call core stored no record
	Answered        time.Time
	Slots           map[string]string
	Detection       *DetectionRecord
	Turns           []TurnRecord
	ScriptName      string
	ScriptVersion   string
	Stored          bool // the calls table has the call (a task may name one the call core never saved)
}

// CampaignCalls lists every call of a campaign's tasks, oldest first, with
// each call's stored record and turns when there is one. Cost, trunk and
// recording come from the call's record, else from the task's note of it.
func (db *DB) CampaignCalls(ctx context.Context, campaignID string) ([]ReportCall, error) {
	op := "campaign calls " + campaignID
	out, err := queryAll(ctx, db, op, scanReportCall, `SELECT tc.call_id, t.debtor_id, t.phone, tc.at, tc.result, tc.outcome, tc.duration_ms,
			COALESCE(c.cost_kop, tc.cost_kop), COALESCE(NULLIF(c.trunk, ''), tc.trunk), COALESCE(NULLIF(c.recording_path, ''), tc.recording_path),
			COALESCE(c.sip_code, 0), COALESCE(c.started, 0), COALESCE(c.answered, 0), COALESCE(c.ended, 0), COALESCE(c.slots, ''),
			COALESCE(c.detection, ''), COALESCE(c.script_name, ''), COALESCE(c.script_version, ''), c.id IS NOT NULL
		FROM task_calls tc JOIN tasks t ON t.id = tc.task_id LEFT JOIN calls c ON c.id = tc.call_id
		WHERE t.campaign_id = ? ORDER BY tc.at, t.id, tc.seq`, campaignID)
	if err != nil {
		return nil, err
	}
	// the turns of all the calls in one query: one a call would be thousands for a big sweep
	turns, err := queryAll(ctx, db, op+": turns", func(sc interface{ Scan(...any) error }) (callTurn, error) {
		var ct callTurn
		var start, end int64
		var barged int
		var ts string
		t := &ct.turn
		if err := sc.Scan(&ct.callID, &t.Seq, &t.Node, &t.Who, &t.Kind, &t.Text, &t.Intent, &ts, &start, &end, &barged); err != nil {
			return ct, err
		}
		t.Start, t.End, t.BargedIn = fromNS(start), fromNS(end), barged == 1
		var err error
		if t.Slots, err = parseSlots(ts); err != nil {
			return ct, fmt.Errorf("call %s turn %d: slots: %w", ct.callID, t.Seq, err)
		}
		return ct, nil
	}, `SELECT ct.call_id, ct.seq, ct.node, ct.who, ct.kind, ct.text, ct.intent, ct.slots, ct.start_at, ct.end_at, ct.barged_in
		FROM call_turns ct WHERE ct.call_id IN (SELECT tc.call_id FROM task_calls tc JOIN tasks t ON t.id = tc.task_id WHERE t.campaign_id = ?)
		ORDER BY ct.call_id, ct.seq`, campaignID)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(out))
	for i, c := range out {
		index[c.CallID] = i
	}
	for _, ct := range turns {
		if i, ok := index[ct.callID]; ok {
			out[i].Turns = append(out[i].Turns, ct.turn)
		}
	}
	return out, nil
}

// callTurn is a turn read with the call it belongs to.
type callTurn struct {
	callID string
	turn   TurnRecord
}

func scanReportCall(sc interface{ Scan(...any) error }) (ReportCall, error) {
	var c ReportCall
	var at, dur, started, answered, ended int64
	var slots, detection string
	if err := sc.Scan(&c.CallID, &c.DebtorID, &c.Phone, &at, &c.Result, &c.Outcome, &dur, &c.CostKop, &c.Trunk, &c.RecordingPath,
		&c.SIPCode, &started, &answered, &ended, &slots, &detection, &c.ScriptName, &c.ScriptVersion, &c.Stored); err != nil {
		return c, err
	}
	c.At, c.Duration = fromNS(at), time.Duration(dur)*time.Millisecond
	c.Started, c.Answered, c.Ended = fromNS(started), fromNS(answered), fromNS(ended)
	var err error
	if c.Slots, err = parseSlots(slots); err != nil {
		return c, fmt.Errorf("call %s: slots: %w", c.CallID, err)
	}
	if detection != "" {
		c.Detection = &DetectionRecord{}
		if err := json.Unmarshal([]byte(detection), c.Detection); err != nil {
			return c, fmt.Errorf("call %s: detection: %w", c.CallID, err)
		}
	}
	return c, nil
}

// ReportDenial is a count of the 230-FZ guard's refusals that gave the same
// reasons (Reasons as the guard listed them).
type ReportDenial struct {
	Reasons []string
	Count   int
}

// CampaignDenials counts the guard's refusals of robot calls to the
// campaign's debtors since the campaign was created, grouped by their
// reasons. The audit does not name a campaign (the guard knows only the
// debtor), so a refusal of another robot campaign dialling the same debtor
// in that time is counted here too: with one sweep at a time, as agencies
// run them, the count is the campaign's.
func (db *DB) CampaignDenials(ctx context.Context, campaignID string) ([]ReportDenial, error) {
	return queryAll(ctx, db, "campaign denials "+campaignID, func(sc interface{ Scan(...any) error }) (ReportDenial, error) {
		var reasons, reason string
		var d ReportDenial
		err := sc.Scan(&reasons, &reason, &d.Count)
		switch {
		case reasons != "":
			d.Reasons = strings.Split(reasons, ",")
		case reason != "":
			d.Reasons = []string{reason}
		}
		return d, err
	}, `SELECT a.reasons, a.reason, COUNT(*) FROM audit a
		WHERE a.action = 'reserve' AND a.allowed = 0 AND a.channel = 'robot_call'
			AND a.at >= (SELECT created_at FROM campaigns WHERE id = ?)
			AND a.debtor_id IN (SELECT debtor_id FROM tasks WHERE campaign_id = ?)
		GROUP BY a.reasons, a.reason ORDER BY COUNT(*) DESC, a.reasons`, campaignID, campaignID)
}
