package detect

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDecisionJSON: the shape `dozvon detect file --json` prints (moved
// from cmd): times in milliseconds, the first guess only when there is one.
func TestDecisionJSON(t *testing.T) {
	check := func(d Decision, want string) {
		t.Helper()
		if b, err := json.Marshal(d.JSON()); err != nil || string(b) != want {
			t.Errorf("got %s, %v\nwant %s", b, err, want)
		}
	}
	// a person at once
	check(Decision{Class: Human, Confidence: 0.9, At: 850 * time.Millisecond, SettledAt: 850 * time.Millisecond, Evidence: []string{"алло"}},
		`{"class":"human","confidence":0.9,"at_ms":850,"settled_ms":850,"evidence":["алло"]}`)
	// a class settled after a first guess
	check(Decision{Class: Machine, Provisional: VoiceAssistant, Confidence: 0.6, At: 2 * time.Second, SettledAt: 4500 * time.Millisecond},
		`{"class":"machine","confidence":0.6,"at_ms":2000,"settled_ms":4500,"provisional":"voice_assistant","evidence":null}`)
}
