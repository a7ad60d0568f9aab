package scripts

import (
	"strings"
	"testing"
	"time"
)

// TestReflexiveImperativeIsAnotherVerb: "представьте себе" (imagine) shares
// its stem with "представьтесь" (introduce yourself) but is no request.
func TestReflexiveImperativeIsAnotherVerb(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"who_calling": {Name: "who_calling", Phrases: []string{"представьтесь", "представься"}},
	})
	tests := []struct{ text, want string }{
		{"да, вдвое, представьте себе", ""},
		{"у меня совещание, представь себе", ""},
		{"представьтесь, пожалуйста", "who_calling"},
		{"сначала представься", "who_calling"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestAddressedEndingIsHeardWhole: a verb that speaks to the listener
// ("переживайте") is no misheard third-person phrase word ("проживает");
// a misheard word with the phrase's own ending still matches.
func TestAddressedEndingIsHeardWhole(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"relative": {Name: "relative", Phrases: []string{"не проживает"}},
		"busy":     {Name: "busy", Phrases: []string{"перезвоните"}},
	})
	tests := []struct{ text, want string }{
		{"да заплачу, не переживайте вы так", ""},
		{"он тут не прожывает", "relative"},
		{"перизвоните", "busy"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestFirstNameIsNoMisheardWord: "Света" is a name, not a misheard "сват".
func TestFirstNameIsNoMisheardWord(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"relative": {Name: "relative", Phrases: []string{"сват"}},
	})
	tests := []struct{ text, want string }{
		{"Света, какого числа зарплата? Двадцатого", ""},
		{"это сват его", "relative"},
		{"свад его", "relative"}, // a misheard word that is no name still matches
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if IsKinNoun("света") {
		t.Error(`IsKinNoun("света") = true, want false`)
	}
}

// TestVocativeKinFramesNothing: "Мам, …" calls someone in the room; it does
// not say who the speaker is.
func TestVocativeKinFramesNothing(t *testing.T) {
	isName := func(w string) bool { return strings.HasPrefix(w, "виктор") }
	tests := []struct {
		text string
		want bool
	}{
		{"Алло? Мам, тут какого-то Виктора спрашивают. Скажи, что не туда попали", false},
		{"пап, тебя Виктор какой-то", false},
		{"Это мама Виктора", true},
		{"я его мама", true},
	}
	for _, tc := range tests {
		if got := KinFramed(tc.text, isName); got != tc.want {
			t.Errorf("KinFramed(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestReportedWithParticle: a particle between the sayer and the verb of
// saying ("внук вот говорит") is still an attribution.
func TestReportedWithParticle(t *testing.T) {
	tests := []struct{ text, own, rep string }{
		{"Сейчас нет. Внук вот говорит, в шесть вечера будет удобно. Да, в шесть позвоните",
			"Сейчас нет. Да, в шесть позвоните", "в шесть вечера будет удобно"},
		{"Муж тут подсказывает, в пятницу зарплата", "", "в пятницу зарплата"},
		{"Я вот говорю, в пятницу", "Я вот говорю, в пятницу", ""}, // the caller's own words
	}
	for _, tc := range tests {
		own, rep := Reported(tc.text)
		if strings.TrimSpace(own) != tc.own || rep != tc.rep {
			t.Errorf("Reported(%q) = %q, %q; want %q, %q", tc.text, own, rep, tc.own, tc.rep)
		}
	}
}

// TestEarnest: what follows a mark that ends a joke is the answer.
func TestEarnest(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Ага, щас, миллион прям завтра принесу... Ладно, если серьёзно: в пятницу заплачу пять тысяч", "в пятницу заплачу пять тысяч"},
		{"Ну, шутки в сторону, двадцатого всю сумму", "двадцатого всю сумму"},
		{"заплачу в пятницу", "заплачу в пятницу"},
		{"а если серьёзно", "а если серьёзно"}, // nothing follows: the text stands
	}
	for _, tc := range tests {
		if got := Earnest(tc.text); got != tc.want {
			t.Errorf("Earnest(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestTomorrowWithWeekday: "завтра" and a weekday said together name one
// day; the weekday settles it.
func TestTomorrowWithWeekday(t *testing.T) {
	p := NewTimeParser()
	thu := time.Date(2026, 12, 10, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		text string
		want time.Time
	}{
		{"завтра, в пятницу заплачу", time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC)},
		{"послезавтра в субботу", time.Date(2026, 12, 12, 10, 0, 0, 0, time.UTC)},
		{"завтра", time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC)},
		{"в понедельник", time.Date(2026, 12, 14, 10, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		r, ok := p.Parse(tc.text, thu)
		if !ok || !r.Time.Equal(tc.want) {
			t.Errorf("Parse(%q) = %s, %v; want %s", tc.text, r.Time, ok, tc.want)
		}
	}
}

// TestIronic: the marks a caller uses only in irony about the call's time.
func TestIronic(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"О да, самое время поговорить", true},
		{"Ой, как вовремя, я ребёнка купаю", true},
		{"Нашли время, я на совещании", true},
		{"Да, удобно, говорите", false},
		{"Ну конечно, говорите", false},
		{"время есть", false},
	}
	for _, tc := range tests {
		if got := Ironic(tc.text); got != tc.want {
			t.Errorf("Ironic(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
