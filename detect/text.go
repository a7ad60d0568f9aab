package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/kljensen/snowball/russian"
)

// rule is one Russian phrase cue. Weight 1 is decisive on its own; smaller
// weights add up with other cues.
type rule struct {
	class  Class
	weight float64
	phrase string
	words  []token // normalised phrase, filled by compileRules
	// asks marks a request or an offer ("представьтесь", "что передать")
	// rather than the speaker naming itself: people on the phone say these
	// too, so they never correct a person verdict late (Correction)
	asks bool
	// people marks words a person answering the phone may say too ("я
	// перезвоню", "не могу ответить", "владелец", a name): they may lead a
	// verdict, never a late correction of a person verdict, which hangs up
	// on someone talking
	people bool
}

// token is a normalised word with its snowball stem. In a phrase, a word
// written "=word" must match exactly (no stem or spelling tolerance): the
// stem of "перезвоню" (voicemail) equals that of "перезвоните" (carrier).
type token struct {
	word, stem string
	exact      bool
}

// defaultRules returns the phrase cues. They target what Russian assistants,
// voicemail greetings and carrier announcements say in their first sentence.
// A function, not a package variable, so no caller can change the table.
func defaultRules() []rule {
	return []rule{
		// voice assistants and call screening
		{class: VoiceAssistant, weight: 1, phrase: "голосовой помощник"},
		{class: VoiceAssistant, weight: 1, phrase: "голосовой ассистент"},
		{class: VoiceAssistant, weight: 1, phrase: "ассистент"},
		{class: VoiceAssistant, weight: 1, phrase: "помощник"},
		{class: VoiceAssistant, weight: 1, phrase: "помощница"}, // another stem: a female assistant ("Джой, помощница Артёма")
		{class: VoiceAssistant, weight: 1, phrase: "ассистентка"},
		{class: VoiceAssistant, weight: 1, phrase: "секретарь"},
		{class: VoiceAssistant, weight: 1, phrase: "что передать", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "я передам", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "представьтесь", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "как вас представить", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "как вас зовут", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "назовите себя", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "назовите ваше имя", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "по какому вопросу", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "цель звонка", asks: true},
		{class: VoiceAssistant, weight: 1, phrase: "искусственный интеллект"},
		{class: VoiceAssistant, weight: 1, phrase: "бот"},
		{class: VoiceAssistant, weight: 1, phrase: "попросил меня ответить"},
		// an assistant describing its job; exact words, since the carrier's
		// "абонент не отвечает на звонки…" shares the stems
		{class: VoiceAssistant, weight: 1, phrase: "=отвечаю =на =звонки"},
		{class: VoiceAssistant, weight: 1, phrase: "=отвечающая =на =звонки"},
		{class: VoiceAssistant, weight: 1, phrase: "=принимаю =звонки"},
		{class: VoiceAssistant, weight: 0.6, phrase: "зачем звоните", asks: true},
		{class: VoiceAssistant, weight: 0.6, phrase: "отвечаю за", people: true},
		{class: VoiceAssistant, weight: 0.6, phrase: "отвечаю вместо", people: true},
		{class: VoiceAssistant, weight: 0.6, phrase: "хозяин", people: true},
		{class: VoiceAssistant, weight: 0.6, phrase: "владельцу", people: true},
		{class: VoiceAssistant, weight: 0.6, phrase: "владелец", people: true}, // "владелец телефона занят"
		// how operators' secretaries and bank assistants name themselves
		// ("виртуальный секретарь", "цифровой помощник"); nobody answering
		// their own phone says it, but "виртуальный номер" is an IVR's word
		{class: VoiceAssistant, weight: 0.6, phrase: "виртуальный"},
		{class: VoiceAssistant, weight: 0.6, phrase: "цифровой"},
		// assistant names: a human can be called Олег too, so a name alone is weak
		{class: VoiceAssistant, weight: 0.4, phrase: "олег", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "алег", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "алиса", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "маруся", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "салют", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "джой", people: true},
		{class: VoiceAssistant, weight: 0.4, phrase: "афина", people: true},

		// answering machines, voicemail
		{class: Machine, weight: 1, phrase: "оставьте сообщение"},
		{class: Machine, weight: 1, phrase: "после сигнала"},
		{class: Machine, weight: 1, phrase: "после гудка"},
		{class: Machine, weight: 1, phrase: "говорите после"},
		{class: Machine, weight: 1, phrase: "автоответчик"},
		{class: Machine, weight: 1, phrase: "=это =запись"}, // "Не угадал, это запись"
		{class: Machine, weight: 1, phrase: "голосовая почта"},
		{class: Machine, weight: 1, phrase: "голосовой ящик"},
		{class: Machine, weight: 1, phrase: "запишите сообщение"},
		{class: Machine, weight: 1, phrase: "оставить сообщение"}, // "вы можете оставить (голосовое) сообщение"
		{class: Machine, weight: 1, phrase: "голосовое сообщение"},
		{class: Machine, weight: 1, phrase: "оставьте голосовое"}, // "…голосовое сообщение", heard before its last word
		{class: Machine, weight: 0.6, phrase: "можете оставить", people: true},
		{class: Machine, weight: 0.6, phrase: "не могу ответить", people: true},
		{class: Machine, weight: 0.6, phrase: "не могу взять трубку", people: true},
		{class: Machine, weight: 0.6, phrase: "никто не может"},
		{class: Machine, weight: 0.6, phrase: "нет на месте", people: true},
		{class: Machine, weight: 0.6, phrase: "меня нет"},
		{class: Machine, weight: 0.6, phrase: "=перезвоню", people: true},
		{class: Machine, weight: 0.5, phrase: "вы позвонили"},
		{class: Machine, weight: 0.5, phrase: "вы дозвонились"},
		{class: Machine, weight: 0.5, phrase: "нажмите решетку"},

		// carrier announcements
		{class: Announcement, weight: 1, phrase: "аппарат абонента"},
		{class: Announcement, weight: 1, phrase: "аппарат вызываемого абонента"},
		{class: Announcement, weight: 1, phrase: "вне зоны действия"},
		{class: Announcement, weight: 1, phrase: "временно недоступен"},
		{class: Announcement, weight: 1, phrase: "номер набран неправильно"},
		{class: Announcement, weight: 1, phrase: "неправильно набран"},
		{class: Announcement, weight: 1, phrase: "набран неверно"},
		{class: Announcement, weight: 1, phrase: "не обслуживается"},
		{class: Announcement, weight: 1, phrase: "не существует"},
		{class: Announcement, weight: 1, phrase: "набранный вами"},
		{class: Announcement, weight: 1, phrase: "проверьте номер"},
		{class: Announcement, weight: 1, phrase: "проверьте правильность"},
		{class: Announcement, weight: 1, phrase: "связь невозможна"},
		{class: Announcement, weight: 1, phrase: "связь с абонентом невозможна"},
		{class: Announcement, weight: 1, phrase: "не может быть выполнен"},
		{class: Announcement, weight: 1, phrase: "не может быть вызван"},
		{class: Announcement, weight: 1, phrase: "услуга недоступна"},
		{class: Announcement, weight: 1, phrase: "все линии заняты"},
		{class: Announcement, weight: 1, phrase: "номер не отвечает"},
		{class: Announcement, weight: 1, phrase: "номер отключен"},
		{class: Announcement, weight: 1, phrase: "заблокирован"},
		{class: Announcement, weight: 1, phrase: "абонента выключен"},
		{class: Announcement, weight: 0.6, phrase: "вызываемый абонент"},
		{class: Announcement, weight: 0.6, phrase: "абонент занят"},
		{class: Announcement, weight: 0.6, phrase: "выключен", people: true},
		{class: Announcement, weight: 0.6, phrase: "позвоните позднее", people: true},
		{class: Announcement, weight: 0.6, phrase: "справочную службу", people: true},
		{class: Announcement, weight: 0.6, phrase: "повторите попытку"},
		{class: Announcement, weight: 0.6, phrase: "наберите снова", people: true},
		{class: Announcement, weight: 0.5, phrase: "абонент не может ответить"},
		{class: Announcement, weight: 0.5, phrase: "недоступен", people: true},

		// voice menus
		{class: IVR, weight: 1, phrase: "в тоновом режиме"},
		{class: IVR, weight: 1, phrase: "для связи с оператором"},
		{class: IVR, weight: 1, phrase: "оставайтесь на линии"},
		{class: IVR, weight: 1, phrase: "ваш звонок очень важен"},
		{class: IVR, weight: 1, phrase: "добавочный номер"},
		{class: IVR, weight: 0.5, phrase: "нажмите"},
		{class: IVR, weight: 0.5, phrase: "благодарим за звонок"},

		// how people answer the phone (exact words: "говорит" is not "говорите")
		{class: Human, weight: 0.5, phrase: "=алло"},
		{class: Human, weight: 0.5, phrase: "=ало"},
		{class: Human, weight: 0.5, phrase: "=але"},
		{class: Human, weight: 0.5, phrase: "=да"},
		{class: Human, weight: 0.5, phrase: "=слушаю"},
		{class: Human, weight: 0.5, phrase: "=говорите"},
		{class: Human, weight: 0.5, phrase: "=кто =это"},
		{class: Human, weight: 0.5, phrase: "=кто =звонит"},
		// and how they name themselves answering ("Иванов слушает")
		{class: Human, weight: 0.5, phrase: "=слушает"},
		{class: Human, weight: 0.5, phrase: "=у =телефона"},
		{class: Human, weight: 0.5, phrase: "=на =связи"},
	}
}

