package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/dozvon/dozvon/clock"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/asr/vosk"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/detect"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
	"github.com/dozvon/dozvon/tts"
)

// runtime is the wired product: voice, recognizer, store, guard. The
// telephony UA is made by each command (its listeners differ).
type runtime struct {
	cfg   config
	log   *slog.Logger
	voice tts.Synthesizer
	files *tts.AudioFiles
	model *vosk.Model // nil unless asr.engine is vosk and a model loaded
	db    *store.DB
	guard *compliance.Guard
}

// newRuntime wires the parts the config names. asrEngine overrides the
// config ("" keeps it). A missing or broken Vosk model is an error here,
// before any call starts.
func newRuntime(ctx context.Context, cfg config, log *slog.Logger, clk clock.Clock) (*runtime, error) {
	rt := &runtime{cfg: cfg, log: log, files: tts.NewAudioFiles()}
	v, err := tts.NewVoice(cfg.TTS.Engine)
	if err != nil {
		return nil, fmt.Errorf("tts: %w", err)
	}
	rt.voice = tts.NewCache(cfg.TTS.CacheDir, v, v.Key(), tts.WithCacheLogger(log))
	if cfg.ASR.Engine == "vosk" {
		dir := cfg.ASR.Model
		if dir == "" {
			dir, err = vosk.FindModel()
			if err != nil {
				return nil, fmt.Errorf("asr: no Vosk model (%v): set VOSK_MODEL, run `make model`, or use --asr dtmf", err)
			}
		}
		m, err := vosk.LoadModel(dir, vosk.Options{LibraryPath: cfg.ASR.Library})
		if err != nil {
			return nil, fmt.Errorf("asr: %w", err)
		}
		rt.model = m
	}
	if err := os.MkdirAll(storeDir(cfg.Store.DSN), 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := store.Open(ctx, cfg.Store.DSN)
	if err != nil {
		rt.close()
		return nil, fmt.Errorf("store: %w", err)
	}
	rt.db = db
	g, err := compliance.NewGuard(compliance.Config{Ledger: db, Clock: clk, Logger: log})
	if err != nil {
		rt.close()
		return nil, fmt.Errorf("compliance: %w", err)
	}
	rt.guard = g
	if _, err := g.ExpireStale(ctx); err != nil {
		log.Warn("expire stale reservations", "err", err)
	}
	return rt, nil
}

func storeDir(dsn string) string {
	if p, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return filepath.Dir(p)
	}
	return "."
}

func (rt *runtime) close() {
	if rt.model != nil {
		_ = rt.model.Close()
	}
	if rt.db != nil {
		_ = rt.db.Close()
	}
}

// recognizer returns the recognizer for one call: Vosk when loaded, the
// given stand-in (the demo's scripted recognizer) otherwise, nil for keypad-only.
func (rt *runtime) recognizer(standIn asr.Recognizer) asr.Recognizer {
	switch {
	case rt.cfg.ASR.Engine == "dtmf":
		return nil
	case rt.model != nil:
		return rt.model
	default:
		return standIn
	}
}

func (rt *runtime) vadConfig() asr.VADConfig {
	c := asr.DefaultVADConfig()
	if v := rt.cfg.VAD.StartAfter; v > 0 {
		c.StartVoiced = v
	}
	if v := rt.cfg.VAD.TrailingSilence; v > 0 {
		c.EndSilence = v
	}
	if v := rt.cfg.VAD.MaxUtterance; v > 0 {
		c.MaxUtterance = v
	}
	if v := rt.cfg.VAD.PreRoll; v > 0 {
		c.PreRoll = v
	}
	return c
}

// callRequest is one robot call to place.
type callRequest struct {
	To          string
	Trunk       string
	CallerID    string
	DebtorID    string // empty: derived from the number
	Region      string
	Script      *scripts.Script
	Vars        map[string]any
	Location    *time.Location
	Recognizer  func(callID string) asr.Recognizer // stand-in when no model (nil: none)
	RingTimeout time.Duration
}

// callReport is what happened to one robot call.
type callReport struct {
	Req       callRequest
	Decision  *compliance.Decision // nil when the target is not a phone number
	Dial      telephony.DialInfo
	DialErr   error
	Result    robot.CallResult
	RunErr    error
	Recording string
	Duration  time.Duration
	CallID    string
	Kind      compliance.Kind
}

// errDenied marks a call the 230-FZ guard did not allow.
var errDenied = errors.New("denied by the 230-FZ guard")

