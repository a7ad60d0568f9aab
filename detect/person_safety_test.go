package detect

import (
	"testing"
	"time"
)

// Issue 16: uncertainty resolves to a person, and the verdict on a person
// does not wait for a pause that may never come. Times are audio time since
// answer, so these checks do not depend on the machine.
func TestUncertaintyResolvesToAPerson(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class
		maxAt    time.Duration // 0: not checked
	}{
		{
			// a rude question back said in one breath: 1.7 s of talk and no
			// answering word until its last one ("кто … звонит")
			name:     "question back",
			answered: newSignal().silence(300 * ms).speech(1700 * ms).silence(3 * time.Second).s,
			texts:    []textAt{{900 * ms, "ну кто", false}, {1600 * ms, "ну кто там опять", false}, {2700 * ms, "ну кто там опять звонит", true}},
			want:     Human,
		},
		{
			// "алло… слушаю" with a relative talking in the room: the line
			// never falls quiet, the words are all a person's
			name:     "answer over background talk",
			answered: newSignal().silence(400 * ms).speech(4 * time.Second).silence(2 * time.Second).s,
			texts:    []textAt{{900 * ms, "алло", false}, {1800 * ms, "алло слушаю", false}},
			want:     Human,
			maxAt:    2500 * ms,
		},
		{
			// words the recognizer found where the level test heard
			// nothing (a clipped or reverberant line): a callee, not a
			// silent line
			name:     "words without detected speech",
			answered: newSignal().silence(6 * time.Second).s,
			texts:    []textAt{{1200 * ms, "алло", false}, {1800 * ms, "алло да говорите же", true}},
			want:     Human,
			maxAt:    2500 * ms,
		},
		{
			// a sender's VAD clips "ну" to a blip; the callee waits, then
			// asks why the caller is silent: the blip is no silent line yet
			name:     "a clipped word, a wait, then the rest",
			answered: newSignal().silence(1900 * ms).speech(80 * ms).silence(1400 * ms).speech(700 * ms).silence(4 * time.Second).s,
			texts:    []textAt{{3700 * ms, "ну чего", false}, {4200 * ms, "ну чего молчите", true}},
			want:     Human,
		},
		{
			// telling the caller off in one breath: four words that are no
			// answering word, no cue of a recording either
			name:     "telling the caller off",
			answered: newSignal().silence(400 * ms).speech(2600 * ms).silence(4 * time.Second).s,
			texts: []textAt{{1100 * ms, "оставьте меня", false}, {1800 * ms, "оставьте меня в покое", false},
				{3300 * ms, "оставьте меня в покое я больше не возьму трубку", true}},
			want: Human,
		},
		{
			// a click or a syllable of echo, nothing recognised: no greeting
			name:     "blip",
			answered: newSignal().silence(400 * ms).speech(80 * ms).silence(5 * time.Second).s,
			want:     Silence,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, nil, tt.answered, tt.texts)
			if d.Class != tt.want {
				t.Errorf("decision %s at %v, want %s; %q", d.Class, d.At, tt.want, d.Evidence)
			}
			if tt.maxAt > 0 && d.At > tt.maxAt {
				t.Errorf("decided at %v, want by %v; %q", d.At, tt.maxAt, d.Evidence)
			}
		})
	}
}

