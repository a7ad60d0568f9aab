package detect

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDecisionJSON: the shape `dozvon detect file --json` prints (moved
// from cmd): times in milliseconds, the first guess only when there is one.
func TestDecisionJSON(t *testing.T) {
	tests := []struct {
		name string
		d    Decision
		want string
	}{
		{"a person at once", Decision{Class: Human, Confidence: 0.9, At: 850 * time.Millisecond, SettledAt: 850 * time.Millisecond, Evidence: []string{"алло"}},
			`{"class":"human","confidence":0.9,"at_ms":850,"settled_ms":850,"evidence":["алло"]}`},
		{"settled after a first guess", Decision{Class: Machine, Provisional: VoiceAssistant, Confidence: 0.6, At: 2 * time.Second, SettledAt: 4500 * time.Millisecond},
			`{"class":"machine","confidence":0.6,"at_ms":2000,"settled_ms":4500,"provisional":"voice_assistant","evidence":null}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.d.JSON())
		if err != nil || string(b) != tt.want {
			t.Errorf("%s: got %s, %v\nwant %s", tt.name, b, err, tt.want)
		}
	}
}
