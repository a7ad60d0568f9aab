package scripts

import (
	"regexp"
	"strings"
)

// The rules of this file find a speaker who talks of the debtor as of
// someone else, beyond the kinship and workplace words of the phrase base:
// the debtor's own name followed by where or how they are ("Оксана сейчас с
// клиентом", "Станислава нет", "Стас в рейсе"), and a role noun beside a
// third-person possessive or the name ("её сменщица", "это его напарник",
// "юрист Павлова"), the role known by its word-building suffix ("-щица",
// "-ник", "-тель", "-ист") rather than listed word by word.

// clauseBreak splits an utterance where a caller's sentence or clause ends,
// so that "Анна? Нет, вы ошиблись" does not read as "Анны нет".
var clauseBreak = regexp.MustCompile(`[.,!?;:…—]+`)

// copulaClauseBreak is clauseBreak without the dash, which in "X — мой
// супруг" stands for "is".
var copulaClauseBreak = regexp.MustCompile(`[.,!?;:…]+`)

// afterName are the words that, right after the debtor's name, say where or
// how the debtor is: the speaker is someone else.
var afterName = map[string]bool{"нет": true, "нету": true, "сейчас": true, "будет": true, "в": true, "во": true,
	"на": true, "с": true, "он": true, "она": true, "ушел": true, "ушла": true, "вышел": true, "вышла": true,
	"уехал": true, "уехала": true, "спит": true, "отдыхает": true, "занят": true, "занята": true, "придет": true,
	"работает": true, "уже": true, "еще": true, "пока": true, "больше": true,
	"сегодня": true, "не": true, "за": true}

// selfBefore are the words that, right before the name, make it the
// speaker's own ("я Марина", "это Оксана", "да, Анна"); "не" before it is
// the denial robot reads as a correction.
var selfBefore = map[string]bool{"я": true, "это": true, "да": true, "не": true, "ну": true,
	"никакой": true, "никакого": true, "никакую": true, "какой": true, "какая": true, "какую": true, "какого": true}

// possessives are the third-person possessives a speaker uses of the debtor.
var possessives = map[string]bool{"его": true, "ее": true, "её": true, "ему": true, "ей": true}

// roleSuffixes end the stems of Russian nouns of a person's role; the
// shortest stem each may end is given so that "хотел" is no "-тель".
var roleSuffixes = []struct {
	suffix string
	min    int
}{{"щик", 5}, {"щиц", 5}, {"чиц", 5}, {"ник", 5}, {"ниц", 6}, {"тел", 6}, {"ист", 5}, {"истк", 6}}

// notRoles are stems with a role suffix that name no person.
var notRoles = map[string]bool{"понедельник": true, "вторник": true, "пятниц": true, "больниц": true,
	"гостиниц": true, "праздник": true, "столиц": true, "границ": true, "страниц": true, "улиц": true,
	"мобильник": true, "сотовик": true, "телефон": true}

// IsRoleNoun reports whether a normalised word is a noun of a person's role
// by its suffix ("сменщица", "напарником", "учитель", "юрист").
func IsRoleNoun(w string) bool {
	st := Stem(w)
	if notRoles[st] {
		return false
	}
	n := len([]rune(st))
	for _, s := range roleSuffixes {
		if strings.HasSuffix(st, s.suffix) && n >= s.min {
			return true
		}
	}
	return false
}

// kinNouns are the nouns of kinship and closeness, and of the people of a
// workplace; beside the debtor's name or "его"/"её" they say who the
// speaker is to the debtor.
var kinNouns = strings.Fields(`мама мать мамка мамуля маманя мамаша отец отца папа папка батя сын дочь дочка
	жена муж супруг супруга жинка благоверная супружница брат братишка сестра сестренка бабушка бабуля бабка
	прабабушка дедушка дедуля дед внук внучок внучка тетя тетка дядя дядька племянник племянница теща тесть
	свекровь свекор свекра невестка зять сноха золовка деверь шурин свояк свояченица кум кума сват сватья крестный
	крестная девушка парень друг подруга сосед соседка сожитель сожительница отчим мачеха пасынок падчерица
	опекун жених невеста бывший бывшая няня сиделка товарищ приятель приятельница коллега сослуживец начальник начальница руководитель директор бухгалтер
	бухгалтерия секретарь секретарша бригадир прораб охранник охрана вахтер диспетчер администратор кадровик`)