// TestLateCorrection: after a person verdict the classifier keeps watching
// the same first phrase; a greeting that never paused for latePause and then
// names itself is corrected, a person who paused and later says a
// voicemail's words is not.
func TestLateCorrection(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		robot    string // what the robot says after the verdict ("": nothing)
		texts    []textAt
		want     Class // "" for no correction
	}{
		{
			// the robot's own words coming back over a person who keeps
			// talking: its "помощник" is no assistant's cue
			name:     "the robot's echo names an assistant",
			answered: newSignal().silence(300 * ms).speech(1000 * ms).silence(600 * ms).speech(3 * time.Second).s,
			robot:    "Здравствуйте, я виртуальный помощник компании Финансовый контроль.",
			texts: []textAt{{1000 * ms, "алло здравствуйте", false}, {1400 * ms, "алло здравствуйте", true},
				{4400 * ms, "алло здравствуйте кто это помощник компании", false}},
		},
		{
			name:     "assistant opening like a person",
			answered: newSignal().silence(300 * ms).speech(1000 * ms).silence(600 * ms).speech(3 * time.Second).s,
			texts: []textAt{{1000 * ms, "алло здравствуйте", false}, {1400 * ms, "алло здравствуйте", true},
				{3000 * ms, "алло здравствуйте меня зовут вера", false}, {4400 * ms, "алло здравствуйте меня зовут вера я цифровая помощница", false}},
			want: VoiceAssistant,
		},
		{
			// a person asking the caller to introduce themselves, in one
			// breath: an assistant's request, but people make it too
			name:     "person asking who calls",
			answered: newSignal().silence(300 * ms).speech(1000 * ms).silence(600 * ms).speech(2 * time.Second).s,
			texts: []textAt{{1000 * ms, "я вас слушаю", false}, {1400 * ms, "я вас слушаю", true},
				{3400 * ms, "я вас слушаю представьтесь пожалуйста", false}},
		},
		{
			name:     "person who paused, then voicemail words",
			answered: newSignal().silence(300 * ms).speech(800 * ms).silence(1500 * ms).speech(2 * time.Second).s,
			texts: []textAt{{1000 * ms, "алло", true},
				{3500 * ms, "я за рулем не могу ответить оставьте сообщение", true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Config{})
			if tt.robot != "" {
				c.RobotSays(tt.robot)
			}
			feedPhrase(c, tt.answered, tt.texts, 8*time.Second)
			d, ok := c.Decision()
			if !ok || d.Class != Human {
				t.Fatalf("first verdict %s (%v), want a person; %q", d.Class, ok, d.Evidence)
			}
			late, ok := c.Correction()
			switch {
			case tt.want == "" && ok:
				t.Errorf("late correction to %s at %v, want none; %q", late.Class, late.At, late.Evidence)
			case tt.want != "" && (!ok || late.Class != tt.want):
				t.Errorf("late correction %v %s, want %s; %q", ok, late.Class, tt.want, late.Evidence)
			}
			if d2, _ := c.Decision(); d2.Class != Human {
				t.Errorf("the verdict itself changed to %s: a correction must not rewrite it", d2.Class)
			}
		})
	}
}

// TestTentativeCorrectionIsPersonSafe: after a tentative person verdict
// (the call path's) the rules run on, but their non-person verdict corrects
// it only on evidence a person cannot give: a beep, or a cue people never
// say. Long talk with no answering word, "я перезвоню" or a person falling
// silent to listen to the robot hang up on nobody.
func TestTentativeCorrectionIsPersonSafe(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class // "" for no correction
	}{
		{
			// a greeting clipped by a VAD: long talk, no answering word
			name:     "long greeting with no answering word",
			answered: newSignal().silence(300 * ms).speech(4500 * ms).s,
			texts: []textAt{{1500 * ms, "добрый вечер", false}, {3000 * ms, "добрый вечер наталья викторовна", false},
				{4600 * ms, "добрый вечер наталья викторовна слушает вас внимательно", true}},
		},
		{
			name:     "a person who will call back",
			answered: newSignal().silence(300 * ms).speech(3500 * ms).s,
			texts: []textAt{{1500 * ms, "алло сереж", false}, {2800 * ms, "алло сереж я перезвоню", false},
				{3800 * ms, "алло сереж я перезвоню тут совещание", true}},
		},
		{
			// "Эээ… алло?" and then quiet, listening to the robot
			name:     "a person who falls silent to listen",
			answered: newSignal().silence(1800 * ms).speech(700 * ms).silence(5 * time.Second).s,
			texts:    []textAt{{2600 * ms, "алло", true}},
		},
		{
			// talk the recognizer made no word of (a keypad-only line has no
			// recognizer; a clipped "алло"), then quiet, listening: no silence
			// correction, whoever spoke may be waiting for the robot
			name:     "unrecognised talk then quiet",
			answered: newSignal().silence(1500 * ms).speech(900 * ms).silence(6 * time.Second).s,
		},
		{
			// people's words, an answering word among them, in a long
			// breath: a person (no answering word is what a recording lacks)
			name:     "a person who will call back, in one long breath",
			answered: newSignal().silence(300 * ms).speech(4800 * ms).s,
			texts: []textAt{{1500 * ms, "алло", false}, {2800 * ms, "алло я не могу ответить", false},
				{5200 * ms, "алло я не могу ответить перезвоню как только смогу", true}},
		},
		{
			// people's words, then a pause for the caller before
			// monologueCorrection: a person
			name:     "people's words, then a pause",
			answered: newSignal().silence(300 * ms).speech(2800 * ms).silence(700 * ms).speech(1500 * ms).silence(3 * time.Second).s,
			texts: []textAt{{1500 * ms, "к сожалению", false}, {3200 * ms, "к сожалению не могу ответить", true},
				{4700 * ms, "перезвоню позже", true}},
		},
		{
			// the same words in a monologue that never pauses and never
			// answers the phone: a recording
			name:     "people's words in a monologue",
			answered: newSignal().silence(200 * ms).speech(5 * time.Second).silence(2 * time.Second).s,
			texts: []textAt{{1500 * ms, "добрый день к сожалению", false}, {3000 * ms, "добрый день к сожалению я не могу сейчас ответить", false},
				{5300 * ms, "добрый день к сожалению я не могу сейчас ответить перезвоню как только смогу", true}},
			want: Machine,
		},
		{
			name:     "a greeting closed by a beep",
			answered: newSignal().silence(300*ms).speech(3500*ms).tone(1250, 800*ms).silence(2 * time.Second).s,
			texts: []textAt{{1500 * ms, "привет это катя", false},
				{3800 * ms, "привет это катя меня нет но ты знаешь что делать", true}},
			want: Machine,
		},
		{
			name:     "a recording saying whom you called",
			answered: newSignal().silence(300 * ms).speech(4000 * ms).silence(3 * time.Second).s,
			texts: []textAt{{1500 * ms, "здравствуйте", false},
				{4300 * ms, "здравствуйте вы позвонили в стоматологию жемчуг", true}},
			want: Machine,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			personThenCorrection(t, tt.answered, tt.texts, 8*time.Second, tt.want)
		})
	}
}

