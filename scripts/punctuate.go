package scripts

import (
	"slices"
	"strings"
	"unicode"
)

// Punctuate restores the clause and sentence breaks that a recogniser does
// not write ("муж говорит в пятницу получка да в пятницу заплачу" is
// "муж говорит в пятницу получка. да в пятницу заплачу"), so that the rules
// that read a turn's clauses — a correction's marker (Repair), a relayed
// person's sentence (Reported), the caller's own question (AfterQuestion), a
// request's clause (RequestClause), Clauses — see the same clauses with or
// without punctuation. Text that has any punctuation of its own is returned
// as it is: its writer's breaks are better than these guesses. The breaks
// come from words alone:
//
//   - a caller's question opened by a question word ("кто это спрашивает",
//     "а с кем я говорю") ends before the answer's first word ("да", "ну",
//     "если"…);
//   - "да" after a content word opens a new sentence ("…получка. да…");
//   - "нет" between two times or numbers is a correction ("в пятницу, нет,
//     в понедельник"); before a stance ("нет неудобно") it opens one; after
//     a predicate "нет" a subject opens the next ("её нет. я её мама");
//   - a phrase said again right after itself is a restatement, a sentence
//     of its own ("десять тысяч. десять тысяч двадцать пятого");
//   - a subordinating or contrasting conjunction ("так как", "так что",
//     "потому что", "но", "а я"…) and an address to someone in the room
//     ("девушка", "мам") open a clause.
func Punctuate(text string) string {
	if strings.ContainsAny(text, ",.!?;:…—–") {
		return text
	}
	raw := strings.Fields(text)
	if len(raw) < 2 {
		return text
	}
	w := make([]string, len(raw))
	for i, r := range raw {
		w[i] = spokenWord(wordKey(r))
	}
	mark := make([]string, len(raw)+1) // mark[i]: the break before word i
	set := func(i int, m string) {
		if i <= 0 || i >= len(raw) {
			return
		}
		// a stronger mark wins: "?" over "." over ","
		if rank(m) > rank(mark[i]) {
			mark[i] = m
		}
	}
	question(w, set)
	if addressWords[w[0]] || vocatives[w[0]] {
		// "девушка я бы рад но…": a turn opened by calling someone
		set(1, ",")
	}
	for i := 1; i < len(w); i++ {
		prev, next := w[i-1], ""
		if i+1 < len(w) {
			next = w[i+1]
		}
		switch {
		case w[i] == "да" && !leadIns[prev] && next != "":
			set(i, ".")
		case w[i] == "нет":
			switch {
			case timeOrNumber(prev) && (prepositions[next] || timeOrNumber(next) || next == "лучше"):
				set(i, ",")
				set(i+1, ",")
			case stances[next] && !leadIns[prev]:
				set(i, ".")
			}
		case clauseOpeners[w[i]] && !leadIns[prev]:
			set(i, ",")
		case w[i] == "а" && (speechParty[next] || next == "что" || next == "кто") && !leadIns[prev]:
			set(i, ",")
		case pairOpeners[prev+" "+w[i]] && i >= 2 && !leadIns[w[i-2]]:
			set(i-1, ",")
		case addressWords[w[i]] && !leadIns[prev]:
			set(i, ".")
		case w[i] == "ладно" && !fillers[prev]:
			set(i, ".")
		case bareSayings[w[i]] && content(prev) && !sayer(prev):
			// a bare "говорит" reports another's words from here on
			set(i, ".")
		case content(prev) && (goAheads[w[i]] || w[i] == "ну" && afterNu[next] || thirdPersons[w[i]] && next != "" ||
			w[i] == "а" && content(next) && subjectAhead(w[i+1:])):
			// a bare "ну" or "а" inside words is as often a breath as a
			// clause: it opens one only before a discourse word or, for
			// "а", a clause with a subject ("жены а лаптева я не знаю")
			set(i, ",")
		}
		if w[i-1] == "нет" && (subjects[w[i]] || sayer(w[i])) {
			if i-1 == 0 || leadIns[w[i-2]] {
				set(i, ",")
			} else {
				set(i, ".")
			}
		}
	}
	restatements(w, set)
	var b strings.Builder
	for i, r := range raw {
		if i > 0 {
			b.WriteString(mark[i])
			b.WriteByte(' ')
		}
		b.WriteString(r)
	}
	return b.String()
}

