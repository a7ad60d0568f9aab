package scripts

import (
	"slices"
	"strings"
)

// The rules of this file tell what kind of answer an utterance is beyond the
// phrase it matched: a go-ahead that confirms nobody's identity ("Салон
// «Лилия», слушаю"), a calling or speaking verb that is asked about rather
// than asked for ("почему вы мне звоните?"), a bare "ну" that assents, and
// the story of a number's new owner.

// readinessStems are the stems of the go-ahead words ("слушаю", "говорите",
// "излагайте"): said alone to "am I speaking with X?" they answer the phone,
// not the question, as a firm's or a colleague's greeting does.
var readinessStems = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields("слушаю слушает слушаем говорите говори излагайте продолжайте валяйте валяй вас внимательно") {
		m[Stem(w)] = true
	}
	return m
}()

// ReadinessOnly reports whether a phrase is made of go-ahead words alone
// ("слушаю", "слушаю вас", "говорите"), with no "да", "я" or name in it.
func ReadinessOnly(phrase string) bool {
	toks := Tokens(phrase)
	for _, t := range toks {
		if !readinessStems[Stem(t)] {
			return false
		}
	}
	return len(toks) > 0
}

// greetingWords may stand beside a go-ahead without naming anyone.
var greetingWords = map[string]bool{"алло": true, "ало": true, "алле": true, "але": true, "алё": true, "да": true,
	"ну": true, "я": true, "вот": true, "так": true, "здравствуйте": true, "добрый": true, "день": true, "вечер": true, "утро": true,
	// assent words name nobody either: "Окей, норм, говорите"
	"окей": true, "ок": true, "норм": true, "ладно": true, "хорошо": true, "давайте": true, "йес": true}

// Announced reports a go-ahead said after words that name the one who
// answers: a firm, a department, a first name ("Салон «Лилия», слушаю",
// "Ирина, слушаю", "Склад слушает"). Such an answer picks up the phone for
// someone; it does not say the debtor is speaking. masked is the text with
// the debtor's name words replaced by mask.
func Announced(masked, mask string) bool {
	for _, t := range Tokens(masked) {
		if t == mask {
			return false // "Анна, слушаю": the debtor's own name
		}
	}
	for _, t := range Tokens(masked) {
		if !readinessStems[Stem(t)] && !greetingWords[t] {
			return true
		}
	}
	return false
}

// placeDesks are the relative phrases that name a place of work, not a
// person: a department or a desk answers the phone by them.
var placeDesks = map[string]bool{"бухгалтерия": true, "приемная": true, "отдел кадров": true,
	"диспетчерская": true, "охрана": true, "ресепшн": true}

// PlaceOnly reports a turn that only names the desk that picked up
// ("Бухгалтерия", "Приёмная, здравствуйте", "Отдел кадров, слушаю"):
// phrase, the relative phrase matched, is a place, and every other word
// is a greeting or a go-ahead. It says where the phone rings, not who
// holds it: the debtor may work at that desk.
func PlaceOnly(masked, phrase string) bool {
	if !placeDesks[phrase] {
		return false
	}
	toks := Tokens(masked)
	pt := Tokens(phrase)
	k := slices.IndexFunc(toks, func(t string) bool { return t == pt[0] })
	if k < 0 || k+len(pt) > len(toks) || !slices.Equal(toks[k:k+len(pt)], pt) {
		return false
	}
	for i, t := range toks {
		if i >= k && i < k+len(pt) {
			continue
		}
		if t == "я" || !greetingWords[t] && !readinessStems[Stem(t)] && t != "вас" {
			return false
		}
	}
	return true
}

// interrogatives open a question about the call itself.
var interrogatives = map[string]bool{"почему": true, "зачем": true, "куда": true, "кому": true, "что": true,
	"откуда": true, "чего": true, "чо": true, "че": true, "шо": true, "нафига": true}