// placeCall is the one path by which dozvon places a robot call: the guard
// reserves first (a denial stops here), then dial, dialogue, store, commit.
func (rt *runtime) placeCall(ctx context.Context, ua *telephony.UA, req callRequest) (rep callReport) {
	rep.Req = req
	phone, isPhone := phoneOf(req.To)
	var res compliance.Reservation
	if isPhone {
		debtor := req.DebtorID
		if debtor == "" {
			debtor = "phone:" + phone
		}
		r, dec, err := rt.guard.Reserve(ctx, compliance.Request{
			DebtorID: debtor, Phone: phone, Channel: compliance.RobotCall, Region: req.Region,
		})
		rep.Decision = &dec
		if err != nil {
			rep.DialErr = fmt.Errorf("compliance: %w", err)
			return rep
		}
		if !dec.Allowed {
			rep.DialErr = fmt.Errorf("%w: %s", errDenied, dec.Detail)
			return rep
		}
		res = r
	}
	started := time.Now()
	call, info, err := ua.Dial(ctx, telephony.DialRequest{To: req.To, Trunk: req.Trunk, CallerID: req.CallerID,
		RingTimeout: req.RingTimeout, Permit: res.Permit()})
	rep.Dial = info
	if err != nil {
		rep.DialErr = err
		if dec, ok := robot.EarlyAnnouncement(ctx, info, rt.recognizer(nil)); ok {
			// a carrier message before answer: the phone is off or out of reach
			var de *telephony.DialError
			if errors.As(err, &de) {
				rep.DialErr = &telephony.DialError{Result: telephony.Unreachable, Code: de.Code, Trunk: de.Trunk,
					Reason: fmt.Sprintf("%s; carrier announcement in early media (%s)", de.Reason, strings.Join(dec.Evidence, "; "))}
			}
			rep.Dial.Result = telephony.Unreachable
			rep.Result.Slots = map[string]string{robot.SlotDetectedClass: string(detect.Announcement)}
			rep.Result.Detection = &dec
		}
		rep.Kind = compliance.Attempt
		rt.commit(ctx, res, isPhone, rep.Kind)
		rt.saveCall(ctx, rep, req, started)
		return rep
	}
	rep.CallID = call.ID()
	var rec asr.Recognizer
	if req.Recognizer != nil {
		rec = req.Recognizer(call.CallID())
	}
	out, err := robot.RunCall(ctx, call, robot.CallConfig{
		Script: req.Script, Vars: req.Vars, Now: time.Now, Location: req.Location,
		TransferTarget: rt.cfg.Robot.TransferTo,
		Voice: robot.VoiceConfig{
			Recognizer: rt.recognizer(rec), Voice: rt.voice, LoadAudio: rt.files.Load,
			BargeInAfter: rt.cfg.Robot.BargeInAfter,
		},
		NewSegmenter: func() (robot.Segmenter, error) { return asr.NewSegmenter(rt.vadConfig()) },
		Log:          rt.log.With("call", call.ID()),
		RecordDir:    rt.cfg.SIP.RecordDir,
		OnNonHuman:   rt.cfg.Robot.NonHuman,
	})
	<-call.Done()
	if out.FirstAudioPath != "" {
		if out.Slots == nil {
			out.Slots = map[string]string{}
		}
		out.Slots["first_audio"] = out.FirstAudioPath
	}
	rep.Result, rep.RunErr = out, err
	rep.Recording = call.RecordingPath()
	rep.Duration = call.Stats().Duration
	rep.Kind = robot.LedgerKind(out.Result)
	rt.commit(ctx, res, isPhone, rep.Kind)
	rt.saveCall(ctx, rep, req, started)
	return rep
}

func (rt *runtime) commit(ctx context.Context, res compliance.Reservation, isPhone bool, kind compliance.Kind) {
	if !isPhone {
		return
	}
	if err := rt.guard.Commit(context.WithoutCancel(ctx), res, kind); err != nil {
		rt.log.Error("compliance commit failed (the reservation will expire into an attempt)", "err", err)
	}
}

func (rt *runtime) saveCall(ctx context.Context, rep callReport, req callRequest, started time.Time) {
	id := rep.CallID
	if id == "" {
		id = fmt.Sprintf("out-%d", started.UnixNano())
	}
	rec := store.CallRecord{
		ID: id, Direction: "outbound", To: req.To, Trunk: rep.Dial.Trunk,
		Started: started, Answered: rep.Dial.Answered, Ended: time.Now(),
		Result: string(rep.Dial.Result), SIPCode: rep.Dial.Code,
		Outcome: string(rep.Result.Outcome), Slots: rep.Result.Slots,
		ScriptName: rep.Result.ScriptName, ScriptVersion: rep.Result.ScriptVersion,
		RecordingPath:   rep.Recording,
		AudioReceivedMs: rep.Result.Audio.Received.Milliseconds(), AudioFedMs: rep.Result.Audio.Fed.Milliseconds(),
		Detection: scheduler.DetectionRecord(rep.Result.Detection),
	}
	var de *telephony.DialError
	if errors.As(rep.DialErr, &de) {
		rec.Result, rec.SIPCode = string(de.Result), de.Code
	}
	for _, t := range rep.Result.Turns {
		rec.Turns = append(rec.Turns, store.TurnRecord{Seq: t.Seq, Node: t.Node, Who: t.Who, Kind: t.Kind, Text: t.Text,
			Intent: t.Intent, Slots: t.Slots, Start: t.Start, End: t.End, BargedIn: t.BargedIn})
	}
	if err := rt.db.SaveCall(context.WithoutCancel(ctx), rec); err != nil {
		rt.log.Error("store call", "call", id, "err", err)
	}
}

// phoneOf extracts a Russian phone number from a SIP URI's user part or a
// bare number. Anything else (sip:robot-test@host) is not a debtor's phone.
func phoneOf(to string) (string, bool) {
	user := to
	if rest, ok := strings.CutPrefix(to, "sip:"); ok {
		user, _, _ = strings.Cut(rest, "@")
	} else if rest, ok := strings.CutPrefix(to, "sips:"); ok {
		user, _, _ = strings.Cut(rest, "@")
	}
	p, err := compliance.NormalizePhone(user)
	if err != nil {
		return "", false
	}
	return p, true
}

// newLogger logs to w at level, masking phone numbers (slog attrs named
// phone, to, from are masked by the handler wrapper).
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: maskAttr}))
}

func maskAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Key {
	case "phone", "to", "from", "number":
		return slog.String(a.Key, compliance.MaskPhone(a.Value.String()))
	}
	return a
}