func rank(m string) int {
	if m == "" {
		return 0
	}
	return strings.Index(",.?", m) + 1
}

// wordKey is a word as the break rules compare it: lower case, "ё" as
// "е", no marks around it ("[unk]" stays a mark of its own). Normalize is
// not used: it reads dialect words ("так" as the Ukrainian yes).
func wordKey(w string) string {
	w = strings.ReplaceAll(strings.ToLower(w), "ё", "е")
	return strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// spokenWord is a stuttered word said once ("к-кто" → "кто", "н-ну" →
// "ну"): the leading parts that open the last one are a stutter.
func spokenWord(w string) string {
	parts := strings.Split(w, "-")
	last := parts[len(parts)-1]
	for _, p := range parts[:len(parts)-1] {
		if p == "" || len([]rune(p)) > 3 || !strings.HasPrefix(last, p) {
			return w
		}
	}
	return last
}

// timeOrNumber reports a word of a date, a clock time or a number.
func timeOrNumber(w string) bool {
	return timeAndNumber[w] || weekdayWords[w] || isDigits(w)
}

var weekdayWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`понедельник понедельника вторник вторника среду среды четверг четверга пятницу пятницы
		субботу субботы воскресенье воскресенья завтра послезавтра сегодня час часа часов утром вечером днем ночью неделю месяц`) {
		m[w] = true
	}
	return m
}()

// leadIns are words after which the next word continues the same clause
// ("ну да", "а нет", "да да", "если да").
var leadIns = map[string]bool{"ну": true, "а": true, "да": true, "и": true, "так": true, "вот": true,
	"ага": true, "если": true, "то": true, "ой": true, "ах": true, "или": true, "что": true, "не": true,
	"нет": true, "уже": true, "же": true}

// content reports a word that ends a clause's content: not a function
// word, a preposition, a lead-in, a number or a time word (a breath "а"
// or "ну" inside a time is no clause break: "через пол а часа").
func content(w string) bool {
	return w != "" && !functionWords[w] && !leadIns[w] && !prepositions[w] && !timeOrNumber(w) && !subordinators[w]
}

// subordinators keep their clause's subject with them ("когда она придёт").
var subordinators = map[string]bool{"когда": true, "как": true, "где": true, "куда": true, "пока": true,
	"раз": true, "чтобы": true, "потому": true, "поэтому": true, "тогда": true, "сейчас": true, "щас": true,
	"тоже": true, "может": true, "если": true, "хотя": true}

// bareSayings are the verbs of saying that report speech with no subject
// ("…сколько можем. говорит, десять тысяч"); "спрашивают" takes an object
// ("какого-то Виктора спрашивают") and is not among them.
var bareSayings = map[string]bool{"говорит": true, "говорят": true, "подсказывает": true,
	"напоминает": true, "передает": true, "велит": true}

// afterNu are what a clause-opening "ну" goes on with ("такая ну короче
// денег нет", "пять ну вот пять тысяч").
var afterNu = map[string]bool{"вот": true, "короче": true, "я": true, "мы": true, "да": true, "нет": true,
	"ладно": true, "хорошо": true, "давайте": true, "говорите": true, "значит": true, "тогда": true}

// subjectAhead reports a pronoun subject within the next three words.
func subjectAhead(w []string) bool {
	for k := 1; k < len(w) && k <= 3; k++ {
		if speechParty[w[k]] || thirdPersons[w[k]] {
			return true
		}
	}
	return false
}

// goAheads let the robot go on; after other words they open the clause
// that settles the turn ("…между сменами стою, говорите, только коротко").
var goAheads = map[string]bool{"говорите": true, "говори": true, "слушаю": true, "давайте": true, "давай": true}

// thirdPersons open a clause about someone else ("это телефон папы, он в
// гараже").
var thirdPersons = map[string]bool{"он": true, "она": true, "они": true}

// fillers keep "ладно" in their clause ("ну ладно", "а ладно").
var fillers = map[string]bool{"ну": true, "а": true, "и": true, "да": true, "ой": true, "ах": true,
	"так": true, "вот": true, "ага": true}