// MaskAskedVerbs replaces with a word no phrase holds each second-person
// verb ("звоните", "говорите") that a question word and "вы"/"ты" stand
// before in its clause: "почему вы на этот номер звоните", "не понимаю, что
// вы говорите" ask about the call or the words, they do not ask to be called
// or to go on. Other words are kept as normalised.
func MaskAskedVerbs(text string) string {
	var out []string
	for _, clause := range clauseBreak.Split(strings.ToLower(text), -1) {
		toks := Tokens(clause)
		for i, t := range toks {
			if !secondPerson(t) {
				continue
			}
			q, you := false, false
			for j := max(0, i-5); j < i; j++ {
				switch {
				case toks[j] == "вы" || toks[j] == "ты":
					you = true
				case interrogatives[toks[j]]:
					q = true
				}
			}
			if q && you {
				toks[i] = "спрошено"
			}
		}
		out = append(out, toks...)
	}
	return strings.Join(out, " ")
}

// secondPerson reports a verb form of "вы"/"ты" ("звоните", "говоришь",
// "наберете").
func secondPerson(t string) bool {
	for _, e := range []string{"ите", "ете", "ишь", "ешь"} {
		if strings.HasSuffix(t, e) && len([]rune(t)) > 4 {
			return true
		}
	}
	return false
}

// acquired are the past forms of getting a number or a SIM card.
var acquired = map[string]bool{"взял": true, "взяла": true, "купил": true, "купила": true, "оформил": true,
	"оформила": true, "получил": true, "получила": true, "приобрел": true, "приобрела": true, "брал": true, "брала": true}

// NewOwnerStory reports a speaker who tells they got this number or SIM
// card ("я его в сентябре только взяла", the number named in the same
// utterance): the debtor is not reached here, whatever "да" came first.
func NewOwnerStory(text string) bool {
	toks := Tokens(text)
	number, verb, self := false, false, false
	for i, t := range toks {
		switch {
		case strings.HasPrefix(t, "номер") || strings.HasPrefix(t, "симк") || t == "сим" || t == "симку":
			number = true
		case acquired[t] && (i == 0 || toks[i-1] != "не") && !loanAfter(toks, i):
			verb = true
		case t == "я" || t == "мне" || t == "мы":
			self = true
		}
	}
	return number && (verb && self || heldFor(toks) || ownedElsewhere(toks))
}

// registered are the participles a number's registration is told with.
var registered = map[string]bool{"оформлен": true, "оформлена": true, "зарегистрирован": true,
	"зарегистрирована": true, "записан": true, "записана": true}

// RegisteredToSelf reports "номер оформлен на меня" from a speaker who names
// no kin or role of theirs. Beside the one asked for spoken of as another
// ("…номер оформлен на меня, Ольги тут нет") the line is the speaker's own
// and the debtor is not reached on it; alone it may be the debtor's own
// confirmation, and a relative who says it ("я жена, номер на меня
// оформлен") is still one.
func RegisteredToSelf(text string) bool {
	toks := Tokens(text)
	number := false
	for _, t := range toks {
		if IsKinNoun(t) || IsRoleNoun(t) {
			return false
		}
		number = number || strings.HasPrefix(t, "номер") || strings.HasPrefix(t, "симк")
	}
	for i := 0; number && i+2 < len(toks); i++ {
		if registered[toks[i]] && toks[i+1] == "на" && (toks[i+2] == "меня" || toks[i+2] == "мое" || toks[i+2] == "мой") {
			return true
		}
	}
	return false
}

