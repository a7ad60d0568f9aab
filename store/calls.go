package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// CallRecord is one call as the call core saw it. Times come back from the
// store in UTC; a zero time (e.g. never answered) stays zero; empty slot maps come back nil.
type CallRecord struct {
	ID                          string
	Direction                   string // outbound | inbound
	From, To                    string
	Trunk                       string
	Started, Answered, Ended    time.Time
	Result                      string // answered | busy | no_answer | rejected | failed | …
	SIPCode                     int
	Outcome                     string
	Slots                       map[string]string
	ScriptName, ScriptVersion   string
	RecordingPath               string
	AudioReceivedMs, AudioFedMs int64
	Turns                       []TurnRecord
	// Detection is the first-phrase verdict and its evidence (nil: none),
	// kept so anyone can see why a call was ended as a machine.
	Detection *DetectionRecord
	// CostKop is the trunk's charge for the call in kopecks (0: no tariff known).
	CostKop int64
	// TaskID is the campaign task the call was placed for (0: none). The
	// call is listed under the task when it is saved, not only when the
	// scheduler finishes the task: a node that dies between the two still
	// leaves the call in its campaign, with its debtor.
	TaskID int64
}

// DetectionRecord is a first-phrase verdict as stored with its call.
type DetectionRecord struct {
	Class       string   `json:"class"`
	Confidence  float64  `json:"confidence"`
	AtMs        int64    `json:"at_ms"`                 // whether a person answered was known this long after answer
	SettledMs   int64    `json:"settled_ms"`            // the class was final this long after answer
	Provisional string   `json:"provisional,omitempty"` // the class first guessed, when settled later
	Evidence    []string `json:"evidence,omitempty"`
}

// TurnRecord is one turn of the dialogue. A zero Seq is stored as the turn's position (1-based).
type TurnRecord struct {
	Seq                   int
	Node, Who, Kind, Text string
	Intent                string
	Slots                 map[string]string
	Start, End            time.Time
	BargedIn              bool
}

