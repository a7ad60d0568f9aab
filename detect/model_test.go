package detect

import (
	"strings"
	"testing"
	"time"

	"github.com/dozvon/dozvon/detectstat"
)

// stubModel is a test double of the text model: the same posterior for any
// text, so that the tests below depend on the hooks, not on model.txt.
type stubModel map[string]float64

func (m stubModel) Posterior(string) (map[string]float64, []string) { return m, []string{"stub"} }
func (m stubModel) Explain(string, string, string) []string         { return []string{"stub"} }

// settle feeds audio and texts to a classifier made with cfg and returns
// the settled verdict and the late correction, if any.
func settle(t *testing.T, cfg Config, audio []int16, texts []textAt, span time.Duration) (Decision, *Decision) {
	t.Helper()
	c := New(cfg)
	feedPhrase(c, audio, texts, span)
	d, ok := c.Decision()
	if !ok || !d.Settled {
		t.Fatalf("no settled verdict; %q", d.Evidence)
	}
	if late, ok := c.Correction(); ok {
		return d, &late
	}
	return d, nil
}

// TestModelClassAmongNonPersons: when the rules know no person answered but
// took the class from no decisive cue (the greeting's length), the text
// model names it; a decisive cue of the rules' own keeps its class.
func TestModelClassAmongNonPersons(t *testing.T) {
	ms := time.Millisecond
	assistant := stubModel{"human": 0.001, "voice_assistant": 0.99, "machine": 0.005, "announcement": 0.004}
	audio := newSignal().silence(200 * ms).speech(6500 * ms).silence(2 * time.Second).s
	uncued := []textAt{{900 * ms, "добрый вечер", false}, {2400 * ms, "добрый вечер сегодня среда", false},
		{5000 * ms, "добрый вечер сегодня среда солнечно и тепло", true}}
	cued := []textAt{{900 * ms, "добрый вечер", false}, {2400 * ms, "добрый вечер оставьте сообщение", false},
		{5000 * ms, "добрый вечер оставьте сообщение после сигнала", true}}
	tests := []struct {
		name  string
		cfg   Config
		texts []textAt
		want  Class
	}{
		{"no cue, rules alone: a machine by length", Config{NoModel: true}, uncued, Machine},
		{"no cue, the model says an assistant", Config{Model: assistant}, uncued, VoiceAssistant},
		{"no cue, the model unsure among non-persons", Config{Model: stubModel{"human": 0.001, "voice_assistant": 0.6, "machine": 0.399}}, uncued, Machine},
		{"a decisive machine cue keeps its class", Config{Model: assistant}, cued, Machine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, late := settle(t, tt.cfg, audio, tt.texts, 9*time.Second)
			if late != nil {
				t.Fatalf("a late correction (%s); want a first verdict of no person", late.Class)
			}
			if d.Class != tt.want {
				t.Errorf("settled %s, want %s; %q", d.Class, tt.want, d.Evidence)
			}
			if tt.want == VoiceAssistant && !strings.Contains(strings.Join(d.Evidence, " "), "text model (detectstat)") {
				t.Errorf("the evidence does not name the model: %q", d.Evidence)
			}
		})
	}
}

// TestModelCorrectsAMonologue: a tentative person whose first phrase ran on
// for ModelMonologue without a pause and without a word of answering is
// corrected when the model finds no person in its text; a callee who
// paused, talked shorter or said an answering word is not, nor is anyone
// when the model is unsure.
func TestModelCorrectsAMonologue(t *testing.T) {
	ms := time.Millisecond
	machine := stubModel{"human": 0.00001, "voice_assistant": 0.00001, "machine": 0.99997, "announcement": 0.00001}
	words := []textAt{{1200 * ms, "здравствуйте", false}, {2700 * ms, "здравствуйте сегодня среда", false},
		{4500 * ms, "здравствуйте сегодня среда солнечно и тепло", false}, {5600 * ms, "здравствуйте сегодня среда солнечно и тепло вечером", true}}
	long := newSignal().silence(300 * ms).speech(5500 * ms).silence(3 * time.Second).s
	tests := []struct {
		name  string
		cfg   Config
		audio []int16
		texts []textAt
		want  Class // "" for no correction
	}{
		{"a monologue, the model finds no person", Config{Model: machine}, long, words, Machine},
		{"the same, rules alone", Config{NoModel: true}, long, words, ""},
		{"the same, the model short of the threshold", Config{Model: stubModel{"human": 0.001, "machine": 0.999}}, long, words, ""},
		{"a breath shorter than the monologue", Config{Model: machine}, newSignal().silence(300 * ms).speech(3800 * ms).silence(4 * time.Second).s, words[:3], ""},
		{"the same words with a pause for the robot", Config{Model: machine},
			newSignal().silence(300 * ms).speech(2000 * ms).silence(1200 * ms).speech(3000 * ms).silence(3 * time.Second).s, words, ""},
		{"an answering word in it", Config{Model: machine}, long,
			[]textAt{{1200 * ms, "алло", false}, {2700 * ms, "алло сегодня среда", false}, {5600 * ms, "алло сегодня среда солнечно и тепло вечером", true}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.TentativePerson = true
			c := New(cfg)
			feedPhrase(c, tt.audio, tt.texts, 9*time.Second)
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
			case ok && !strings.Contains(strings.Join(late.Evidence, " "), "text model (detectstat)"):
				t.Errorf("the evidence does not name the model: %q", late.Evidence)
			}
		})
	}
}

// TestBundledModel: the classifier uses the embedded model unless told
// not to, and that model parses.
func TestBundledModel(t *testing.T) {
	if _, err := detectstat.Bundled(); err != nil {
		t.Fatal(err)
	}
	if New(Config{}).cfg.Model == nil {
		t.Error("no bundled model by default")
	}
	if New(Config{NoModel: true}).cfg.Model != nil {
		t.Error("NoModel kept a model")
	}
}