// ownedElsewhere reports a number said to be someone else's than the one
// asked for: denied as theirs ("номер давно не его"), owned by another
// ("номер принадлежит организации"), or the speaker's now ("раньше был
// чей-то, теперь мой"). Who a number belongs to says whom it reaches,
// whatever words the rest of the story uses.
func ownedElsewhere(toks []string) bool {
	for i, t := range toks {
		switch {
		case strings.HasPrefix(t, "номер"):
			// "не его номер", "номер давно не его"
			for j := max(0, i-2); j < min(len(toks)-1, i+4); j++ {
				if toks[j] == "не" && thirdPossessive[toks[j+1]] {
					return true
				}
			}
		case strings.HasPrefix(t, "принадлеж"):
			// the debtor's own name masked as the owner is theirs after all
			return i+1 >= len(toks) || toks[i+1] != nameMaskWord
		case t == "теперь":
			if i+1 < len(toks) && ownWords[toks[i+1]] || i > 0 && ownWords[toks[i-1]] {
				return true
			}
		}
	}
	return false
}

// thirdPossessive are his, her, their: "не его номер".
var thirdPossessive = map[string]bool{"его": true, "ее": true, "её": true, "их": true}

// nameMaskWord is the word the runtime puts for the debtor's name.
const nameMaskWord = "имярек"

// tenureWords say for how long: "номер мой уже пять лет", "это мой номер
// давно".
var tenureWords = map[string]bool{"лет": true, "год": true, "года": true, "давно": true, "месяц": true,
	"месяца": true, "месяцев": true, "годами": true}

// ownWords say the number is the speaker's or the speaker's family's:
// "номер мой", "номер моего мужа", "наш номер".
var ownWords = map[string]bool{"мой": true, "моего": true, "моей": true, "моих": true, "наш": true, "нашего": true,
	"нашей": true}

// heldFor reports the speaker's own number held for a time ("номер мой
// уже пять лет", "мой это номер давно"): whoever is asked for is not
// reached on it.
func heldFor(toks []string) bool {
	own, tenure := false, false
	for i, t := range toks {
		if strings.HasPrefix(t, "номер") {
			for j := max(0, i-2); j <= min(len(toks)-1, i+2); j++ {
				if ownWords[toks[j]] {
					own = true
				}
			}
		}
		if tenureWords[t] {
			tenure = true
		}
	}
	return own && tenure
}

// loanAfter reports a loan or money taken right after the verb at i ("брала
// кредит", "взял в долг"): the debtor's own story, not a number's.
func loanAfter(toks []string, i int) bool {
	for j := i + 1; j <= min(len(toks)-1, i+2); j++ {
		for _, p := range []string{"кредит", "займ", "заем", "денег", "деньги", "долг", "ссуд"} {
			if strings.HasPrefix(toks[j], p) {
				return true
			}
		}
	}
	return false
}

// AwayReport reports a clause that opens with "он"/"она" and says where
// they are ("Он на больничном", "а она в декрете", "он у клиента"): to "am I
// speaking with X?" it tells that X is elsewhere.
func AwayReport(text string) bool {
	for _, clause := range clauseBreak.Split(strings.ToLower(text), -1) {
		toks := Tokens(clause)
		k := 0
		for k < len(toks) && (toks[k] == "а" || toks[k] == "так" || toks[k] == "ну" || toks[k] == "сейчас") {
			k++
		}
		if k+2 < len(toks) && (toks[k] == "он" || toks[k] == "она") {
			switch toks[k+1] {
			case "в", "во", "на", "у":
				return true
			}
		}
		// the same said place first: "на работе он", "во дворе она"
		if n := len(toks); n-k >= 3 && n-k <= 5 && (toks[n-1] == "он" || toks[n-1] == "она") {
			switch toks[k] {
			case "в", "во", "на", "у":
				return true
			}
		}
	}
	return false
}

// SaysNow reports "сегодня", "сейчас", "прямо сейчас" said: with a verb of
// paying, the payment is today's, which the time parser leaves unsaid.
// A denied one ("не сразу", "хотя и не всё сразу", "не сегодня") is not.
func SaysNow(text string) bool {
	toks := Tokens(text)
	for i, t := range toks {
		if t != "сегодня" && t != "сейчас" && t != "щас" && t != "сразу" {
			continue
		}
		if i > 0 && toks[i-1] == "не" || i > 1 && toks[i-2] == "не" && toks[i-1] == "все" {
			continue
		}
		return true
	}
	return false
}

