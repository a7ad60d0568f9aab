package robot

import (
	"context"
	"time"
)

// Conversation is what a dialogue needs from the other side of a call. The robot
// declares it; an audio implementation (VoiceConversation, over a SIP call with
// VAD, ASR and TTS) and a text implementation (testcalls' text-level runner)
// provide it. Implementations must be safe for use by one goroutine at a time.
type Conversation interface {
	// Say plays one prompt. It returns when the prompt has finished, was barged
	// in (the caller spoke over it and Prompt.BargeIn allowed interruption), or
	// the call ended (SayResult.HungUp). The caller's interrupting utterance is
	// delivered by the next Listen.
	Say(ctx context.Context, p Prompt) (SayResult, error)
	// Listen waits for one caller turn: an utterance, DTMF digits, no input
	// until the timeout, or the end of the call.
	Listen(ctx context.Context, o ListenOptions) (Input, error)
	// Transfer hands the call to a human (a SIP URI or number). It returns
	// when the transfer has been accepted or failed.
	Transfer(ctx context.Context, target string) error
	// Hangup ends the call from the robot's side; it is safe to call twice.
	Hangup(ctx context.Context) error
}

// Prompt is one thing the robot says.
type Prompt struct {
	ID      string // phrase or node id, for the transcript
	Text    string // text to speak, already rendered (variables substituted, numbers verbalised)
	Audio   string // optional recorded phrase file (WAV/MP3); when set, played instead of synthesising Text
	BargeIn bool   // the caller's speech may interrupt the prompt
}

// SayResult reports how a prompt was played.
type SayResult struct {
	Start, End time.Time
	BargedIn   bool // playback stopped because the caller spoke
	HungUp     bool // the call ended during the prompt
}

// ListenOptions bound one caller turn.
type ListenOptions struct {
	NoInputTimeout time.Duration // silence before InputNoInput; 0 means a default (5 s)
	MaxUtterance   time.Duration // longest utterance; 0 means a default (15 s)
	Grammar        []string      // optional recognition hints / grammar phrases
	DTMFDigits     int           // digits to collect before returning; 0 means 1
}

// InputKind is what a Listen produced.
type InputKind string

const (
	InputSpeech  InputKind = "speech"
	InputDTMF    InputKind = "dtmf"
	InputNoInput InputKind = "no_input"
	InputHangup  InputKind = "hangup"
)

// Input is one caller turn.
type Input struct {
	Kind       InputKind
	Text       string  // recognised text for InputSpeech
	Digits     string  // for InputDTMF
	Confidence float64 // 0..1 when the recognizer reports it
	Start, End time.Time
}
