package scripts

import "testing"

// TestMendStutter: stuttered sounds, syllables and words are said once,
// and hyphenated words that are no stutter stay.
func TestMendStutter(t *testing.T) {
	s, err := Load("collection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := s.Matcher()
	tests := []struct{ in, want string }{
		{"д-д-да, это я", "да это я"},
		{"я я я не могу", "я не могу"},
		{"ну уд-д-добно", "ну удобно"},
		{"в-в-вы ош-ш-шиблись", "вы ошиблись"},
		{"за-за-завтра", "завтра"},
		{"пе перезвоните", "перезвоните"},
		{"кто-то звонил", "кто-то звонил"}, // a pronoun, no stutter
		{"по-моему нет", "по-моему нет"},
		{"из-за работы", "из-за работы"},
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMendMisarticulation: an unknown word a burr or a lisp changed becomes
// the known word the fewest swaps give; known words and words no swap makes
// known stay as said.
func TestMendMisarticulation(t *testing.T) {
	s, err := Load("collection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := s.Matcher()
	tests := []struct{ in, want string }{
		{"пелезвоните завтла", "перезвоните завтра"},
		{"шейчаш не могу", "сейчас не могу"},
		{"я жанят", "я занят"},
		{"в шемь вечелом", "в семь вечером"},
		{"д-д-двадцать вошьмого", "двадцать восьмого"},
		{"говолите", "говорите"},
		{"лично", "лично"},               // unknown, but no swap makes it known
		{"слушаю", "слушаю"},             // known: never changed
		{"в пятницу", "в пятницу"},       // known
		{"улица ленина", "улица ленина"}, // a name of a street stays
		// a short word is swapped only beside a longer swapped one
		{"я жа лулём", "я за рулем"},
		{"пележвоните чележ чаш", "перезвоните через час"},
		{"в ваш офис", "в ваш офис"},
		{"шо вам надо", "что вам надо"},
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNameThroughBurr: the debtor's name said with a burr or a lisp
// ("Лябинин", "Ломана") is the name; another name is not.
func TestNameThroughBurr(t *testing.T) {
	is := NameMatcher("Роман", "Рябинин Роман Сергеевич")
	for _, w := range []string{"лябинин", "ломана", "шелгеевич"} {
		if !is(w) {
			t.Errorf("%q not read as the debtor's name", w)
		}
	}
	for _, w := range []string{"лена", "олег", "работа"} {
		if is(w) {
			t.Errorf("%q read as the debtor's name", w)
		}
	}
}