// waitForms are the words of a wait request as said; the stem of "погоди"
// is the stem of "погода", so a match by stem alone is not enough.
var waitForms = map[string]bool{"погоди": true, "погодите": true, "погодь": true, "подожди": true, "подождите": true,
	"обожди": true, "обождите": true, "минуточку": true, "минутку": true, "минуту": true, "секунду": true,
	"секундочку": true, "секундку": true, "повисите": true, "кладите": true, "сейчас": true, "щас": true}

// WaitForm reports whether the utterance holds a word of a wait request as
// said ("погодите", not "погода хорошая").
func WaitForm(text string) bool {
	for _, t := range Tokens(text) {
		if waitForms[t] {
			return true
		}
	}
	return false
}

// staffTitles are the job titles a caller asks for and a clerk gives.
var staffTitles = map[string]bool{"менеджер": true, "оператор": true, "специалист": true, "консультант": true,
	"администратор": true, "секретарь": true}

// IntroducedBy reports a job title followed by a first name ("менеджер
// Ольга"): whoever answered introduces themselves; they do not ask for a
// human.
func IntroducedBy(text string) bool {
	toks := Tokens(text)
	for i := 0; i+1 < len(toks); i++ {
		if staffTitles[toks[i]] && firstNames[toks[i+1]] {
			return true
		}
	}
	return false
}

// StaffAsSource reports a staff title after "от" or "у" ("на бумажке от
// оператора записано", "у менеджера узнал"): the staff member is where
// something came from, not the human the caller asks to speak to.
func StaffAsSource(text string) bool {
	toks := Tokens(text)
	for i := 1; i < len(toks); i++ {
		if toks[i-1] != "от" && toks[i-1] != "у" {
			continue
		}
		for title := range staffTitles {
			if strings.HasPrefix(toks[i], strings.TrimSuffix(title, "ь")) {
				return true
			}
		}
	}
	return false
}

// WithoutIndirect drops each clause's indirect question ("могу ли я меньше
// платить", "можно ли частями"): from the word before "ли" to the clause's
// end it names what is to be talked over, not what is asked for now.
func WithoutIndirect(text string) string {
	var kept []string
	for _, clause := range clauseBreak.Split(strings.ToLower(text), -1) {
		toks := Tokens(clause)
		for i := 1; i < len(toks); i++ {
			if toks[i] == "ли" {
				toks = toks[:i-1]
				break
			}
		}
		if len(toks) > 0 {
			kept = append(kept, strings.Join(toks, " "))
		}
	}
	return strings.Join(kept, ", ")
}

// fetchWords hand the phone over or call someone to it: "сейчас позову",
// "даю трубку", "Олег, тебя к телефону".
var fetchWords = [][]string{{"позову"}, {"позовем"}, {"даю", "трубку"}, {"передаю", "трубку"}, {"передам", "трубку"},
	{"трубку", "передам"}, {"трубку", "даю"}, {"к", "телефону"}, {"иди", "сюда"}}

// Fetches reports that the speaker calls someone else to the phone or
// hands it over: at "am I speaking with X?" X is being fetched, and the
// one who comes answers next.
func Fetches(text string) bool {
	toks := Tokens(text)
	for i := range toks {
		for _, f := range fetchWords {
			if i+len(f) <= len(toks) && slices.Equal(toks[i:i+len(f)], f) {
				return true
			}
		}
	}
	return false
}

// FetchPhrase reports a phrase of the relative intent that is a fetch
// ("сейчас позову", "передам трубку").
func FetchPhrase(phrase string) bool { return phrase != "" && Fetches(phrase) }

