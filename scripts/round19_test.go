package scripts

import "testing"

// TestComparativeMatchesOnlyComparative: "позднее" (call later) shares its
// stem with "поздно" (late); the phrase's comparative form is required.
func TestComparativeMatchesOnlyComparative(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"busy": {Name: "busy", Phrases: []string{"позднее", "быстрее"}},
	})
	tests := []struct{ text, want string }{
		{"а в чём дело, так поздно", ""},
		{"поздно уже", ""},
		{"давайте позднее", "busy"},
		{"перезвоните поздней", "busy"}, // the colloquial comparative
		{"можно быстрей", "busy"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestDescribedCallVerb: "звоните" after "вы" is the present tense, the
// caller telling what the robot does; alone it is the imperative.
func TestDescribedCallVerb(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"busy": {Name: "busy", Phrases: []string{"звоните", "перезвоните через"}},
	})
	tests := []struct{ text, want string }{
		{"я, а в чём дело, если вы звоните так поздно", ""},
		{"кому вы там звоните", ""},
		{"звоните завтра", "busy"},
		{"вечером звоните", "busy"},
		{"вы перезвоните через час", "busy"}, // a phrase of two words is not touched
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestStaffAsSource(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"у меня на бумажке от оператора записано, что номер оформлен на меня", true},
		{"я у менеджера уточнял", true},
		{"соедините с оператором", false},
		{"дайте оператора", false},
	}
	for _, tc := range tests {
		if got := StaffAsSource(tc.text); got != tc.want {
			t.Errorf("StaffAsSource(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestRegisteredToSelf(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"номер оформлен на меня, Ольги тут нет", true},
		{"этот номер зарегистрирован на моё имя", true},
		{"я жена, номер оформлен на меня, мужа нет дома", false}, // kin said
		{"номер оформлен на мужа", false},
		{"я оформлен на работу", false}, // no number, no registration to the speaker
		{"симка записана на меня", true},
	}
	for _, tc := range tests {
		if got := RegisteredToSelf(tc.text); got != tc.want {
			t.Errorf("RegisteredToSelf(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestFaint(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"[unk] ага [unk]", true},
		{"<unk> да <unk>", true},
		{"[unk] да", false},             // one mark: the word is said clearly enough
		{"[unk] да это я [unk]", false}, // more than a word
		{"ага", false},
		{"[unk] [unk]", false},
	}
	for _, tc := range tests {
		if got := Faint(tc.text); got != tc.want {
			t.Errorf("Faint(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
