package detect

import (
	"testing"
	"time"
)

func TestBeepDetector(t *testing.T) {
	tests := []struct {
		name  string
		audio []int16
		want  bool
	}{
		{"greeting then a 1 kHz beep", newSignal().speech(time.Second).silence(300*time.Millisecond).tone(1000, 400*time.Millisecond).silence(400 * time.Millisecond).s, true},
		{"speech only", newSignal().speech(2 * time.Second).silence(300 * time.Millisecond).s, false},
		{"425 Hz ringback is not a beep", newSignal().tone(425, time.Second).silence(300 * time.Millisecond).s, false},
		{"silence", newSignal().silence(time.Second).s, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBeepDetector()
			var got bool
			for i := 0; i+evalFrame <= len(tt.audio); i += evalFrame {
				got = b.Frame(tt.audio[i : i+evalFrame])
			}
			if got != tt.want {
				t.Errorf("beep heard = %v, want %v", got, tt.want)
			}
		})
	}
}