// kinStems and kinWords are kinNouns by stem and as words for the
// ASR-tolerant comparison.
var kinStems, kinWords = func() (map[string]bool, []word) {
	m := map[string]bool{}
	for _, w := range kinNouns {
		m[Stem(w)] = true
	}
	return m, words(strings.Join(kinNouns, " "))
}()

// IsKinNoun reports whether a normalised word is a noun of kinship or
// closeness in any case ("жена", "сестре", "девушкой"), with the ASR
// tolerance of phrase matching ("жэна"): the frame must see the noun the
// matcher saw.
func IsKinNoun(w string) bool {
	if firstNames[w] {
		return false // "Света" is no misheard "сват"
	}
	st := Stem(w)
	if kinStems[st] {
		return true
	}
	if b, ok := strings.CutSuffix(st, "ер"); ok && kinStems[b] {
		return true // "дочери", "дочерью", "матерью": the -ер- of мать and дочь
	}
	ws := words(w)
	if len(ws) != 1 || len(ws[0].runes) < 4 {
		return false
	}
	for _, k := range kinWords {
		if ok, _ := sameWord(k, ws[0]); ok {
			return true
		}
	}
	return false
}

// KinFramed reports whether a noun of kinship or of a workplace in the
// utterance says who the speaker is, or is to the debtor: "я его брат",
// "это жена", "тётка её я", "Виктор мой муж", "бухгалтерия слушает", or the
// noun alone ("Муж."). A debtor's own story ("у меня жена в больнице", "сын
// болеет", "с братом бизнес открывали") names family without such a frame
// and says nothing about who answered.
func KinFramed(text string, isName func(string) bool) bool {
	// "Аркадий Львович — мой супруг": a dash between a name and a noun is
	// the copula, no clause break
	for _, clause := range copulaClauseBreak.Split(strings.ToLower(text), -1) {
		toks := Tokens(clause)
		for i, t := range toks {
			if !IsKinNoun(t) || vocatives[t] {
				// "Мам, тут Виктора спрашивают": a kin word in its
				// calling form speaks to someone in the room, it does
				// not say who the speaker is
				continue
			}
			if kinAlone(toks, i) {
				return true
			}
			if i >= 2 && (toks[i-2] == "он" || toks[i-2] == "она") && (toks[i-1] == "мой" || toks[i-1] == "моя" || toks[i-1] == "мне") {
				return true // "он мой сын", "она мне дочь": the debtor is the speaker's kin
			}
			for j := max(0, i-3); j <= min(len(toks)-1, i+3); j++ {
				w := toks[j]
				// "я брат", "это его мама"; not "я с мамой поговорю"
				near := j == i-1 || j == i-2 && (possessives[toks[i-1]] || kinParticles[toks[i-1]])
				switch {
				case j == i:
				case possessives[w]:
					return true // "его мама", "сестра ейная"
				case isName != nil && isName(w):
					return true // "девушка Петина", "Виктор мой муж"
				case near && j < i && speakerWords[w]:
					return true // "я его брат", "это жена"
				case j == i+1 && (w == "я" || afterKin[w]):
					return true // "сестра я", "бухгалтерия слушает"
				}
			}
		}
	}
	return false
}

// vocatives are kin words in the colloquial calling form, cut short
// ("мам", "пап", "бабуль"): used only to call someone, never to say who one is.
var vocatives = map[string]bool{"мам": true, "пап": true, "мамуль": true, "папуль": true, "бабуль": true,
	"дедуль": true, "теть": true, "тёть": true, "дядь": true, "доч": true}