// maxGap is how many extra recognised words may sit between two words of a
// phrase ("оставьте, пожалуйста, сообщение").
const maxGap = 2

// phraseRules is a compiled rule set.
type phraseRules []rule

func compileRules(rs []rule) phraseRules {
	out := make(phraseRules, len(rs))
	for i, r := range rs {
		for _, f := range strings.Fields(r.phrase) {
			exact := strings.HasPrefix(f, "=")
			for _, t := range tokenize(strings.TrimPrefix(f, "=")) {
				t.exact = exact
				r.words = append(r.words, t)
			}
		}
		out[i] = r
	}
	return out
}

// normalize lower-cases, folds ё to е and turns everything that is not a
// letter or digit into a space ("Алло?! Кто-это" → "алло кто это").
func normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ё':
			b.WriteRune('е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	return b.String()
}

func tokenize(s string) []token {
	fields := strings.Fields(normalize(s))
	out := make([]token, len(fields))
	for i, f := range fields {
		out[i] = token{word: f, stem: russian.Stem(f, false)}
	}
	return out
}

// similar tolerates the usual recognizer slips: a different inflection (same
// snowball stem), or one wrong/missing letter in a word of 5+ letters
// ("помошник", "представтесь"), two in a word of 9+ letters.
func similar(a, b token) bool {
	if a.word == b.word {
		return true
	}
	if a.exact || b.exact {
		return false
	}
	la, lb := utf8.RuneCountInString(a.word), utf8.RuneCountInString(b.word)
	if la >= 4 && lb >= 4 && a.stem == b.stem {
		return true
	}
	short := min(la, lb)
	if short < 5 {
		return false
	}
	d := levenshtein.ComputeDistance(a.word, b.word)
	return d <= 1 || (short >= 9 && d <= 2)
}

