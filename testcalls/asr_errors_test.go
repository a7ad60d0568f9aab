package testcalls

import (
	"strings"
	"testing"
)

func TestSimulatedASRErrorsSameSeedSameText(t *testing.T) {
	line := "Да, это я. Перезвоните завтра в 10:30, я сейчас на работе, заплачу 5 000 рублей в пятницу."
	for _, rate := range []float64{0.05, 0.1, 0.2, 0.5} {
		a := SimulatedASRErrors{Rate: rate, Seed: 7}.Corrupt(line, nil, "x")
		b := SimulatedASRErrors{Rate: rate, Seed: 7}.Corrupt(line, nil, "x")
		if a != b {
			t.Errorf("rate %v: one seed gave two texts:\n%q\n%q", rate, a, b)
		}
	}
	a := SimulatedASRErrors{Rate: 0.5, Seed: 1}.Corrupt(line, nil, "x")
	b := SimulatedASRErrors{Rate: 0.5, Seed: 2}.Corrupt(line, nil, "x")
	if a == b {
		t.Errorf("seeds 1 and 2 gave one text at rate 0.5: %q", a)
	}
}

func TestSimulatedASRErrorsRateZeroUnchanged(t *testing.T) {
	line := "Да, это я. Перезвоните завтра в 10:30!"
	if got := (SimulatedASRErrors{Rate: 0, Seed: 3}).Corrupt(line, nil, "x"); got != line {
		t.Errorf("rate 0 changed the line: %q", got)
	}
	cf := &CaseFile{File: "f", Cases: []Case{{Name: "c", Caller: []CallerItem{{Say: line}}}}}
	if got := (SimulatedASRErrors{Rate: 0, Seed: 3}).ApplyFile(cf); got.Cases[0].Caller[0].Say != line {
		t.Errorf("rate 0 changed the file: %q", got.Cases[0].Caller[0].Say)
	}
}

func TestSimulatedASRErrorsRecogniserForm(t *testing.T) {
	// at a rate too small to corrupt, the line is still written as a
	// recogniser prints it
	got := SimulatedASRErrors{Rate: 1e-12, Seed: 1}.Corrupt("Да, это Я! В 10:30 [unk] кто-то", nil, "x")
	want := "да это я в десять часов тридцать минут [unk] кто-то"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSimulatedASRErrorsKinds(t *testing.T) {
	if got := devoice("друг"); got != "друк" {
		t.Errorf("devoice(друг) = %q", got)
	}
	if got := devoice("завтра"); got != "завтра" {
		t.Errorf("devoice(завтра) = %q: only a final consonant devoices", got)
	}
	// at rate 1 every kind fires: words are split, glued, swapped; the
	// line no longer reads as said, and no answer word ("не") is dropped
	line := "я не могу говорить в пятницу"
	got := SimulatedASRErrors{Rate: 1, Seed: 5}.Corrupt(line, nil, "x")
	if got == line || !strings.Contains(strings.ReplaceAll(got, " ", ""), "н") {
		t.Errorf("rate 1: %q", got)
	}
	// each kind at rate 0.3 over many lines: every kind shows up
	var all []string
	for i := range 200 {
		all = append(all, SimulatedASRErrors{Rate: 0.3, Seed: uint64(i)}.Corrupt("я сегодня буду в городе до вечера, перезвоните завтра", nil, "y"))
	}
	joined := " " + strings.Join(all, " | ") + " "
	for _, want := range []string{" ну ", "перезвонитезавтра"} {
		if !strings.Contains(joined, want) {
			t.Errorf("200 lines at rate 0.3 never show %q", want)
		}
	}
	if strings.Contains(joined, " до вечера") && strings.Count(joined, " до ") == 200 {
		t.Errorf("\"до\" is never dropped")
	}
}

func TestSimulatedASRErrorsApplyFileKeepsTheOriginal(t *testing.T) {
	cf := &CaseFile{File: "f", Cases: []Case{{Name: "c", Caller: []CallerItem{{Say: "Перезвоните завтра"}, {Interrupt: "Подождите"}}}}}
	got := SimulatedASRErrors{Rate: 1, Seed: 9}.ApplyFile(cf)
	if cf.Cases[0].Caller[0].Say != "Перезвоните завтра" || cf.Cases[0].Caller[1].Interrupt != "Подождите" {
		t.Errorf("ApplyFile changed its input: %+v", cf.Cases[0].Caller)
	}
	if got.Cases[0].Caller[0].Say == "Перезвоните завтра" || got.Cases[0].Caller[1].Interrupt == "Подождите" {
		t.Errorf("ApplyFile at rate 1 left a line as said: %+v", got.Cases[0].Caller)
	}
	again := SimulatedASRErrors{Rate: 1, Seed: 9}.ApplyFile(cf)
	if again.Cases[0].Caller[0].Say != got.Cases[0].Caller[0].Say {
		t.Errorf("one seed, two texts: %q, %q", again.Cases[0].Caller[0].Say, got.Cases[0].Caller[0].Say)
	}
}