// speakerWords introduce who is speaking: "я брат", "это мама", "с вами
// говорит секретарь".
var speakerWords = map[string]bool{"я": true, "это": true, "говорит": true, "беспокоит": true, "эт": true}

// afterKin follow a speaker's role: "бухгалтерия слушает"; not "говорит",
// which reports another's words as often ("начальник говорит, что…").
var afterKin = map[string]bool{"слушает": true, "слушаю": true}

// addressNouns are kin nouns people also call the robot by; alone in a
// clause they address it ("Девушка, подождите").
var addressNouns = map[string]bool{"девушка": true}

// kinParticles may stand with a kin noun that makes a clause alone.
var kinParticles = map[string]bool{"а": true, "ну": true, "алло": true, "да": true, "нет": true, "вот": true,
	"же": true, "то": true, "так": true, "ой": true, "ее": true, "его": true}

// kinAlone: the clause is the noun alone, with particles ("Муж.", "А, жена").
func kinAlone(toks []string, i int) bool {
	if addressNouns[toks[i]] {
		return false // "Девушка, я бы рад, но…": the robot addressed
	}
	for j, t := range toks {
		if j != i && !kinParticles[t] {
			return false
		}
	}
	return true
}

// BareKin reports a phrase that is one noun of kinship or of a workplace
// ("жена", "начальник"): it says who answered only inside a KinFramed frame.
func BareKin(phrase string) bool {
	toks := Tokens(phrase)
	return len(toks) == 1 && IsKinNoun(toks[0])
}

// SelfStory reports whether a one-word phrase that is no kin noun (an
// event: "уехал", "переехал", "умер") has the speaker or the speaker's
// family for its subject here: "я уехал на заработки", "у меня отец умер";
// or it is heard without its reflexive ending, another verb ("уволили
// в ноябре" is what was done to the speaker, "уволился" one who left).
// Such a story says nothing about who answered.
func SelfStory(text, phrase string) bool {
	ps := words(phrase)
	if len(ps) != 1 || IsKinNoun(ps[0].text) {
		return false
	}
	toks := words(text)
	for i, w := range toks {
		if ok, _ := sameWord(ps[0], w); !ok {
			continue
		}
		if reflexive(ps[0].text) && !reflexive(w.text) {
			return true // "уволили" matched "уволился" by its stem
		}
		for j := max(0, i-2); j < i; j++ {
			t := toks[j].text
			if t == "я" || t == "мы" || IsKinNoun(t) {
				return true
			}
		}
	}
	return false
}

// reflexive reports a verb form with the reflexive ending ("уволился",
// "уволилась"): without it the stem is another verb's ("уволили"). A
// recogniser spells the unstressed "ся" as "са" ("скончилса"), which is
// still the reflexive verb.
func reflexive(w string) bool {
	return strings.HasSuffix(w, "ся") || strings.HasSuffix(w, "сь") || strings.HasSuffix(w, "са")
}

// NameDenied reports whether the name word at toks[i] is said not to be
// here at all: "не Пётр", "никакого Петра", "нет тут Петра", "здесь нет
// Петра" — a wrong number rather than the debtor being out.
func NameDenied(toks []string, i int) bool {
	// "Лаптева я не знаю": the name, then not knowing it
	if j := i + 1; j < len(toks) {
		if toks[j] == "я" {
			j++
		}
		if j+1 < len(toks) && toks[j] == "не" && strings.HasPrefix(toks[j+1], "зна") {
			return true
		}
	}
	if i == 0 {
		return false
	}
	switch toks[i-1] {
	case "не", "никакого", "никакой", "никакую", "никакая":
		return true
	}
	if i < 2 {
		return false
	}
	a, b := toks[i-2], toks[i-1]
	here := map[string]bool{"тут": true, "здесь": true, "нас": true}
	return a == "нет" && here[b] || here[a] && (b == "нет" || b == "нету")
}