// stances are what a "нет" opening a new answer goes on with ("нет
// неудобно", "нет не могу").
var stances = map[string]bool{"удобно": true, "неудобно": true, "не": true, "никак": true}

// subjects open a clause of their own after a predicate "нет".
var subjects = map[string]bool{"я": true, "мы": true, "он": true, "она": true, "они": true, "вы": true, "это": true}

// clauseOpeners are conjunctions that open a clause wherever they stand.
var clauseOpeners = map[string]bool{"но": true, "если": true, "хотя": true, "потому": true, "поэтому": true,
	"который": true, "которая": true, "которое": true, "которые": true, "которого": true, "которой": true,
	"чтобы": true}

// pairOpeners are two-word conjunctions: the break goes before both.
var pairOpeners = map[string]bool{"так как": true, "так что": true}

// addressWords call someone in the room: an aside begins ("девушка, пакет
// не надо", "мам, тут спрашивают").
var addressWords = map[string]bool{"девушка": true, "мам": true, "пап": true}

// questionWords open a caller's question about the call ("кто это
// спрашивает", "с кем я говорю", "откуда звоните").
var questionWords = map[string]bool{"кто": true, "кем": true, "кого": true, "откуда": true, "зачем": true, "почему": true,
	"чего": true}

// answerOpeners are the first words of an answer after the caller's own
// question ("кто спрашивает? ну допустим я", "с кем я говорю? если из
// банка, то я").
var answerOpeners = map[string]bool{"да": true, "ну": true, "нет": true, "ага": true, "если": true,
	"ладно": true, "допустим": true, "слушаю": true, "говорите": true}

// question marks the end of a caller's question: one the turn opens with,
// or one opened later by "а" and a question word ("ну я, а что, опять из
// банка? я уже всем объясняла"). It ends before an answer's first word,
// or, three words on, before the caller's "я".
func question(w []string, set func(int, string)) {
	for at := 0; at < len(w); at++ {
		if at > 0 && (w[at] != "а" || at+1 >= len(w) || !questionWords[w[at+1]] && w[at+1] != "что") {
			continue
		}
		i := at
		for i < len(w) && (w[i] == "а" || w[i] == "ну" || w[i] == "алло" || w[i] == "але" || w[i] == "с" || w[i] == "так") {
			i++
		}
		if i >= len(w) || !questionWords[w[i]] && !(at > 0 && w[i] == "что") {
			continue
		}
		set(at, ",")
		for j := i + 2; j < len(w); j++ {
			if answerOpeners[w[j]] || j >= i+3 && w[j] == "я" {
				set(j, "?")
				at = j
				break
			}
		}
	}
}

// restatements mark a phrase of two or three words said again within two
// filler words of its end, or a number said again after one or two
// fillers, as a sentence of its own.
func restatements(w []string, set func(int, string)) {
	for i := range w {
		// a number said again after fillers: "пять ну вот пять тысяч"
		// names one sum, not five plus five thousand
		for j := i + 2; j < len(w) && j <= i+3 && numeralSet[w[i]]; j++ {
			if !functionWords[w[j-1]] && !leadIns[w[j-1]] {
				break
			}
			if w[j] == w[i] {
				set(i+1, ".")
			}
		}
	}
	covered := make([]bool, len(w)) // words of a longer restated phrase
	for k := 3; k >= 2; k-- {
		for i := 0; i+k <= len(w); i++ {
			if slices.Contains(covered[i:i+k], true) {
				continue
			}
			content := false
			for _, x := range w[i : i+k] {
				content = content || !functionWords[x]
			}
			if !content {
				continue
			}
			for j := i + k; j <= i+k+2 && j+k <= len(w); j++ {
				// the words between are fillers or pronouns ("не туда
				// попали вы не туда попали"), not a clause of their own
				// ("в пятницу получка да в пятницу")
				between := true
				for _, x := range w[i+k : j] {
					between = between && (functionWords[x] || leadIns[x])
				}
				if between && slices.Equal(w[i:i+k], w[j:j+k]) {
					set(i+k, ".")
					for x := i; x < j+k; x++ {
						covered[x] = true
					}
				}
			}
		}
	}
}