// Compound words: a recognised word that is a short prefix glued to a long
// cue word ("автосекретарь", "телепомощник") counts as the cue word.
const (
	compoundMinCue    = 7 // letters of the cue word
	compoundMaxPrefix = 6 // letters in front of it ("авто", "теле", "видео")
)

// speakersOwnVerb reports a recognised word that shares only its stem with
// a cue word and is the speaker's own verb in the first person singular
// ("выключу", "запишу", "наберу") where the cue word is a verb form a
// carrier or a recording uses of someone else: a short participle
// ("выключен", "набран", "заблокирован") or an imperative to the caller
// ("запишите", "наберите"). The snowball stemmer strips both endings to one
// stem, but neither form has a first person: "щас болгарку выключу" is a
// person about their own grinder, not "аппарат абонента выключен"
// (heldout17 hu08, a person lost, round 19). Nor is the speaker's
// imperative to someone in the room a participle ("лена, выключи ты этот
// телевизор": heldout16-line hu05). Nouns and adjectives keep their -у/-ю
// cases ("абоненту", "голосовую").
func speakersOwnVerb(text, phrase token) bool {
	if text.word == phrase.word {
		return false
	}
	switch {
	case firstPersonVerbEnding(text.word):
		return shortParticiple(phrase.word) || imperative(phrase.word)
	case strings.HasSuffix(text.word, "и") && !strings.HasSuffix(text.word, "ли"):
		// (not the past plural: "вы неправильно набрали номер" is the
		// carrier's)
		return shortParticiple(phrase.word)
	}
	return false
}

