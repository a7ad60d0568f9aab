package callflow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/dozvon/dozvon/asr"
	"github.com/dozvon/dozvon/clock"
	"github.com/dozvon/dozvon/compliance"
	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/telephony"
)

// UA dials calls; *telephony.UA implements it.
type UA interface {
	Dial(ctx context.Context, req telephony.DialRequest) (*telephony.Call, telephony.DialInfo, error)
}

// Guard is the 230-FZ guard as a call uses it; *compliance.Guard implements it.
type Guard interface {
	Reserve(ctx context.Context, r compliance.Request) (compliance.Reservation, compliance.Decision, error)
	Commit(ctx context.Context, res compliance.Reservation, kind compliance.Kind) error
	Release(ctx context.Context, res compliance.Reservation) error
	Answered(ctx context.Context, res compliance.Reservation) error
	Renew(ctx context.Context, res compliance.Reservation) (compliance.Reservation, error)
}

// Recorder says whether calls can be recorded; *recordings.Health implements it.
type Recorder interface {
	// Ready is nil when a new call may start, else why not.
	Ready() error
}

// ErrRecorderDown marks a call refused because recording does not work (a
// recording failed or the disk is below its floor): a call that cannot be
// recorded is not placed or taken. Calls already in progress go on.
var ErrRecorderDown = errors.New("recorder down: new calls are refused")

// CallSaver keeps call records; *store.DB implements it.
type CallSaver interface {
	SaveCall(ctx context.Context, c store.CallRecord) error
}

// Config wires a Flow.
type Config struct {
	UA    UA        // required for Place
	Guard Guard     // required for Place
	Calls CallSaver // nil: records are built but not kept
	Clock clock.Clock
	Log   *slog.Logger
	// Voice is the audio side shared by all calls: synthesizer, audio files,
	// barge-in. Its Recognizer is not used: Recognizer picks one per call.
	Voice robot.VoiceConfig
	// Recognizer gives the recognizer for one call (Vosk, or a labelled
	// stand-in); nil, or a nil result, leaves the call keypad-only.
	Recognizer func(callID string) asr.Recognizer
	// NewSegmenter makes the VAD of one call (required).
	NewSegmenter func() (robot.Segmenter, error)
	// Trunks, when set, chooses the trunk for each number (priority, channel
	// limits, health), fails over on the trunk's faults and prices the call.
	Trunks *Trunks
	// Scripts loads scripts by path and reloads edited ones for new calls
	// (nil: a registry of its own).
	Scripts     *scripts.Registry
	RecordDir   string        // where the first seconds of audio go when a call has no recording
	TransferTo  string        // default operator number or URI for transfers
	RingTimeout time.Duration // default ring timeout (0: the UA's)
	// NonHuman is the default reaction to a first phrase that is not a
	// person; a request may bring its campaign's own.
	NonHuman robot.NonHumanPolicy
	// FirstPhrase configures first-phrase detection on outbound calls.
	FirstPhrase robot.FirstPhraseConfig
	// Events sees every call's events (nil: none).
	Events Subscriber
	// Recorder is asked before every call (nil: calls are not checked, as
	// when nothing is recorded).
	Recorder Recorder
	// HandOff is how calls reach people: warm hand-off and click-to-call
	// (zero: transfer nodes REFER, click-to-call is refused).
	HandOff HandOffConfig
}

// Flow places and answers calls. Safe for concurrent use.
type Flow struct {
	c        Config
	log      *slog.Logger
	clk      clock.Clock
	inFlight atomic.Int64
	handOff  atomic.Pointer[HandOffConfig] // SetHandOff's (nil: c.HandOff)
}

// InFlight is how many calls (placed or answered) are running on f now:
// what a drain waits for and what tells a service it has gone quiet.
func (f *Flow) InFlight() int { return int(f.inFlight.Load()) }

// track counts a call from its start until the returned func runs.
func (f *Flow) track() func() {
	f.inFlight.Add(1)
	return func() { f.inFlight.Add(-1) }
}

// New checks cfg and returns a Flow.
func New(cfg Config) (*Flow, error) {
	if cfg.NewSegmenter == nil {
		return nil, errors.New("callflow: no VAD (NewSegmenter)")
	}
	if err := cfg.NonHuman.Validate(nil); err != nil {
		return nil, fmt.Errorf("callflow: %w", err)
	}
	if cfg.Scripts == nil {
		cfg.Scripts = scripts.NewRegistry()
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Flow{c: cfg, log: log, clk: clock.Or(cfg.Clock)}, nil
}

// recorderReady is nil when the recorder can take a new call.
func (f *Flow) recorderReady() error {
	if f.c.Recorder == nil {
		return nil
	}
	if err := f.c.Recorder.Ready(); err != nil {
		return fmt.Errorf("callflow: %w: %w", ErrRecorderDown, err)
	}
	return nil
}

// Clock is the clock the flow stamps calls and events with.
func (f *Flow) Clock() clock.Clock { return f.clk }

// Script returns the current version of the script at path (reloaded when
// the file changed; a broken edit keeps the last good version, with the error).
func (f *Flow) Script(path string) (*scripts.Script, error) { return f.c.Scripts.Get(path) }

func (f *Flow) recognizer(callID string, override func(string) asr.Recognizer) asr.Recognizer {
	if override != nil {
		if r := override(callID); r != nil {
			return r
		}
	}
	if f.c.Recognizer == nil {
		return nil
	}
	return f.c.Recognizer(callID)
}

// robotConfig is the robot's configuration for one answered call.
// Its clock is the call's stopwatch: "tomorrow at ten" is read on the
// flow's clock, and the script's max_duration still runs in real time when
// that clock is a simulation's that stands still during calls.
func (f *Flow) robotConfig(callID string, sw clock.Stopwatch, sc *scripts.Script, vars map[string]any, loc *time.Location,
	transfer string, rec asr.Recognizer, nonHuman robot.NonHumanPolicy, emit *emitter) robot.CallConfig {
	voice := f.c.Voice
	voice.Recognizer = rec
	if transfer == "" {
		transfer = f.c.TransferTo
	}
	if loc == nil {
		loc = compliance.DialogueZone("")
	}
	return robot.CallConfig{
		Script: sc, Vars: vars, Clock: sw, Location: loc, TransferTarget: transfer,
		Voice: voice, NewSegmenter: f.c.NewSegmenter, Log: f.log.With("call", callID),
		FirstPhrase: f.c.FirstPhrase, OnNonHuman: nonHuman, RecordDir: f.c.RecordDir,
		OnTurn: emit.turn, OnVerdict: emit.verdict,
	}
}
