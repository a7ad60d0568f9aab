package scripts

import (
	"strings"
	"testing"
)

func TestAnnouncedGoAhead(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Салон красоты «Лилия», слушаю", true},
		{"Ирина, слушаю", true},
		{"Склад слушает", true},
		{"Слушаю", false},
		{"Алло, слушаю вас", false},
		{"Внимательно слушаю", false},
		{"Да, слушаю", false},
		{"Окей, норм, говорите", false},
		{"имярек слушает", false}, // the debtor's own name
	} {
		if got := Announced(tc.text, "имярек"); got != tc.want {
			t.Errorf("Announced(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if !ReadinessOnly("слушаю вас") || ReadinessOnly("я слушаю") || ReadinessOnly("да") {
		t.Error("ReadinessOnly: want go-ahead words alone")
	}
}

// TestPlaceOnly covers round 16: a desk's name with greetings only.
func TestPlaceOnly(t *testing.T) {
	for _, tc := range []struct {
		text, phrase string
		want         bool
	}{
		{"Бухгалтерия", "бухгалтерия", true},
		{"Приемная, здравствуйте", "приемная", true},
		{"Отдел кадров, слушаю вас", "отдел кадров", true},
		{"Алло, охрана", "охрана", true},
		// news of someone, or who speaks: more than the desk
		{"Бухгалтерия, Зуева в отпуске", "бухгалтерия", false},
		{"Бухгалтерия, я слушаю", "бухгалтерия", false},
		// a person's role, not a place
		{"Бухгалтер", "бухгалтер", false},
		{"Секретарь слушает", "секретарь", false},
	} {
		if got := PlaceOnly(strings.ToLower(tc.text), tc.phrase); got != tc.want {
			t.Errorf("PlaceOnly(%q, %q) = %v, want %v", tc.text, tc.phrase, got, tc.want)
		}
	}
}

func TestMaskAskedVerbs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Да. А вы почему на этот номер звоните?", "да а вы почему на этот номер спрошено"},
		{"Не понимаю, что вы говорите", "не понимаю что вы спрошено"},
		{"Перезвоните завтра, говорите потом", "перезвоните завтра говорите потом"},
		{"Что? Звоните завтра", "что звоните завтра"}, // the question ends before the request
	} {
		if got := MaskAskedVerbs(tc.in); got != tc.want {
			t.Errorf("MaskAskedVerbs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewOwnerStory(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"я его в сентябре только взяла, а вы на этот номер звоните", true},
		{"это номер бывшей хозяйки, я его недавно купила", true},
		{"я номер не брал", false},
		{"я брала кредит, номер мой", false},
		{"номер взяли соседи", false},
	} {
		if got := NewOwnerStory(tc.text); got != tc.want {
			t.Errorf("NewOwnerStory(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestInsidePhraseLosesInAnyOrder: a phrase inside a longer one's words
// loses to it whatever other phrase was the running best (the allowed
// order of a node put "нет такого человека" first and let "звоните" win).
func TestInsidePhraseLosesInAnyOrder(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"not_me": {Priority: 33, Phrases: []string{"нет такого человека", "неправильно звоните"}},
		"busy":   {Priority: 35, Phrases: []string{"звоните"}},
	})
	text := "кто нет такой человек здесь неправильно звоните"
	for _, allowed := range [][]string{{"not_me", "busy"}, {"busy", "not_me"}, nil} {
		if got := m.Classify(text, allowed).Intent; got != "not_me" {
			t.Errorf("allowed %v: got %q, want not_me", allowed, got)
		}
	}
}

func TestAwayReport(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Иванов? Он на больничном", true},
		{"а она в декрете сейчас", true},
		{"он у клиента", true},
		{"он", false},
		{"она сказала, что заплатит", false},
		{"я на работе", false},
	} {
		if got := AwayReport(tc.text); got != tc.want {
			t.Errorf("AwayReport(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestWaitForm(t *testing.T) {
	for in, want := range map[string]bool{"Погодите секундочку": true, "подожди те": true, "погода хорошая": false,
		"одну минуту": true, "не кладите трубку": true} {
		if got := WaitForm(in); got != want {
			t.Errorf("WaitForm(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestWithoutIndirect(t *testing.T) {
	tests := map[string]string{
		"Встретиться бы с вашим сотрудником, обсудить, могу ли я меньше платить": "встретиться бы с вашим сотрудником, обсудить",
		"Можно ли частями?":           "",
		"Да, давайте частями":         "да, давайте частями",
		"не знаю, смогу ли я платить": "не знаю",
	}
	for in, want := range tests {
		if got := WithoutIndirect(in); got != want {
			t.Errorf("WithoutIndirect(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFetches(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Минутку, сейчас позову. Олег! Тебя к телефону!", true},
		{"Ирину? Даю трубку", true},
		{"Секундочку, я маме трубку передам", true},
		{"Олег, иди сюда", true},
		{"Позовите оператора", false},
		{"Я трубку не брала", false},
	} {
		if got := Fetches(tc.text); got != tc.want {
			t.Errorf("Fetches(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if !FetchPhrase("сейчас позову") || FetchPhrase("он на работе") || FetchPhrase("") {
		t.Error("FetchPhrase: want the relative phrases that fetch only")
	}
}

func TestLoneNegator(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"не", true}, {"ни", true}, {"не не", true}, {"", false}, {"не знаю", false}, {"нет", false},
	} {
		if got := LoneNegator(tc.text); got != tc.want {
			t.Errorf("LoneNegator(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestAwayReportPlaceFirst(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"на работе он", true},
		{"Не слышит, во дворе она", true},
		{"в ванной", false},
		{"на работе я", false},
		{"у меня кредит был, а платил всегда он", false},
	} {
		if got := AwayReport(tc.text); got != tc.want {
			t.Errorf("AwayReport(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestNewOwnerHeldFor(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Нет, имярек тут нет, это другой человек, номер мой уже пять лет", true},
		{"это мой номер давно", true},
		{"Это номер моего мужа уже лет десять, никакой Елены тут нет", true},
		{"это мой номер", false},
		{"номер его, пять лет не звонил", false},
		{"Если вы имярек ищете, то номер давно не его, он мой уже три года", true},
		{"Данный абонентский номер принадлежит организации", true},
		{"номер принадлежит имярек", false},
		{"номер, кажется, раньше был чей-то другой, теперь мой", true},
		{"это не его вина, номер он сам дал", false},
		{"сейчас мой муж подойдёт, номер его", false},
	} {
		if got := NewOwnerStory(tc.text); got != tc.want {
			t.Errorf("NewOwnerStory(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestClausesAndLoneNu(t *testing.T) {
	got := Clauses("Я на двух работах, между сменами стою, говорите, только коротко.")
	if len(got) != 4 || Tokens(got[2])[0] != "говорите" {
		t.Errorf("Clauses = %q, want four clauses, the third the go-ahead", got)
	}
	for _, tc := range []struct {
		text string
		want bool
	}{{"Ну", true}, {"ну.", true}, {"ну да", false}, {"", false}} {
		if LoneNu(tc.text) != tc.want {
			t.Errorf("LoneNu(%q) = %v, want %v", tc.text, !tc.want, tc.want)
		}
	}
}

func TestAfterQuestionIsTheAnswerSaidAfterTheCallersQuestion(t *testing.T) {
	for text, want := range map[string]string{
		"Кто это спрашивает? Да, я": "Да, я",
		"А вы кто? Ну я":            "Ну я",
		"Кто звонит?":               "",
		"Да, я":                     "",
		"Что? Кто? Я, я слушаю":     "Я, я слушаю",
		"А по какому вопросу? …":    "",
	} {
		if got := AfterQuestion(text); got != want {
			t.Errorf("AfterQuestion(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestNoSuchPersonDeniesExistenceNotPresence(t *testing.T) {
	for text, want := range map[string]bool{
		"Не туда попали, никакой Елены тут нет":               true,
		"по этому номеру не проживает и никогда не проживала": true,
		"тут таких нет":                      true,
		"никого такого не знаю":              true,
		"Елены тут нет, она на работе":       false,
		"он никогда не берёт трубку":         false,
		"никакую реструктуризацию не потяну": false,
		"нет, сейчас неудобно":               false,
	} {
		if got := NoSuchPerson(text, isElena); got != want {
			t.Errorf("NoSuchPerson(%q) = %v, want %v", text, got, want)
		}
	}
}

func isElena(w string) bool { return strings.HasPrefix(w, "елен") }

func TestInstalments(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"Половину завтра, половину через месяц", 2},
		{"часть в пятницу остальное к концу месяца", 2},
		{"заплачу половину в пятницу", 0},
		{"буду платить частями, часть в пятницу", 0},
	} {
		if got := Instalments(tc.text); len(got) != tc.want {
			t.Errorf("Instalments(%q) = %q, want %d parts", tc.text, got, tc.want)
		}
	}
}
