package detect

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
	"time"
)

func TestSimulateRecognizer(t *testing.T) {
	ms := time.Millisecond
	// "алё", a long pause, then a longer phrase: the short word must stay in
	// the first utterance and come out right after it, not after the pause.
	audio := newSignal().silence(500 * ms).speech(300 * ms).silence(1500 * ms).speech(1500 * ms).s
	evs := simulateRecognizer(audio, "алё говорите я слушаю")
	var finals []string
	for _, e := range evs {
		if e.final {
			finals = append(finals, e.text)
		}
	}
	if want := []string{"алё", "говорите я слушаю"}; !reflect.DeepEqual(finals, want) {
		t.Fatalf("finals = %q, want %q", finals, want)
	}
	first := evs[0]
	if first.text != "алё" || first.at > 800*ms+partialLag+20*ms {
		t.Errorf("first event = %+v, want the partial \"алё\" by %v", first, 800*ms+partialLag)
	}
	if !sort.SliceIsSorted(evs, func(i, j int) bool { return evs[i].at < evs[j].at }) {
		t.Errorf("events out of order: %+v", evs)
	}
	if got := simulateRecognizer(newSignal().silence(time.Second).s, ""); len(got) != 0 {
		t.Errorf("no text: events %+v, want none", got)
	}
	// text but no speech (e.g. only a tone): one final at the end of the audio
	got := simulateRecognizer(newSignal().tone(1000, time.Second).s, "после сигнала")
	if len(got) != 1 || !got[0].final || got[0].at != time.Second {
		t.Errorf("tone only: events %+v, want one final at 1s", got)
	}
}

func TestReportJSONShape(t *testing.T) {
	rep := Report{Files: []FileResult{
		{Label: Human, Decision: Decision{Class: Human, At: 1200 * time.Millisecond, SettledAt: 1200 * time.Millisecond}},
		{Label: Human, Decision: Decision{Class: Machine, At: 3000 * time.Millisecond, SettledAt: 3000 * time.Millisecond}},
		{Label: Silence, Decision: Decision{Class: Silence, At: 2500 * time.Millisecond, SettledAt: 2500 * time.Millisecond}},
		// not a person at 1.8 s, guessed machine, settled as an assistant at 4 s
		{Label: VoiceAssistant, Decision: Decision{Class: VoiceAssistant, Provisional: Machine, At: 1800 * time.Millisecond, SettledAt: 4 * time.Second}},
	}, Confusion: map[string]map[string]int{}}
	rep.summarise()
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"n":4,"accuracy":0.75,"human_misclassified_rate":0.5,` +
		`"accuracy_ci95":[0.3006,0.9544],"human_misclassified_ci95":[0.0945,0.9055],` +
		`"confusion":{"human":{"human":1,"machine":1},"silence":{"silence":1},"voice_assistant":{"voice_assistant":1}},` +
		`"latency_ms":{"p50":1800,"p95":3000},"class_latency_ms":{"p50":2500,"p95":4000},` +
		`"nonhuman_latency_ms":{"p50":1800,"p95":2500},"first_guess_accuracy":0.5,` +
		`"final":{"accuracy":0.75,"accuracy_ci95":[0.3006,0.9544],"persons_lost":1,"persons":2,"corrections":0,"corrected_persons":0,` +
		`"settled_ms":{"p50":2500,"p95":4000}}}`
	if string(b) != want {
		t.Errorf("json =\n%s\nwant\n%s", b, want)
	}
}

// TestFinalFiguresCountCorrections: the final figures take the class a late
// correction gives (the call path acts on it) and its time, and count a
// person it took.
func TestFinalFiguresCountCorrections(t *testing.T) {
	person := Decision{Class: Human, At: 2400 * time.Millisecond, SettledAt: 2400 * time.Millisecond, Settled: true}
	rep := Summarise([]FileResult{
		{Label: Machine, Decision: person, Late: &Decision{Class: Machine, At: 5 * time.Second, Provisional: Human}},
		{Label: Human, Decision: person, Late: &Decision{Class: VoiceAssistant, At: 3 * time.Second, Provisional: Human}},
		{Label: Human, Decision: person},
	})
	f := rep.Final
	if rep.Accuracy != 0.6667 || f.Accuracy != 0.6667 || f.Corrections != 2 || f.CorrectedPersons != 1 || f.PersonsLost != 1 || f.Persons != 2 {
		t.Errorf("first accuracy %v, final %+v: want 2/3 both ways, 2 corrections, 1 person lost by one", rep.Accuracy, f)
	}
	if f.SettledMS.P95 != 5000 || rep.ClassLatencyMS.P95 != 2400 {
		t.Errorf("final settled %+v, first class %+v: want the correction's 5 s in the final figures only", f.SettledMS, rep.ClassLatencyMS)
	}
}
