package scripts

import "testing"

// TestNameMatcherEverydayForms: the family's and the workplace's forms of a
// first name are the name; everyday words that share a short name's stem
// are not.
func TestNameMatcherEverydayForms(t *testing.T) {
	tests := []struct {
		first, full string
		yes, no     []string
	}{
		{"Людмила", "Зуева Людмила Петровна",
			[]string{"людмилы", "люда", "люды", "люду", "людочка", "людочки", "люся", "зуевой", "людин"},
			[]string{"люди", "людей", "милый", "мама"}},
		{"Пётр", "Лаптев Пётр Ильич",
			[]string{"петр", "петра", "петя", "пети", "петьки", "петенька", "петин", "петина", "лаптева", "петькин"},
			[]string{"петь", "пять", "пора"}},
		{"", "Корнилов Николай Семёнович",
			[]string{"коля", "кольки", "колька", "николая", "корнилову"},
			[]string{"колено", "кол"}},
		{"Тамара", "", []string{"тамары", "тамарочка"}, []string{"тому", "тома"}},
	}
	for _, tc := range tests {
		is := NameMatcher(tc.first, tc.full)
		for _, w := range tc.yes {
			if !is(w) {
				t.Errorf("%s %s: %q is not read as the name", tc.first, tc.full, w)
			}
		}
		for _, w := range tc.no {
			if is(w) {
				t.Errorf("%s %s: %q read as the name", tc.first, tc.full, w)
			}
		}
	}
}

func TestOtherName(t *testing.T) {
	is := NameMatcher("Пётр", "Лаптев Пётр Ильич")
	for in, want := range map[string]bool{"А, Пётр? Нет, я Павел": true, "я вообще-то Марина": true, "меня зовут Ольга": true, "это Саша": true,
		"я Пётр": false, "это Петя": false, "я Лаптев": false, "это мама": false, "Павел на работе": false,
		"Я Лаптев, только Сергей": true, "я тоже Лаптев, но Павел": true, "я Лаптев Пётр": false} {
		if got := OtherName(in, is, false); got != want {
			t.Errorf("OtherName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFleetingVowelName(t *testing.T) {
	f := NameForms("Павел")
	for _, w := range []string{"павел", "павла", "павлу", "павлом"} {
		if !f[w] {
			t.Errorf("NameForms(Павел) lacks %q", w)
		}
	}
}

func TestOtherPatronymic(t *testing.T) {
	is := NameMatcher("Иван", "Иванов Иван Иванович")
	for in, want := range map[string]bool{
		"Извините, а вы Ивана Петровича ищете? Я Иван Сергеевич": true,
		"да, я Иван Иванович": false,
		"я Иван, слушаю":      false,
		"это Иван Петрович":   true,
	} {
		if got := OtherName(in, is, true); got != want {
			t.Errorf("OtherName(%q) = %v, want %v", in, got, want)
		}
	}
	if OtherName("я Иван Сергеевич", is, false) {
		t.Error("without the debtor's patronymic another one proves nothing")
	}
	for w, want := range map[string]bool{"сергеевич": true, "петровича": true, "игоревной": true, "ильича": true, "иванов": false, "москвич": false} {
		if Patronymic(w) != want {
			t.Errorf("Patronymic(%q) = %v", w, !want)
		}
	}
}