// LoneNegator reports an answer that is only "не" (or "ни"), repeated or
// not: the recogniser's clipped "нет".
func LoneNegator(text string) bool {
	toks := Tokens(text)
	for _, t := range toks {
		if !isNegator(t) {
			return false
		}
	}
	return len(toks) > 0
}

// Clauses splits an utterance where the caller's clauses end (commas,
// full stops, dashes), each lower-cased.
func Clauses(text string) []string {
	var out []string
	for _, c := range clauseBreak.Split(strings.ToLower(Punctuate(text)), -1) {
		if strings.TrimSpace(c) != "" {
			out = append(out, c)
		}
	}
	return out
}

// LoneNu reports an answer that is only "ну": to "удобно говорить?" a
// grudging go-ahead; to "am I speaking with X?" a filler while thinking.
func LoneNu(text string) bool {
	toks := Tokens(text)
	return len(toks) == 1 && toks[0] == "ну"
}

// AfterQuestion returns what the caller says after their own last question
// ("Кто это спрашивает? Да, я" gives "Да, я"), or "" when nothing follows.
func AfterQuestion(text string) string {
	i := strings.LastIndex(text, "?")
	if i < 0 {
		return ""
	}
	tail := strings.TrimSpace(text[i+1:])
	if len(Tokens(tail)) == 0 {
		return ""
	}
	return tail
}

// NoSuchPerson reports a clause that denies the one asked for exists here at
// all, not that they are out now: a negative quantifier over the debtor's
// name or a person ("никакой Елены тут нет", "таких нет", "никого такого не
// знаю") with a predicate of being or knowing, or "никогда" with one of
// living ("никогда не проживала"). "Елены тут нет" alone is the debtor out;
// the quantifier makes it a wrong number. isName tells the debtor's name
// words ("никаких денег нету" quantifies no person).
func NoSuchPerson(text string, isName func(string) bool) bool {
	for _, c := range Clauses(text) {
		toks := Tokens(c)
		quant, never, being, living := false, false, false, false
		neg := slices.Contains(toks, "нет") || slices.Contains(toks, "не") || slices.Contains(toks, "нету")
		for i, t := range toks {
			switch {
			case strings.HasPrefix(t, "никак") && i+1 < len(toks) && isName != nil && isName(toks[i+1]), t == "никого":
				quant = true
			case t == "никогда":
				never = true
			case t == "таких" || t == "такого" || t == "такой" || t == "такая":
				quant = quant || neg
			}
			switch {
			case t == "нет" || t == "нету":
				being = true
			case t == "не" && i+1 < len(toks):
				w := toks[i+1]
				live := strings.Contains(w, "жив") || strings.Contains(w, "жил") || w == "было" || w == "был" || w == "была"
				living = living || live
				being = being || live || strings.HasPrefix(w, "зна")
			}
		}
		if quant && being || never && living {
			return true
		}
	}
	return false
}

// Instalments splits a payment schedule into its parts ("половину завтра,
// половину через месяц", "часть в пятницу остальное к концу месяца"): a
// part opens at each share word after the first. It returns nil unless
// the text holds two or more shares. The first part's date is when the
// first payment is promised; the later ones schedule the rest.
func Instalments(text string) []string {
	toks := Tokens(text)
	var parts [][]string
	shares := 0
	for _, t := range toks {
		if shareWord(t) {
			shares++
			parts = append(parts, nil)
		}
		if len(parts) == 0 {
			parts = append(parts, nil)
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], t)
	}
	if shares < 2 {
		return nil
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.Join(p, " ")
	}
	return out
}

// shareWord names a part of a sum ("половину", "часть", "остальное",
// "остаток"); "частями" is a way of paying, no share.
func shareWord(t string) bool {
	if t == "частями" {
		return false
	}
	return strings.HasPrefix(t, "половин") || t == "часть" || t == "частью" || strings.HasPrefix(t, "остальн") ||
		strings.HasPrefix(t, "остат")
}