// feedPhrase plays answered (then silence) to c frame by frame for span of
// audio time, handing it each text at its moment.
func feedPhrase(c *Classifier, answered []int16, texts []textAt, span time.Duration) {
	silent := make([]int16, evalFrame)
	var now time.Duration
	for i := 0; now < span; i += evalFrame {
		frame := silent
		if i+evalFrame <= len(answered) {
			frame = answered[i : i+evalFrame]
		}
		c.Frame(frame, false)
		now += 20 * time.Millisecond
		for len(texts) > 0 && texts[0].at <= now {
			c.Text(texts[0].text, texts[0].final)
			texts = texts[1:]
		}
	}
}

// TestStrictCueByTheDeadline: a cue people never say ("абонент занят")
// forbids a person verdict for good, so the robot learns by PersonDeadline
// that no person answered, even when a pause split the talk and its length
// never reached EarlyGreeting.
func TestStrictCueByTheDeadline(t *testing.T) {
	ms := time.Millisecond
	answered := newSignal().silence(300 * ms).speech(1200 * ms).silence(550 * ms).speech(2500 * ms).silence(3 * time.Second).s
	texts := []textAt{{1200 * ms, "абонент занят", false}, {2300 * ms, "абонент занят с вами говорит", false},
		{4400 * ms, "абонент занят с вами говорит его помощник", true}}
	c := New(Config{TentativePerson: true})
	feedPhrase(c, answered, texts, 2500*ms)
	d, ok := c.Decision()
	if !ok || d.Class == Human {
		t.Fatalf("verdict by 2.5 s: %s (%v), want no person; %q", d.Class, ok, d.Evidence)
	}
}

