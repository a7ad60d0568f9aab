package detect

import (
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Алло?! Кто-это", "алло кто это"},
		{"Её ЁЛКА", "ее елка"},
		{"«Олег», 2024", "олег 2024"},
	}
	for _, tt := range tests {
		if got := strings.Join(strings.Fields(normalize(tt.in)), " "); got != tt.want {
			t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPhraseScores(t *testing.T) {
	rules := compileRules(defaultRules())
	tests := []struct {
		text     string
		want     Class // best non-human class, "" when none is decisive
		decisive bool
	}{
		{"Здравствуйте, я голосовой помощник Олег. Что передать?", VoiceAssistant, true},
		{"здравствуйте я голосовый помошник", VoiceAssistant, true}, // ASR slips
		{"представтесь пожалуйста", VoiceAssistant, true},
		{"оставьте, пожалуйста, сообщение", Machine, true}, // words in between
		{"говорите после сигнало", Machine, true},
		{"аппарат обонента выключен или находится вне зоны действия сети", Announcement, true},
		{"номер не обслуживается", Announcement, true},
		{"абонент не может ответить оставьте сообщение после сигнала", Machine, true},
		{"привет это лена перезвоню позже", Machine, false}, // "перезвоню" is not carrier's "перезвоните"
		{"да олег слушает", VoiceAssistant, false},          // a name alone is weak
		{"алло слушаю", "", false},
		{"да здравствуйте это виртуальный", VoiceAssistant, false}, // how secretaries name themselves, before the noun
		{"я цифровой помощник", VoiceAssistant, true},
		{"привет я джой помощница артема", VoiceAssistant, true},    // a female assistant: another stem
		{"я его автосекретарь представьтесь", VoiceAssistant, true}, // a compound of a cue word
		{"вызов принят автосекретарем", VoiceAssistant, true},       // an inflected compound
		{"пожалуйста оставьте голосовое", Machine, true},            // cut before "сообщение"
		{"автоответчик семьи петровых", Machine, true},
		{"с вами говорит робот", "", false}, // "бот" is too short a cue to be found inside a compound
		{"для связи с оператором нажмите ноль", IVR, true},
		{"оставьте сообщение после сигнала после этого нажмите решетку", Machine, true},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cls, top, margin := rules.score(tt.text).best()
			if cls != tt.want {
				t.Errorf("best class = %q (score %.1f), want %q", cls, top, tt.want)
			}
			if got := top >= decisiveWeight && margin >= decisiveMargin; got != tt.decisive {
				t.Errorf("decisive = %v (score %.1f, margin %.1f), want %v", got, top, margin, tt.decisive)
			}
		})
	}
}

func TestHumanCuesAreExact(t *testing.T) {
	rules := compileRules(defaultRules())
	tests := []struct {
		text string
		want float64
	}{
		{"алло", 0.5},
		{"да говорите", 1.0},
		{"говорит автоматический помощник", 0}, // "говорит" is not "говорите"
		{"дача", 0},
	}
	for _, tt := range tests {
		if got := rules.score(tt.text).score[Human]; got != tt.want {
			t.Errorf("human score(%q) = %.1f, want %.1f", tt.text, got, tt.want)
		}
	}
}

// TestCarrierLike: third-person talk about the line is a carrier's; any
// "I"/"we", or no word about the line, is not.
func TestCarrierLike(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"время ожидания ответа истекло", false},
		{"номер по которому вы звоните изменился", true},
		{"ваш вызов не может быть соединен", true},
		{"недостаточно средств на счете", true},
		{"абонент сейчас не может ответить я передам ему", false},
		{"мы перезвоним вам на этот номер", false},
		{"привет это катя", false},
		// a person says "I" with the verb alone (round 16, heldout14-voices hu12)
		{"еду в вагоне связь пропадает", false},
		{"стою на перроне плохо слышно связь плохая", false},
		{"связь с абонентом прервана", true},
	}
	for _, tt := range tests {
		if got := carrierLike(tt.text); got != tt.want {
			t.Errorf("carrierLike(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestCarrierWords: different words about the line, none if "I"/"we" is said.
func TestCarrierWords(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"извините набранный номер не зарегистрирован в сети", 3},
		{"этот номер давно сменился сюда звонят", 1},
		{"номер неверный наберите номер снова", 1},
		{"мы сменили номер и оператора", 0},
		{"привет это катя", 0},
	}
	for _, tt := range tests {
		if got := carrierWords(tt.text); got != tt.want {
			t.Errorf("carrierWords(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

// A person's own verb in the first person shares its stem with a carrier's
// participle or a recording's imperative, never its meaning (heldout17 hu08:
// "щас болгарку выключу…" was taken for "аппарат абонента выключен").
func TestSpeakersOwnVerbIsNoCue(t *testing.T) {
	rules := compileRules(defaultRules())
	tests := []struct {
		text string
		cls  Class
		want float64 // the class's summed cue weight
	}{
		{"щас болгарку выключу во теперь слышу кто это", Announcement, 0},
		{"сейчас отключу пылесос", Announcement, 0},
		{"я вам сама наберу вечером", Announcement, 0},
		{"подождите запишу ваше сообщение", Machine, 0}, // not "запишите сообщение"
		{"алло лена выключи ты этот телевизор да слушаю", Announcement, 0},
		// the carrier's own forms still match, inflected or slipped
		{"телефон выключен", Announcement, 0.6},
		{"телефон абонента выключена", Announcement, 1.6}, // "абонента выключен" + "выключен"
		{"номер заблокирован", Announcement, 1},
		{"вы неправильно набрали номер", Announcement, 1}, // the past plural is no imperative
		{"наберите снова", Announcement, 0.6},
		// nouns keep their -у case
		{"звонок переадресован помощнику", VoiceAssistant, 2}, // "помощник" and "помощница"
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := rules.score(tt.text).score[tt.cls]; got != tt.want {
				t.Errorf("%s score = %.1f, want %.1f (cues %q)", tt.cls, got, tt.want, rules.score(tt.text).cues(tt.cls))
			}
		})
	}
}
