package testcalls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/media"
	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
)

// CallSource is where FromCall finds a stored call (the store).
type CallSource interface {
	Call(ctx context.Context, id string) (store.CallRecord, error)
}

// FromCallOptions say where the case goes.
type FromCallOptions struct {
	// Out is the case file to write (it must not exist); the caller's
	// lines go beside it, in a folder named after it ("x.cases.yaml" →
	// "x.cases.audio/").
	Out string
	// Script is the case file's script (default: the call's script name
	// + ".yaml", found as case files find theirs).
	Script string
	// ScriptDoc, when set, keeps the expected path to the script's nodes
	// (the robot's non-human message is no node).
	ScriptDoc *scripts.Script
	// Pad widens each cut before and after the caller's speech as the
	// robot's VAD found it (default 200 ms): VAD marks speech a little
	// late and ends it a little early.
	Pad time.Duration
}

// FromCallResult is what FromCall wrote.
type FromCallResult struct {
	Case     Case
	Snippets []string // the audio files, in the caller's order
}

// FromCall writes a regression case from a stored call: each of the
// debtor's turns becomes a caller line — speech as the debtor's channel of
// the call's recording cut at the turn (a WAV beside the case, played
// instead of TTS at audio level; the words the robot heard stay for the text
// level and the stand-in recognizer), keys as dtmf, silence as silence, a
// hang-up as a hang-up, talking over a prompt as an interrupt — and the
// stored outcome, slots and path are the expectation, unconfirmed until an
// author confirms them. The debtor's number is never written (only masked,
// in a comment); the debtor's name is not stored with calls, so the vars
// are placeholders. The snippets are the debtor's voice: personal data,
// written 0600 like the recordings.
func FromCall(ctx context.Context, src CallSource, id string, opt FromCallOptions) (FromCallResult, error) {
	var res FromCallResult
	if opt.Out == "" {
		return res, errors.New("from call: an output case file is required")
	}
	if _, err := os.Stat(opt.Out); err == nil {
		return res, fmt.Errorf("from call: %s exists; choose another --out", opt.Out)
	}
	if opt.Pad <= 0 {
		opt.Pad = 200 * time.Millisecond
	}
	rec, err := src.Call(ctx, id)
	if err != nil {
		return res, fmt.Errorf("from call: %w", err)
	}
	switch {
	case rec.Answered.IsZero():
		return res, fmt.Errorf("from call %s: never answered (%s): nothing to replay", id, rec.Result)
	case rec.RecordingPath == "":
		return res, fmt.Errorf("from call %s: no recording kept", id)
	case len(rec.Turns) == 0:
		return res, fmt.Errorf("from call %s: no dialogue stored", id)
	}
	left, err := debtorChannel(rec.RecordingPath)
	if err != nil {
		return res, fmt.Errorf("from call %s: recording: %w", id, err)
	}
	base := strings.TrimSuffix(filepath.Base(opt.Out), filepath.Ext(opt.Out))
	audioDir := base + ".audio"
	if err := os.MkdirAll(filepath.Join(filepath.Dir(opt.Out), audioDir), 0o700); err != nil {
		return res, fmt.Errorf("from call %s: %w", id, err)
	}
	var lastRobot *store.TurnRecord
	for i := range rec.Turns {
		t := &rec.Turns[i]
		if t.Who == robot.WhoRobot {
			lastRobot = t
			continue
		}
		var it CallerItem
		switch t.Kind {
		case "speech":
			words := events.MaskNumbers(strings.TrimSpace(t.Text))
			if words == "" {
				words = "(неразборчиво)" // heard, not recognised: the audio is what matters
			}
			from, to := t.Start.Sub(rec.Answered)-opt.Pad, t.End.Sub(rec.Answered)+opt.Pad
			pcm := cut(left, from, to)
			if len(pcm) == 0 {
				return res, fmt.Errorf("from call %s: turn %d (%s) lies outside the recording", id, t.Seq, t.Node)
			}
			name := fmt.Sprintf("%02d-%s.wav", len(res.Snippets)+1, slug(t.Node))
			path := filepath.Join(filepath.Dir(opt.Out), audioDir, name)
			if err := writeWAV(path, pcm); err != nil {
				return res, fmt.Errorf("from call %s: %w", id, err)
			}
			res.Snippets = append(res.Snippets, path)
			it.Audio = audioDir + "/" + name
			if lastRobot != nil && lastRobot.BargedIn && t.Start.Before(lastRobot.End.Add(time.Second)) {
				it.Interrupt = words
				it.After = max(t.Start.Sub(lastRobot.Start), 100*time.Millisecond).Round(100 * time.Millisecond)
			} else {
				it.Say = words
			}
		case "dtmf":
			it.DTMF = t.Text
		case "no_input":
			// at least the listen's timeout, so the replay is no answer too
			d := max(t.End.Sub(t.Start).Round(time.Second)+time.Second, PauseBelow+time.Second)
			it.Silence = d
		case "hangup":
			it.Hangup = true
		default:
			continue
		}
		res.Case.Caller = append(res.Case.Caller, it)
	}
	// the recording holds all the debtor said, their word on picking up too:
	// the replay adds no pickup word of its own
	res.Case.Audio.Pickup = "none"
	loc := zoneOf(rec.Slots)
	res.Case.Name = fmt.Sprintf("call %s: %s", id, rec.Outcome)
	res.Case.Now = rec.Started.In(loc).Format(time.RFC3339)
	res.Case.Expect = expectOf(scripts.Outcome(rec.Outcome), maskSlots(rec.Slots), pathOf(rec.Turns, opt.ScriptDoc))
	script := opt.Script
	if script == "" {
		script = rec.ScriptName + ".yaml"
	}
	comment := fmt.Sprintf("A regression case from call %s (%s %s, answered %s, number %s), written by\n"+
		"`dozvon test --from-call`: the debtor's lines are cut from the call's recording\n"+
		"(%s/, personal data: keep it as you keep recordings). The vars are\n"+
		"placeholders (calls do not store them): set what the script's branches need.",
		id, rec.ScriptName, rec.ScriptVersion, rec.Answered.In(loc).Format("2006-01-02 15:04"), phonenum.Mask(rec.To), audioDir)
	var buf bytes.Buffer
	if err := WriteCases(&buf, CaseFileHeader{Comment: comment, Script: script, Now: rec.Started.In(loc), Vars: fromCallVars()}, []Case{res.Case}); err != nil {
		return res, err
	}
	if err := os.WriteFile(opt.Out, buf.Bytes(), 0o600); err != nil {
		return res, fmt.Errorf("from call %s: %w", id, err)
	}
	return res, nil
}