// TestOnePhraseThenAWait (round 11): four words with no answering word and
// no cue, 1.7 s of talk, are "not a person" as the phrase ends (stage one's
// uncued rule) — but a voice that then waits for the caller to the end of
// the analysis time is a person ("не надо мне ничего"); a voice that talks
// on after its pause is not (a recording's second sentence).
func TestOnePhraseThenAWait(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class
	}{
		{
			name:     "one phrase, then the callee waits",
			answered: newSignal().silence(300 * ms).speech(1700 * ms).silence(6 * time.Second).s,
			texts:    []textAt{{1000 * ms, "не надо", false}, {1800 * ms, "не надо мне ничего", false}, {2300 * ms, "не надо мне ничего", true}},
			want:     Human,
		},
		{
			name:     "a phrase, a pause, and the voice talks on",
			answered: newSignal().silence(300 * ms).speech(1700 * ms).silence(800 * ms).speech(1500 * ms).silence(4 * time.Second).s,
			texts: []textAt{{1000 * ms, "это катя", false}, {1800 * ms, "это катя сейчас ответить", false},
				{2300 * ms, "это катя сейчас ответить", true}, {4300 * ms, "перезвоните мне вечером", true}},
			want: Machine,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := run(t, nil, tt.answered, tt.texts)
			if d.Class != tt.want || d.Provisional == "" || d.Provisional == Human {
				t.Errorf("decision %s (provisional %q) at %v, settled at %v; want %s after an early non-person verdict; %q",
					d.Class, d.Provisional, d.At, d.SettledAt, tt.want, d.Evidence)
			}
		})
	}
}

// noiseBursts is line noise over the floor with no voice in it: bursts of
// white noise (crackle, packet-loss bursts, comfort-noise steps), 150-500 ms
// each with 100-300 ms of quiet between them.
func (g *signal) noiseBursts(d time.Duration) *signal {
	end := len(g.s) + samplesOf(d)
	for len(g.s) < end {
		burst := samplesOf(time.Duration(150+g.rng.IntN(350)) * time.Millisecond)
		for range burst {
			g.s = append(g.s, int16(2500*g.rng.NormFloat64()))
		}
		g.silence(time.Duration(100+g.rng.IntN(200)) * time.Millisecond)
	}
	g.s = g.s[:end]
	return g
}

// TestLineNoiseIsNoPerson: sound over the noise floor that the recognizer
// made no word of and that has no voice's pitch is line noise: the tentative
// person given on it at the deadline is corrected to silence at the end of
// the analysis time. A voice the recognizer made nothing of keeps its person
// verdict (TestTentativeCorrectionIsPersonSafe, "unrecognised talk then
// quiet"), and so does the same noise with a word recognised in it.
func TestLineNoiseIsNoPerson(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class // "" for no correction
	}{
		{name: "noise bursts, no word", answered: newSignal().silence(400 * ms).noiseBursts(4 * time.Second).silence(4 * time.Second).s, want: Silence},
		{name: "noise bursts from the start to the end", answered: newSignal().noiseBursts(8 * time.Second).s, want: Silence},
		{name: "a voice, no word", answered: newSignal().silence(400 * ms).speech(1500 * ms).silence(6 * time.Second).s},
		{name: "a voice between noise bursts, no word", answered: newSignal().noiseBursts(1200 * ms).speech(1500 * ms).noiseBursts(1500 * ms).silence(4 * time.Second).s},
		{name: "noise bursts with a word recognised", answered: newSignal().silence(400 * ms).noiseBursts(4 * time.Second).silence(4 * time.Second).s,
			texts: []textAt{{1500 * ms, "алло", true}}},
		{name: "noise bursts with a partial word the recognizer took back", answered: newSignal().silence(400 * ms).noiseBursts(4 * time.Second).silence(4 * time.Second).s,
			texts: []textAt{{1500 * ms, "алло", false}, {2000 * ms, "", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			personThenCorrection(t, tt.answered, tt.texts, 9*time.Second, tt.want)
		})
	}
}

func TestVoicePitch(t *testing.T) {
	t.Parallel()
	share := func(s []int16) float64 {
		n, p := 0, 0
		for i := 0; i+evalFrame <= len(s); i += evalFrame {
			n++
			if voicePitch(s[i : i+evalFrame]) {
				p++
			}
		}
		return float64(p) / float64(n)
	}
	if got := share(newSignal().speech(2 * time.Second).s); got < 0.5 {
		t.Errorf("voice-like signal: %.2f of frames pitched, want most", got)
	}
	if got := share(newSignal().noiseBursts(2 * time.Second).s); got > 0.02 {
		t.Errorf("white-noise bursts: %.2f of frames pitched, want none", got)
	}
	if got := share(newSignal().silence(2 * time.Second).withBrownNoise().s); got > 0.02 {
		t.Errorf("brown noise: %.2f of frames pitched, want none", got)
	}
	if voicePitch(make([]int16, 40)) {
		t.Error("a 5 ms frame cannot show a pitch")
	}
}