// SpeaksOfAnother reports whether the utterance speaks of the debtor in the
// third person or gives the speaker's role toward them; isName tells the
// debtor's name words (any case form).
func SpeaksOfAnother(text string, isName func(word string) bool) bool {
	for _, clause := range clauseBreak.Split(strings.ToLower(text), -1) {
		toks := Tokens(clause)
		for i := 0; i < len(toks); i++ {
			name := isName != nil && isName(toks[i])
			if !name && !possessives[toks[i]] {
				continue
			}
			j := i
			for name && j+1 < len(toks) && isName(toks[j+1]) {
				j++ // "Марины Игоревны"
			}
			if i > 0 && (IsRoleNoun(toks[i-1]) || IsKinNoun(toks[i-1])) ||
				j+1 < len(toks) && (IsRoleNoun(toks[j+1]) || IsKinNoun(toks[j+1])) {
				return true // "её сменщица", "сменщица её", "юрист Павлова", "девушка Петина"
			}
			if !name && i > 0 && toks[i-1] == "я" && i+1 < len(toks) && personNoun(toks[i+1]) {
				return true // "я её адвокат", "я его опекунша": the speaker's role toward the debtor
			}
			if name && j+2 < len(toks) && (toks[j+1] == "тут" || toks[j+1] == "здесь") && (toks[j+2] == "нет" || toks[j+2] == "нету") {
				return true // "Павла тут нет": not here now ("нет тут Павла" is NameDenied's)
			}
			if name && (i == 0 || !selfBefore[toks[i-1]]) && j+1 < len(toks) && thirdPersonVerb(toks[j+1]) {
				return true // "Иван Иванович ведёт приём", "Оксана работает до шести"
			}
			if name && (i == 0 || !selfBefore[toks[i-1]]) && j+1 < len(toks) && afterName[toks[j+1]] {
				return true // "Оксана сейчас с клиентом", "Станислава нет"
			}
			i = j
		}
	}
	return false
}

// notNouns are the words of other kinds that may follow "я его"/"я её".
var notNouns = map[string]bool{"так": true, "там": true, "тут": true, "здесь": true, "уже": true, "еще": true,
	"тоже": true, "вообще": true, "сейчас": true, "вчера": true, "давно": true, "никогда": true, "всегда": true,
	"только": true, "просто": true, "вот": true, "как": true, "где": true, "когда": true, "очень": true,
	"сам": true, "сама": true, "сразу": true, "потом": true, "тогда": true, "номер": true, "телефон": true}

// personNoun reports a word that, after "я его"/"я её", can only be a noun
// of who the speaker is ("адвокат", "представитель", "няня"): not a verb
// ("знаю", "видел", "передам", "позвать"), not an adverb or a pronoun.
func personNoun(w string) bool {
	if notNouns[w] || len([]rune(w)) < 3 {
		return false
	}
	for _, e := range []string{"ю", "у", "л", "ла", "ли", "ло", "ть", "ти", "м", "ешь", "ет", "ит", "ишь", "ем", "им", "е", "и", "о", "ый", "ой", "ий", "ая", "яя"} {
		if strings.HasSuffix(w, e) {
			return IsKinNoun(w) // "я его мать", "я её дочери" — the kin list knows them
		}
	}
	return true
}

// thirdPersonVerb reports a verb of the third person singular, present or
// future ("ведет", "работает", "придет", "спит"); the go-ahead verbs a
// speaker names themselves with ("Иван слушает", "Иван говорит") are not.
func thirdPersonVerb(w string) bool {
	if readinessStems[Stem(w)] || strings.HasPrefix(w, "говор") {
		return false
	}
	n := len([]rune(w))
	return n >= 4 && (strings.HasSuffix(w, "ет") || strings.HasSuffix(w, "ит"))
}
