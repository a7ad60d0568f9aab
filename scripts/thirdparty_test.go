package scripts

import "testing"

func TestSpeaksOfAnother(t *testing.T) {
	names := map[string]bool{}
	for _, n := range []string{"оксана", "оксаны", "станислава", "жуков", "жукова"} {
		names[Stem(n)] = true
	}
	isName := func(w string) bool { return names[Stem(w)] }
	tests := []struct {
		in   string
		want bool
	}{
		{"Салон красоты, Оксана сейчас с клиентом", true},
		{"Станислава нет", true},
		{"Жуков в отпуске", true},
		{"Это её сменщица", true},
		{"сменщица её, Оксаны нет", true},
		{"это его напарник", true},
		{"юрист Жукова", true},
		{"Оксана слушает", false},
		{"да, Оксана", false},
		{"я Оксана", false},
		{"это не Оксана", false},          // the denial is the robot's correction
		{"никакой Оксаны не знаю", false}, // nor a new owner's
		{"Оксана? Нет, вы ошиблись", false},
		{"я его недавно купила", false},
		{"позвоните ей в пятницу", false},
		{"кто вы", false},
		// round 7: a noun of kinship beside the name
		{"это девушка Оксаны", true},
		{"Жукова сестра слушает", true},
		{"девушка, Оксана слушает", false},
	}
	for _, tc := range tests {
		if got := SpeaksOfAnother(tc.in, isName); got != tc.want {
			t.Errorf("SpeaksOfAnother(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestIsRoleNoun(t *testing.T) {
	for w, want := range map[string]bool{"сменщица": true, "напарником": true, "учитель": true, "юрист": true,
		"кладовщица": true, "работник": true, "понедельник": false, "пятницу": false, "хотел": false, "больнице": false,
		"номер": false, "дома": false} {
		if got := IsRoleNoun(w); got != want {
			t.Errorf("IsRoleNoun(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestNameDenied(t *testing.T) {
	for in, want := range map[string]bool{"нет тут петра": true, "здесь нет петра": true, "это не петр": true,
		"никакого петра": true, "петра я не знаю": true, "петра не знаю": true, "петра не будет": false, "петра нет": false, "нет петра дома": false, "да петр": false} {
		toks := Tokens(in)
		i := 0
		for k, w := range toks {
			if Stem(w) == "петр" {
				i = k
			}
		}
		if got := NameDenied(toks, i); got != want {
			t.Errorf("NameDenied(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestKinFramed: a noun of kinship or work says who answered only in a frame
// that ties it to the speaker or the debtor; the debtor's own story does not.
func TestKinFramed(t *testing.T) {
	isName := func(w string) bool { return Stem(w) == "петр" || w == "петя" || w == "петина" }
	for in, want := range map[string]bool{
		"я его брат": true, "это жена": true, "Муж.": true, "а, жена": true, "тётка её я": true,
		"девушка Петина": true, "Пётр мой муж": true, "бухгалтерия слушает": true, "это его мама": true,
		"это дочька его": true, "я систра": true,
		"у меня жена в больнице": false, "сын болеет, все деньги на лекарства": false,
		"я с мамой поговорю": false, "мы с братом бизнес открывали": false, "начальник зарплату задерживает": false, "начальник говорит, что к концу месяца дадут": false,
	} {
		if got := KinFramed(in, isName); got != want {
			t.Errorf("KinFramed(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSelfStory(t *testing.T) {
	tests := []struct {
		text, phrase string
		want         bool
	}{
		{"я уехал на заработки", "уехал", true},
		{"у меня отец умер, похороны", "умер", true},
		{"мы переехали", "переехал", true},
		{"он уехал в командировку", "уехал", false},
		{"уехал он, нету", "уехал", false},
		{"я жена", "жена", false}, // a kin noun is KinFramed's business
		{"да, уволили в ноябре", "уволился", true},
		{"уволилась она давно", "уволилась", false},
		{"он скончилса", "скончался", false}, // a recogniser's "са" for "ся": still the reflexive verb
		{"съехали давно", "съехал", false},
	}
	for _, tc := range tests {
		if got := SelfStory(tc.text, tc.phrase); got != tc.want {
			t.Errorf("SelfStory(%q, %q) = %v, want %v", tc.text, tc.phrase, got, tc.want)
		}
	}
}

func TestSpeakerRoleFrame(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"А зачем она вам? Я её адвокат, все вопросы через меня", true},
		{"я его представитель", true},
		{"я его мать", true},
		{"я его знаю", false},
		{"я её видела вчера", false},
		{"я его передам", false},
		{"я его не знаю", false},
		{"я её тоже жду", false},
		{"я его номер взял", false},
	} {
		if got := SpeaksOfAnother(tc.text, nil); got != tc.want {
			t.Errorf("SpeaksOfAnother(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestNameWithThirdPersonVerb(t *testing.T) {
	is := NameMatcher("Иван", "Иванов Иван Иванович")
	for in, want := range map[string]bool{
		"Иван Иванович ведёт приём, перезвоните позже": true,
		"Иван работает до шести":                       true,
		"Иван слушает":                                 false,
		"да, я Иван, говорите":                         false,
	} {
		if got := SpeaksOfAnother(in, is); got != want {
			t.Errorf("SpeaksOfAnother(%q) = %v, want %v", in, got, want)
		}
	}
	if !IntroducedBy("Фирма «Старт», менеджер Ольга") || IntroducedBy("позовите менеджера") {
		t.Error("IntroducedBy: want a title with a first name only")
	}
}

func TestAddressIsNoKin(t *testing.T) {
	if KinFramed("Девушка, я бы рад, но денег нет, жена ушла", nil) {
		t.Error(`"Девушка," addresses the robot; the wife is in a story`)
	}
	if !KinFramed("Это девушка его", nil) {
		t.Error(`"это девушка его" says who answered`)
	}
}

func TestKinNounsOfTheErStem(t *testing.T) {
	for w, want := range map[string]bool{"дочь": true, "дочери": true, "дочерью": true, "матерью": true,
		"матери": true, "мастер": false, "мастером": false} {
		if got := IsKinNoun(w); got != want {
			t.Errorf("IsKinNoun(%q) = %v, want %v", w, got, want)
		}
	}
}