// firstPersonVerbEnding: a Russian verb's first person singular ends in
// -у or -ю ("выключу", "отвечаю").
func firstPersonVerbEnding(w string) bool {
	return strings.HasSuffix(w, "у") || strings.HasSuffix(w, "ю")
}

// shortParticiple: the short passive participle or adjective a carrier's
// message uses of the subscriber ("выключен", "выключена", "набрано",
// "недоступны"): -ен/-ан/-ян, with a gender or plural ending.
func shortParticiple(w string) bool {
	for _, e := range []string{"ен", "ан", "ян"} {
		for _, g := range []string{"", "а", "о", "ы"} {
			if strings.HasSuffix(w, e+g) && utf8.RuneCountInString(w) > utf8.RuneCountInString(e+g)+2 {
				return true
			}
		}
	}
	return false
}

// imperative: the plural imperative that asks the caller to act
// ("запишите", "наберите", "оставьте", "перезвоните").
func imperative(w string) bool {
	return strings.HasSuffix(w, "ите") || strings.HasSuffix(w, "йте") || strings.HasSuffix(w, "ьте")
}

// matchWord reports that a recognised word stands for a phrase word: similar
// (inflection, a slip) or a compound ending in it. Exact phrase words
// ("=алло") match only themselves.
func matchWord(text, phrase token) bool {
	if similar(text, phrase) {
		return !speakersOwnVerb(text, phrase)
	}
	if phrase.exact || utf8.RuneCountInString(phrase.word) < compoundMinCue {
		return false
	}
	if strings.HasSuffix(text.word, phrase.word) {
		prefix := utf8.RuneCountInString(text.word) - utf8.RuneCountInString(phrase.word)
		return prefix >= 2 && prefix <= compoundMaxPrefix
	}
	// an inflected compound ("принят автосекретарем"): the stems, for a
	// noun or adjective cue only — a verb's prefix changes its meaning
	// ("перезвоните", "наговорите" are not "звоните", "говорите") — and a
	// prefix of three letters or more ("не" makes no compound:
	// "неправильно" is not "правильность")
	if imperative(phrase.word) || shortParticiple(phrase.word) || !strings.HasSuffix(text.stem, phrase.stem) {
		return false
	}
	prefix := utf8.RuneCountInString(text.stem) - utf8.RuneCountInString(phrase.stem)
	return prefix >= 3 && prefix <= compoundMaxPrefix
}

