package callflow

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"maps"
	"time"

	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// SlotFirstAudio is the slot that names the WAV of a call's first seconds
// of received audio (what first-phrase detection heard).
const SlotFirstAudio = "first_audio"

// callFacts is what one call produced, as the record builder needs it.
type callFacts struct {
	id, direction, from, to string
	sw                      clock.Stopwatch // the call's start on the flow's clock
	info                    telephony.DialInfo
	dialErr                 error     // why the dial failed (nil: answered)
	answered, ended         time.Time // wall instants
	out                     robot.CallResult
	recording               string
	costKop                 int64
	early                   *detect.Decision // a carrier announcement heard before answer
	script                  *scripts.Script  // the script the call was to run (named even when it never ran)
	taskID                  int64            // the campaign task the call was placed for (0: none)
}

// record is the one mapping from a call to its stored record: every call,
// placed or taken, by the CLI, the scheduler or serve, is stored through it.
func record(x callFacts) store.CallRecord {
	rec := store.CallRecord{
		ID: x.id, Direction: x.direction, From: x.from, To: x.to, Trunk: x.info.Trunk,
		Started: x.sw.Started(), Answered: x.sw.At(x.answered), Ended: x.sw.At(x.ended),
		Result: string(telephony.Answered), SIPCode: x.info.Code,
		Outcome: string(x.out.Outcome), ScriptName: x.out.ScriptName, ScriptVersion: x.out.ScriptVersion,
		RecordingPath:   x.recording,
		AudioReceivedMs: x.out.Audio.Received.Milliseconds(), AudioFedMs: x.out.Audio.Fed.Milliseconds(),
		Detection: detectionRecord(x.out.Detection), CostKop: x.costKop, TaskID: x.taskID,
	}
	if rec.ScriptName == "" && x.script != nil {
		rec.ScriptName, rec.ScriptVersion = x.script.Name, x.script.VersionString()
	}
	if x.dialErr != nil {
		rec.Result = string(telephony.Failed)
		var de *telephony.DialError
		if errors.As(x.dialErr, &de) {
			rec.Result, rec.SIPCode = string(de.Result), de.Code
		}
		if x.early != nil {
			rec.Result = string(telephony.Unreachable)
			rec.Detection = detectionRecord(x.early)
		}
	}
	if len(x.out.Slots) > 0 || x.out.FirstAudioPath != "" || x.early != nil {
		rec.Slots = maps.Clone(x.out.Slots)
		if rec.Slots == nil {
			rec.Slots = map[string]string{}
		}
		if x.out.FirstAudioPath != "" {
			rec.Slots[SlotFirstAudio] = x.out.FirstAudioPath
		}
		if x.early != nil {
			rec.Slots[robot.SlotDetectedClass] = string(detect.Announcement)
		}
	}
	for _, t := range x.out.Turns {
		rec.Turns = append(rec.Turns, store.TurnRecord{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: t.Text,
			Intent: t.Intent, Slots: t.Slots, Start: x.sw.At(t.Start), End: x.sw.At(t.End), BargedIn: t.BargedIn})
	}
	return rec
}

// detectionRecord is a first-phrase verdict as the store keeps it (nil for none).
func detectionRecord(d *detect.Decision) *store.DetectionRecord {
	if d == nil {
		return nil
	}
	return &store.DetectionRecord{Class: string(d.Class), Confidence: d.Confidence, AtMs: d.At.Milliseconds(),
		SettledMs: d.SettledAt.Milliseconds(), Provisional: string(d.Provisional), Evidence: d.Evidence}
}

// newCallID names a call from its first moment, before SIP knows it, so its
// events and its record share one id.
func newCallID(direction string) string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return direction[:3] + "-" + hex.EncodeToString(b[:])
}
