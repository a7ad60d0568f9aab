package detect

import (
	"testing"
	"time"
)

func TestClassifyEarly(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		audio []int16
		text  string
		want  bool
	}{
		{"ringback, SIT tones, then a message", newSignal().tone(425, time.Second).silence(time.Second).sit().speech(2 * time.Second).s, "", true},
		{"announcement text without SIT", newSignal().speech(2500 * ms).s, "аппарат абонента выключен или находится вне зоны действия сети", true},
		{"ringback only", newSignal().tone(425, time.Second).silence(4*time.Second).tone(425, time.Second).s, "", false},
		{"music instead of ringback", newSignal().speech(3 * time.Second).s, "", false},
		{"a voicemail-like text is not a carrier message", newSignal().speech(2 * time.Second).s, "оставьте сообщение после сигнала", false},
		{"nothing heard", nil, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := ClassifyEarly(tt.audio, tt.text)
			if ok != tt.want {
				t.Fatalf("announcement = %v (%+v), want %v", ok, d, tt.want)
			}
			if ok && (d.Class != Announcement || len(d.Evidence) == 0 || !d.Settled) {
				t.Errorf("decision %+v: want a settled announcement with evidence", d)
			}
		})
	}
}