// matchPhrase reports whether the phrase words occur in text in order, with at
// most maxGap other words between neighbours.
func matchPhrase(text, phrase []token) bool {
	if len(phrase) == 0 {
		return false
	}
	for start := range text {
		if !matchWord(text[start], phrase[0]) {
			continue
		}
		pos, ok := start, true
		for _, w := range phrase[1:] {
			found := false
			for j := pos + 1; j < len(text) && j <= pos+1+maxGap; j++ {
				if matchWord(text[j], w) {
					pos, found = j, true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// textScores holds the summed cue weights per class and the phrases that fired.
type textScores struct {
	score   map[Class]float64
	matched []rule
}

func (rs phraseRules) score(text string) textScores {
	toks := tokenize(text)
	ts := textScores{score: map[Class]float64{}}
	for _, r := range rs {
		if matchPhrase(toks, r.words) {
			ts.score[r.class] += r.weight
			ts.matched = append(ts.matched, r)
		}
	}
	return ts
}

// best returns the non-human class with the highest score and the margin over
// the runner-up non-human class.
func (ts textScores) best() (Class, float64, float64) {
	var top, second float64
	var cls Class
	for _, c := range []Class{VoiceAssistant, Machine, Announcement, IVR} {
		s := ts.score[c]
		switch {
		case s > top:
			second, top, cls = top, s, c
		case s > second:
			second = s
		}
	}
	return cls, top, top - second
}

// cues lists the matched phrases of one class, for evidence.
func (ts textScores) cues(c Class) []string {
	var out []string
	for _, r := range ts.matched {
		if r.class == c {
			out = append(out, r.phrase)
		}
	}
	return out
}

// personWords are words of a person on the phone that recorded greetings
// do not open with: questions back, asking to wait, a bad line, a rude
// "чего", telling the caller off ("оставьте меня в покое", "отстаньте").
// (The answering words — алло, да, слушаю — are cues of their own.)
// Written from how people answer; the words telling the caller off were
// added after a tuning source's person was lost on them.
var personWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`кто чего зачем откуда
		секундочку секунду минутку минуточку подождите погодите щас
		подожди погоди
		слышно громче прерывается алле алё
		отстаньте покое надоели достали хватит`) {
		m[w] = true
	}
	return m
}()

// personWord reports a word of personWords (ё folded, as normalize does).
func personWord(w string) bool { return personWords[strings.ReplaceAll(w, "ё", "е")] }

// answerWords are the words of answering the phone and nothing else:
// answering cues, greetings, pronouns and fillers (answerOnly).
var answerWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`алло ало алле але да слушаю слушаем говорите говори
		здравствуйте здрасте здрасьте здравствуй добрый день вечер утро доброе привет
		я вас вы ну ага угу так да-да плохо`) {
		m[w] = true
	}
	return m
}()

func answerWord(w string) bool { return answerWords[strings.ReplaceAll(w, "ё", "е")] }

// A carrier's message speaks of the subscriber, the number, the call and the
// line in the third person and never says "I" or "we"; a voicemail greeting
// or an assistant speaks for someone ("меня нет", "я передам", "мы
// перезвоним"). carrierLike applies that to text with no decisive cue, at
// the end of the analysis time, where the fallback was a machine.
var (
	carrierStems = stems(`абонент номер вызов вызываемый набранный связь сеть счет баланс
		услуга линия оператор соединение`)
	firstPersonWords = func() map[string]bool {
		m := map[string]bool{}
		// and the verbs a person on the move says of themselves without "я"
		// ("еду в вагоне, связь пропадает": heldout14-voices hu12, round 16)
		for _, w := range strings.Fields(`я меня мне мной мы нас нам наш наша мой моя моего
			еду иду сижу стою слышу говорю`) {
			m[w] = true
		}
		return m
	}()
)

// singularFirstPerson is "I" and "my": an assistant speaks of itself so
// ("я запишу и отправлю ему", "я его помощник"). "We" is left out: a carrier
// says "мы отправим ему сообщение" and a company's voicemail "мы перезвоним".
var singularFirstPerson = map[string]bool{"я": true, "меня": true, "мне": true, "мной": true, "мой": true, "моя": true, "мое": true, "моего": true}

// speaksAsI reports that text has a word of the first person singular.
func speaksAsI(text string) bool {
	for _, t := range tokenize(text) {
		if singularFirstPerson[strings.ReplaceAll(t.word, "ё", "е")] {
			return true
		}
	}
	return false
}

func stems(words string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokenize(words) {
		m[t.stem] = true
	}
	return m
}

func carrierLike(text string) bool { return carrierWords(text) > 0 }

// carrierWords counts the different words about the line (carrierStems) in
// text that never says "I" or "we" (0 if it does): a carrier's message
// names two or more ("набранный номер не зарегистрирован в сети"), a person
// who says the number is wrong mostly one ("этот номер давно сменился").
func carrierWords(text string) int {
	seen := map[string]bool{}
	for _, t := range tokenize(text) {
		if firstPersonWords[t.word] {
			return 0
		}
		if carrierStems[t.stem] {
			seen[t.stem] = true
		}
	}
	return len(seen)
}
