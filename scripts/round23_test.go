package scripts

import "testing"

// Round 23: words as a recogniser on a phone line spells them (the channel
// testcalls.SimulatedASRErrors writes such text). Each table names the rule
// it needs; the "stays" rows are the known and real words the rule must not
// touch.

func round23Matcher(t *testing.T) *Matcher {
	t.Helper()
	s, err := Load("collection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s.Matcher()
}

// TestMendSoundAlike: an unknown word that sounds like one vocabulary or
// parser word (devoiced, vowels reduced) is that word (soundAlike).
func TestMendSoundAlike(t *testing.T) {
	m := round23Matcher(t)
	tests := []struct{ in, want string }{
		{"черес час перезвоните", "через час перезвоните"}, // final devoicing
		{"пятнадцать тысеч", "пятнадцать тысяч"},           // е for я
		{"в середине енваря", "в середине января"},         // a first vowel reduced
		{"в понедильник", "в понедельник"},                 //
		{"конца месяца погошу", "конца месяца погашу"},     // о for а
		{"приеду домой", "приеду домой"},                   // stays: two vowels are two sounds
		{"мимо дома", "мимо дома"},                         // stays: no vocabulary word sounds so
		{"на заднем сиденье", "на заднем сиденье"},         // stays
		{"платить нечем", "платить нечем"},                 // stays: a known word
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMendUnglue: an unknown word that is two known words run together is
// split (unglue); a preposition comes off the front only before a number,
// a date or a day.
func TestMendUnglue(t *testing.T) {
	m := round23Matcher(t)
	tests := []struct{ in, want string }{
		{"черезтриста метров", "через триста метров"},
		{"в четвергв тринадцать", "в четверг в тринадцать"},
		{"не удобно вдвадцать один", "не удобно в двадцать один"},
		{"пять тысячизавтра", "пять тысячи завтра"},
		{"давайте наверноечерез час", "давайте наверное через час"},
		{"давайте чересполчаса", "давайте через полчаса"}, // a half that sounds like a word
		{"алло да этаирина", "алло да это ирина"},
		{"мне надо подумать", "мне надо подумать"}, // stays: "по" is a prefix here
		{"на заднем сиденье", "на заднем сиденье"}, // stays: "за"+"днем"
		{"сначала подумаю", "сначала подумаю"},     // stays
		{"давай токо быстро", "давай токо быстро"}, // stays: two function words
		{"дак говори", "дак говори"},               // stays: under four letters
		{"пять тыщи", "пять тыщи"},                 // stays: a vowel at the end is an ending
		{"да не шестаков", "да не шестаков"},       // stays: a surname's "-в" is no preposition
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMendRejoin: a word split in two halves, one of them unknown, is
// joined when the whole is a known word or sounds like one (rejoin).
func TestMendRejoin(t *testing.T) {
	m := round23Matcher(t)
	tests := []struct{ in, want string }{
		{"это сес тра её", "это сестра ее"},
		{"в пе тницу", "в пятницу"},
		{"слу шою", "слушаю"},
		{"в конце ме сяца", "в конце месяца"},
		{"я в магазине", "я в магазине"}, // stays: "вмагазине" is no word
		{"не удобно", "не удобно"},       // stays: two known words
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMendBreathAfterPreposition: "и"/"а"/"ну" right after a preposition is
// a breath (unbreathe).
func TestMendBreathAfterPreposition(t *testing.T) {
	m := round23Matcher(t)
	tests := []struct{ in, want string }{
		{"в среду в и четыре", "в среду в четыре"},
		{"завтрав а девять", "завтра в девять"},
		{"перезвоните через пол а часа", "перезвоните через полчаса"},
		{"через два а часов", "через два часов"},
		{"с и по", "с и по"}, // stays
		{"я и он", "я и он"}, // stays
	}
	for _, tc := range tests {
		if got := m.Mend(tc.in); got != tc.want {
			t.Errorf("Mend(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMendedTextParses: the parsers read the mended words.
func TestMendedTextParses(t *testing.T) {
	m := round23Matcher(t)
	if got, ok := ParseMoney(m.Mend("пятнадцать тысеч в понедильник"), 0); !ok || got != 1500000 {
		t.Errorf("ParseMoney(mended) = %d, %v; want 15000 roubles in kopecks", got, ok)
	}
}

// TestPhonKey: vowels in three classes, devoiced consonants after the first
// letter, two vowels kept apart.
func TestPhonKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"через", "черес", true},
		{"пятницу", "петницу", true},
		{"говорите", "гаварити", true},
		{"дом", "том", false},
		{"приеду", "приду", false},
	}
	for _, tc := range tests {
		if got := phonKey([]rune(tc.a)) == phonKey([]rune(tc.b)); got != tc.same {
			t.Errorf("phonKey(%q) == phonKey(%q): %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