func slotsJSON(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

func parseSlots(s string) (map[string]string, error) {
	if s == "" || s == "{}" {
		return nil, nil
	}
	var m map[string]string
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// SaveCall inserts or replaces a call (upsert by ID) with its turns, in order, atomically.
func (db *DB) SaveCall(ctx context.Context, c CallRecord) error {
	if c.ID == "" {
		return errors.New("save call: empty id")
	}
	slots, err := slotsJSON(c.Slots)
	if err != nil {
		return fmt.Errorf("save call %s: slots: %w", c.ID, err)
	}
	detection := ""
	if c.Detection != nil {
		b, err := json.Marshal(c.Detection)
		if err != nil {
			return fmt.Errorf("save call %s: detection: %w", c.ID, err)
		}
		detection = string(b)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save call %s: %w", c.ID, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO calls (id, direction, from_num, to_num, trunk, started, answered, ended, result, sip_code, outcome, slots,
			script_name, script_version, recording_path, audio_received_ms, audio_fed_ms, detection, cost_kop)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET direction = excluded.direction, from_num = excluded.from_num, to_num = excluded.to_num,
			trunk = excluded.trunk, started = excluded.started, answered = excluded.answered, ended = excluded.ended,
			result = excluded.result, sip_code = excluded.sip_code, outcome = excluded.outcome, slots = excluded.slots,
			script_name = excluded.script_name, script_version = excluded.script_version, recording_path = excluded.recording_path,
			audio_received_ms = excluded.audio_received_ms, audio_fed_ms = excluded.audio_fed_ms, detection = excluded.detection,
			cost_kop = excluded.cost_kop`),
		c.ID, c.Direction, c.From, c.To, c.Trunk, ns(c.Started), ns(c.Answered), ns(c.Ended), c.Result, c.SIPCode, c.Outcome, slots,
		c.ScriptName, c.ScriptVersion, c.RecordingPath, c.AudioReceivedMs, c.AudioFedMs, detection, c.CostKop)
	if err != nil {
		return fmt.Errorf("save call %s: %w", c.ID, err)
	}
	if c.TaskID != 0 {
		dur := time.Duration(0)
		if !c.Answered.IsZero() && c.Ended.After(c.Answered) {
			dur = c.Ended.Sub(c.Answered)
		}
		tc := TaskCall{CallID: c.ID, At: c.Started, Result: c.Result, Outcome: c.Outcome, Duration: dur, CostKop: c.CostKop,
			Trunk: c.Trunk, CallerID: c.From, RecordingPath: c.RecordingPath}
		if err := linkTaskCall(ctx, tx, db.q, c.TaskID, tc); err != nil {
			return fmt.Errorf("save call %s: %w", c.ID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM call_turns WHERE call_id = ?`), c.ID); err != nil {
		return fmt.Errorf("save call %s: turns: %w", c.ID, err)
	}
	for i, t := range c.Turns {
		ts, err := slotsJSON(t.Slots)
		if err != nil {
			return fmt.Errorf("save call %s: turn %d: slots: %w", c.ID, i, err)
		}
		seq := t.Seq
		if seq == 0 {
			seq = i + 1
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO call_turns (call_id, seq, node, who, kind, text, intent, slots, start_at, end_at, barged_in)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, seq, t.Node, t.Who, t.Kind, t.Text, t.Intent, ts, ns(t.Start), ns(t.End), boolInt(t.BargedIn)); err != nil {
			return fmt.Errorf("save call %s: turn %d (seq %d): %w", c.ID, i, seq, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save call %s: %w", c.ID, err)
	}
	return nil
}

// Call loads a call with its turns ordered by Seq, or ErrNotFound.
func (db *DB) Call(ctx context.Context, id string) (CallRecord, error) {
	c := CallRecord{ID: id}
	var started, answered, ended int64
	var slots, detection string
	err := db.rd.QueryRowContext(ctx, db.q(`SELECT direction, from_num, to_num, trunk, started, answered, ended, result, sip_code, outcome, slots,
		script_name, script_version, recording_path, audio_received_ms, audio_fed_ms, detection, cost_kop FROM calls WHERE id = ?`), id).Scan(
		&c.Direction, &c.From, &c.To, &c.Trunk, &started, &answered, &ended, &c.Result, &c.SIPCode, &c.Outcome, &slots,
		&c.ScriptName, &c.ScriptVersion, &c.RecordingPath, &c.AudioReceivedMs, &c.AudioFedMs, &detection, &c.CostKop)
	if errors.Is(err, sql.ErrNoRows) {
		return CallRecord{}, fmt.Errorf("call %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return CallRecord{}, fmt.Errorf("call %s: %w", id, err)
	}
	c.Started, c.Answered, c.Ended = fromNS(started), fromNS(answered), fromNS(ended)
	if c.Slots, err = parseSlots(slots); err != nil {
		return CallRecord{}, fmt.Errorf("call %s: slots: %w", id, err)
	}
	if detection != "" {
		c.Detection = &DetectionRecord{}
		if err := json.Unmarshal([]byte(detection), c.Detection); err != nil {
			return CallRecord{}, fmt.Errorf("call %s: detection: %w", id, err)
		}
	}
	rows, err := db.rd.QueryContext(ctx, db.q(`SELECT seq, node, who, kind, text, intent, slots, start_at, end_at, barged_in
		FROM call_turns WHERE call_id = ? ORDER BY seq`), id)
	if err != nil {
		return CallRecord{}, fmt.Errorf("call %s: turns: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var t TurnRecord
		var ts string
		var start, end int64
		var barged int
		if err := rows.Scan(&t.Seq, &t.Node, &t.Who, &t.Kind, &t.Text, &t.Intent, &ts, &start, &end, &barged); err != nil {
			return CallRecord{}, fmt.Errorf("call %s: turns: %w", id, err)
		}
		t.Start, t.End, t.BargedIn = fromNS(start), fromNS(end), barged == 1
		if t.Slots, err = parseSlots(ts); err != nil {
			return CallRecord{}, fmt.Errorf("call %s: turn %d: slots: %w", id, t.Seq, err)
		}
		c.Turns = append(c.Turns, t)
	}
	if err := rows.Err(); err != nil {
		return CallRecord{}, fmt.Errorf("call %s: turns: %w", id, err)
	}
	return c, nil
}
