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
	Confidence float64       // 0..1, a rule-based estimate, not a calibrated probability
	Evidence   []string      // human-readable reasons, in the order they were found
	At         time.Duration // audio time since answer when the decision was taken
}