// fromCallVars are placeholders for the debtor variables every bundled
// script renders.
func fromCallVars() map[string]any {
	return map[string]any{"debtor": map[string]any{"name": placeholders["debtor.name"], "first_name": placeholders["debtor.first_name"]},
		"debt": map[string]any{"amount": placeholders["debt.amount"]}}
}

// pathOf is the nodes the call went through, in order, without repeats in a row.
func pathOf(turns []store.TurnRecord, sc *scripts.Script) []string {
	var out []string
	for _, t := range turns {
		if sc != nil && sc.Node(t.Node) == nil {
			continue
		}
		if t.Node != "" && (len(out) == 0 || out[len(out)-1] != t.Node) {
			out = append(out, t.Node)
		}
	}
	return out
}

// zoneOf is the debtor's UTC offset as a resolved time slot carries it
// (calls do not store the zone); Moscow when no slot has one.
func zoneOf(slots map[string]string) *time.Location {
	for _, k := range []string{scripts.SlotCallbackAt, scripts.SlotPromiseAt, scripts.SlotMeetingAt} {
		if t, err := time.Parse(time.RFC3339, slots[k]); err == nil {
			return t.Location()
		}
	}
	return time.FixedZone("MSK", 3*3600)
}

func maskSlots(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		switch k {
		case scripts.SlotCallbackAt, scripts.SlotPromiseAt, scripts.SlotMeetingAt, scripts.SlotAmount:
			out[k] = v // a resolved time or sum, no number to hide
		default:
			out[k] = events.MaskNumbers(v)
		}
	}
	return out
}

// debtorChannel reads a call recording (telephony's stereo WAV: 8 kHz,
// the far end on the left) and returns its left channel.
func debtorChannel(path string) ([]int16, error) {
	w, err := media.ReadWAVFile(path)
	if err != nil {
		return nil, err
	}
	if w.Rate != 8000 || w.Channels != 2 {
		return nil, fmt.Errorf("%s: want the recorder's 8 kHz stereo, got %d Hz, %d channels", path, w.Rate, w.Channels)
	}
	left := make([]int16, w.Frames())
	for i := range left {
		left[i] = w.Samples[2*i]
	}
	return left, nil
}

// cut is pcm (8 kHz) from from to to, clamped to what there is.
func cut(pcm []int16, from, to time.Duration) []int16 {
	a := max(0, int(math.Round(from.Seconds()*8000)))
	b := min(len(pcm), int(math.Round(to.Seconds()*8000)))
	if a >= b {
		return nil
	}
	return pcm[a:b]
}

// writeWAV writes an 8 kHz mono snippet, 0600: it is the debtor's voice.
func writeWAV(path string, pcm []int16) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := media.WriteWAV(f, 8000, 1, pcm); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}
