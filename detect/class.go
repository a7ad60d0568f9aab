package detect

import (
	"fmt"
	"time"
)

// Class is who (or what) answered the call.
type Class string

// The classes a Decision can carry.
const (
	Human          Class = "human"
	VoiceAssistant Class = "voice_assistant"
	Machine        Class = "machine"      // voicemail greeting, beep
	Announcement   Class = "announcement" // carrier message, SIT tones
	Silence        Class = "silence"
	IVR            Class = "ivr" // a company's voice menu ("нажмите 1…")
	Fax            Class = "fax" // a fax answer tone (CED 2100 Hz) or calling tone (CNG 1100 Hz)
)

// Classes lists every class in a stable order (reports, confusion matrices).
func Classes() []Class {
	return []Class{Human, VoiceAssistant, Machine, Announcement, Silence, IVR, Fax}
}

// ParseClass turns a label such as "voice_assistant" into a Class.
func ParseClass(s string) (Class, error) {
	for _, c := range Classes() {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("parse class: unknown label %q (want one of human, voice_assistant, machine, announcement, silence, ivr, fax)", s)
}

// Decision is the classifier's verdict on the first phrase.
type Decision struct {
	Class      Class
	Confidence float64  // 0..1, a rule-based estimate, not a calibrated probability
	Evidence   []string // human-readable reasons, in the order they were found
	// At is the audio time since answer when the classifier knew whether a
	// person answered: the moment the robot acts (greets on, or stops and
	// discloses nothing). For a human or a decisive cue it is also when the
	// class was known.
	At time.Duration
	// Settled reports that Class is final. A non-human verdict taken on the
	// greeting's length alone is not settled at first: Class is the best
	// guess so far and may still change to another non-human class.
	Settled bool
	// SettledAt is the audio time since answer when the class became final
	// (valid when Settled; equal to At when both came together).
	SettledAt time.Duration
	// Provisional is the class guessed at At when the class was settled
	// later ("" when At and SettledAt coincide).
	Provisional Class
}

// FirstClass is the class the verdict carried at At: the provisional guess
// for a class settled later, else Class.
func (d Decision) FirstClass() Class {
	if d.Provisional != "" {
		return d.Provisional
	}
	return d.Class
}
