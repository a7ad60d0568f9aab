package detect

import (
	"testing"
	"time"
)

// feed drives a classifier over audio followed by silence for up to 10 s,
// with the robot speaking for robotFor from the answer (told its words when
// robotText is set), delivering texts on time; it returns the first verdict
// (person or not) and the settled one.
func feed(t *testing.T, audio []int16, robotText string, robotFor time.Duration, texts []textAt) (first, settled Decision) {
	t.Helper()
	c := New(Config{})
	if robotText != "" {
		c.RobotSays(robotText)
	}
	silent := make([]int16, evalFrame)
	var now time.Duration
	var haveFirst bool
	for i := 0; now < 10*time.Second; i += evalFrame {
		frame := silent
		if i+evalFrame <= len(audio) {
			frame = audio[i : i+evalFrame]
		}
		c.Frame(frame, now < robotFor)
		now += 20 * time.Millisecond
		for len(texts) > 0 && texts[0].at <= now {
			c.Text(texts[0].text, texts[0].final)
			texts = texts[1:]
		}
		d, ok := c.Decision()
		if !ok {
			continue
		}
		if !haveFirst {
			first, haveFirst = d, true
		}
		if d.Settled {
			return first, d
		}
	}
	t.Fatal("no settled decision after 10 s of audio")
	return
}

// TestToneBeforeSpeechIsAClippedSIT: a SIT-band tone no longer than a SIT
// segment, heard before any speech, is what packet loss leaves of a carrier's
// SIT sequence (issue 16: "beep in announcement under loss"); the same tone
// after a greeting closes a voicemail greeting, and a long tone before the
// words is a beep all the same.
func TestToneBeforeSpeechIsAClippedSIT(t *testing.T) {
	ms := time.Millisecond
	words := []textAt{{1800 * ms, "вызываемый номер", false}, {3600 * ms, "вызываемый номер временно", true}}
	tests := []struct {
		name  string
		audio []int16
		want  Class
	}{
		{"a 150 ms SIT-band tone, then the words", newSignal().silence(300*ms).tone(920, 150*ms).silence(100 * ms).speech(2500 * ms).s, Announcement},
		{"the same tone after the words", newSignal().silence(300*ms).speech(2500*ms).silence(100*ms).tone(920, 150*ms).s, Machine},
		{"a 600 ms tone before the words", newSignal().silence(300*ms).tone(1000, 600*ms).silence(100 * ms).speech(2500 * ms).s, Machine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, d := feed(t, tt.audio, "", 0, words)
			if d.Class != tt.want {
				t.Errorf("settled %s, want %s; %q", d.Class, tt.want, d.Evidence)
			}
		})
	}
}

// TestEchoBitsOnSilentLine: on a line without echo cancellation a silent
// callee's line carries bits of the robot's own greeting back. Sound heard
// only while the robot speaks, with nothing recognised, greets nobody when
// the classifier knows the robot is talking; a recognised word over it is a
// person's.
func TestEchoBitsOnSilentLine(t *testing.T) {
	ms := time.Millisecond
	const robot = "Здравствуйте! Это компания Финансовый контроль."
	echo := newSignal().silence(600 * ms).speech(250 * ms).silence(900 * ms).speech(200 * ms).s
	tests := []struct {
		name      string
		robotText string
		texts     []textAt
		want      Class
	}{
		{"robot's words known, nothing recognised", robot, nil, Silence},
		{"robot's words unknown: the old reading, a short greeting", "", nil, Human},
		{"a word recognised over the robot", robot, []textAt{{1100 * ms, "да", true}}, Human},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, d := feed(t, echo, tt.robotText, 4*time.Second, tt.texts)
			if d.Class != tt.want {
				t.Errorf("settled %s, want %s; %q", d.Class, tt.want, d.Evidence)
			}
		})
	}
}

// TestOneWordOverTheRobotEcho: a name said first, over the robot's greeting
// whose echo lengthens the talk past MaxGreeting ("Кузнецов… слушает", issue
// 16's held-out miss), is not taken for a recording on its length; since
// round 4 neither is the same one word for longTalk with the robot quiet (a
// name said over a television was lost that way: one recognised word in
// long talk says the rest is someone else or the line, not a recording).
func TestOneWordOverTheRobotEcho(t *testing.T) {
	ms := time.Millisecond
	audio := newSignal().silence(300 * ms).speech(3300 * ms).s
	texts := []textAt{{1200 * ms, "кузнецов", false}, {4200 * ms, "кузнецов слушает", true}}
	tests := []struct {
		name     string
		robotFor time.Duration
		human    bool
	}{
		{"over the robot", 5 * time.Second, true},
		{"robot quiet", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, _ := feed(t, audio, "", tt.robotFor, texts)
			if (first.Class == Human) != tt.human {
				t.Errorf("first verdict %s at %v, want human %v; %q", first.Class, first.At, tt.human, first.Evidence)
			}
		})
	}
}

// TestCarrierWordsThenAnAssistant: the carrier's words give the "no person"
// verdict at once, but the class waits for the voice to pause: an assistant
// that opens with them and talks on is an assistant; a carrier's sentence
// followed by a pause is an announcement.
func TestCarrierWordsThenAnAssistant(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name  string
		audio []int16
		texts []textAt
		want  Class
	}{
		{"assistant quoting the carrier", newSignal().silence(300 * ms).speech(4 * time.Second).silence(2 * time.Second).s,
			[]textAt{{1500 * ms, "абонент временно недоступен", false}, {3600 * ms, "абонент временно недоступен ваш звонок принял ассистент", false}},
			VoiceAssistant},
		{"carrier's sentence and a pause", newSignal().silence(300 * ms).speech(1800 * ms).silence(3 * time.Second).s,
			[]textAt{{1500 * ms, "абонент временно недоступен", false}, {2300 * ms, "абонент временно недоступен", true}},
			Announcement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, d := feed(t, tt.audio, "", 0, tt.texts)
			if first.Class == Human || first.At > 1600*ms {
				t.Errorf("first verdict %s at %v, want not a person at the carrier's words; %q", first.Class, first.At, first.Evidence)
			}
			if d.Class != tt.want {
				t.Errorf("settled %s, want %s; %q", d.Class, tt.want, d.Evidence)
			}
		})
	}
}
