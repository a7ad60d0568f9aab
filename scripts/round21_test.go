package scripts

import "testing"

// TestPlainWordsAreHeardWhole: an everyday word one letter off a phrase word
// ("позвольте" — "позвоните", "наверное" — "неверно") matches only by its
// own stem; a garbled phrase word still matches by tolerance.
func TestPlainWordsAreHeardWhole(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"busy": {Name: "busy", Phrases: []string{"позвоните", "опосля"}},
		"no":   {Name: "no", Phrases: []string{"неверно", "нисколько"}},
		"stop": {Name: "stop", Phrases: []string{"идите", "обедаю"}},
	})
	tests := []struct{ text, want string }{
		{"позвольте, а кто спрашивает", ""},
		{"наверное, я", ""},
		{"да, могу уделить несколько минут", ""},
		{"видите ли, денег нет", ""},
		{"мама обещала помочь", ""},
		{"пазвоните завтра", "busy"},
		{"неверно", "no"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestSoftImperative: "прошу меня не тревожить" is the request "не
// тревожьте", an "-ить" verb whose imperative softens.
func TestSoftImperative(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"stop_calling": {Name: "stop_calling", Phrases: []string{"не тревожьте", "не звоните"}},
	})
	tests := []struct{ text, want string }{
		{"прошу меня впредь не тревожить", "stop_calling"},
		{"прошу больше не звонить", "stop_calling"},
		{"прошу тревожить", ""},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	if got := softImperative("тревожить"); got != "тревожьте" {
		t.Errorf("softImperative(тревожить) = %q", got)
	}
	if got := softImperative("беспокоить"); got != "" {
		t.Errorf("softImperative(беспокоить) = %q, want none (imperative builds беспокойте)", got)
	}
}

// TestDashIsCopulaForKin: "Аркадий Львович — мой супруг" says who the
// speaker is to the debtor; the dash is "is", no clause break.
func TestDashIsCopulaForKin(t *testing.T) {
	isName := func(w string) bool { return w == "аркадий" || w == "львович" }
	tests := []struct {
		text string
		want bool
	}{
		{"Позвольте, Аркадий Львович — мой супруг. Он отдыхает", true},
		{"Аркадий Львович мой супруг", true},
		{"у меня супруг в больнице", false},
	}
	for _, tc := range tests {
		if got := KinFramed(tc.text, isName); got != tc.want {
			t.Errorf("KinFramed(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestRound21Breadth: a sample of the round-21 paraphrases, one or two per
// intent and register, read by the bundled phrase base.
func TestRound21Breadth(t *testing.T) {
	s, err := Load("collection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"так и есть", "yes"},
		{"разумеется", "yes"},
		{"честь имею, Вяземский", "yes"},
		{"ни в коем случае", "no"},
		{"слыхом не слыхивал", "wrong_person"},
		{"таковая здесь не проживает", "not_me"},
		{"с кем имею честь?", "who_calling"},
		{"где номер взяли?", "where_number"},
		{"не хочу с роботом", "human"},
		{"оставьте меня в покое", "stop_calling"},
		{"говорите громче", "repeat"},
		{"намерен погасить", "pay_yes"},
		{"с деньгами туго", "cannot_pay"},
		{"я стеснён в средствах", "cannot_pay"},
		{"давайте потихоньку", "restructuring"},
		{"можно отсрочить платёж", "holiday"},
		{"с глазу на глаз", "meeting"},
		{"один момент", "wait"},
		{"не самое удобное время", "busy"},
		{"я у неё по хозяйству помогаю", "relative"},
	}
	for _, tc := range tests {
		if got := s.Matcher().Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestWithoutNavigator: a car navigator's announcement joined into the
// caller's reply is taken out, with its distance and turn; the caller's
// words stay.
func TestWithoutNavigator(t *testing.T) {
	tests := []struct{ in, want string }{
		{"через двести метров поверните направо [unk] так в пятницу заплачу десять тысяч", "[unk] так в пятницу заплачу десять тысяч"},
		{"да удобно впереди камера говорите", "да удобно говорите"},
		{"в пятницу заплачу десять тысяч", "в пятницу заплачу десять тысяч"},
		{"перезвоните через час", "перезвоните через час"},
	}
	for _, tc := range tests {
		if got := WithoutNavigator(tc.in); got != tc.want {
			t.Errorf("WithoutNavigator(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := OwnAnswer("через двести метров поверните направо да я"); got != "да я" {
		t.Errorf("OwnAnswer = %q, want the caller's words", got)
	}
}

// TestClippedName: "...талья слушаю" — a hands-free line clipped the name's
// first sound or two; a shorter remainder or another word is no name.
func TestClippedName(t *testing.T) {
	is := NameMatcher("Наталья", "Орлова Наталья Петровна")
	for w, want := range map[string]bool{"талья": true, "аталья": true, "алья": false, "лова": true, "ова": false, "рлова": true, "ушаю": false} {
		if got := is(w); got != want {
			t.Errorf("NameMatcher(%q) = %v, want %v", w, got, want)
		}
	}
}