// TestCarrierTextReadOut (round 13): a carrier's message with no cue word,
// naming two words about the line, read out without a pause for
// carrierMonologue and with no word of answering the phone, corrects a
// tentative person to an announcement; third-person words about the number
// said by a person — one such word, a shorter breath, a pause, or after an
// answering word — do not.
func TestCarrierTextReadOut(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		answered []int16
		texts    []textAt
		want     Class // "" for no correction
	}{
		{
			name:     "a carrier's message read out in one breath",
			answered: newSignal().silence(300 * ms).speech(5000 * ms).silence(4 * time.Second).s,
			texts: []textAt{{2000 * ms, "услуга связи", false}, {3800 * ms, "услуга связи приостановлена обратитесь", false},
				{5400 * ms, "услуга связи приостановлена обратитесь к оператору", true}},
			want: Announcement,
		},
		{
			name:     "the same message in a breath shorter than a carrier's",
			answered: newSignal().silence(300 * ms).speech(4000 * ms).silence(4 * time.Second).s,
			texts: []textAt{{2000 * ms, "услуга связи", false}, {3500 * ms, "услуга связи приостановлена обратитесь", false},
				{4400 * ms, "услуга связи приостановлена обратитесь к оператору", true}},
		},
		{
			name:     "one word about the line in a long breath",
			answered: newSignal().silence(300 * ms).speech(5000 * ms).silence(4 * time.Second).s,
			texts: []textAt{{2000 * ms, "этот номер", false}, {3800 * ms, "этот номер давно сменился сюда", false},
				{5400 * ms, "этот номер давно сменился сюда звонят постоянно не звоните", true}},
		},
		{
			name:     "a person who says it is the wrong number, then waits",
			answered: newSignal().silence(300 * ms).speech(1300 * ms).silence(6 * time.Second).s,
			texts:    []textAt{{1200 * ms, "вы ошиблись", false}, {1900 * ms, "вы ошиблись номером", true}},
		},
		{
			name:     "a person's long complaint, shorter than a monologue",
			answered: newSignal().silence(300 * ms).speech(3000 * ms).silence(5 * time.Second).s,
			texts: []textAt{{2000 * ms, "девушка этот", false}, {3000 * ms, "девушка этот номер давно не его", false},
				{3600 * ms, "девушка этот номер давно не его не звоните сюда больше", true}},
		},
		{
			name:     "the same words in two phrases with a pause between",
			answered: newSignal().silence(300 * ms).speech(2200 * ms).silence(700 * ms).speech(2200 * ms).silence(3 * time.Second).s,
			texts: []textAt{{2000 * ms, "услуга связи", false}, {2800 * ms, "услуга связи приостановлена", true},
				{5700 * ms, "обратитесь к оператору", true}},
		},
		{
			name:     "an answering word, then talk about the number",
			answered: newSignal().silence(300 * ms).speech(4500 * ms).silence(3 * time.Second).s,
			texts: []textAt{{2000 * ms, "алло", false}, {3500 * ms, "алло этот номер давно", false},
				{4900 * ms, "алло этот номер давно сменился сюда звонят постоянно", true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			personThenCorrection(t, tt.answered, tt.texts, 9*time.Second, tt.want)
		})
	}
}

// personThenCorrection feeds answered with texts for length to a
// classifier with tentative persons and checks that its first verdict is
// a person and that it is corrected late to want ("" : not at all).
func personThenCorrection(t *testing.T, answered []int16, texts []textAt, length time.Duration, want Class) {
	t.Helper()
	c := New(Config{TentativePerson: true})
	feedPhrase(c, answered, texts, length)
	d, ok := c.Decision()
	if !ok || d.Class != Human {
		t.Fatalf("first verdict %s (%v), want a person; %q", d.Class, ok, d.Evidence)
	}
	late, ok := c.Correction()
	switch {
	case want == "" && ok:
		t.Errorf("late correction to %s at %v, want none; %q", late.Class, late.At, late.Evidence)
	case want != "" && (!ok || late.Class != want):
		t.Errorf("late correction %v %s, want %s; %q (verdict %q)", ok, late.Class, want, late.Evidence, d.Evidence)
	}
}
