package scripts

import "strings"

// A relative or colleague names the debtor as the family and the workplace
// do: "Витя на работе", "Люды нет", "Колька-то на вахте", "Петин отец". The
// rules of this file read those everyday forms of a first name as the name:
// the short forms of a table of common Russian first names, their case
// forms, their diminutives ("-ка", "-очка", "-енька") and the possessive
// ("Петин", "Аллина"). Case endings are listed, not stemmed, so that the
// stem "люд" of "Люда" does not take "люди".

// shortNames maps a first name (lower case, ё as е) to its everyday short
// forms in the nominative.
var shortNames = map[string][]string{
	"александр": {"саша", "шура", "саня"}, "александра": {"саша", "шура"}, "алексей": {"леша", "алеша", "леха"},
	"анатолий": {"толя", "толик"}, "андрей": {"андрюша", "андрюха"}, "анастасия": {"настя"}, "анна": {"аня", "нюра"},
	"антон": {"тоша"}, "борис": {"боря"}, "валентин": {"валя"}, "валентина": {"валя"}, "валерий": {"валера"},
	"василий": {"вася"}, "вера": {"верочка"}, "виктор": {"витя"}, "виктория": {"вика"}, "владимир": {"вова", "володя"},
	"владислав": {"влад", "владик"}, "вячеслав": {"слава"}, "галина": {"галя"}, "георгий": {"жора", "гоша"},
	"григорий": {"гриша"}, "дарья": {"даша"}, "денис": {"дениска"}, "дмитрий": {"дима", "митя", "димон"},
	"евгений": {"женя"}, "евгения": {"женя"}, "екатерина": {"катя"}, "елена": {"лена"}, "елизавета": {"лиза"},
	"иван": {"ваня"}, "игорь": {"игорек"}, "илья": {"илюша"}, "ирина": {"ира"}, "кирилл": {"киря"},
	"константин": {"костя"}, "ксения": {"ксюша"}, "лариса": {"лара"}, "леонид": {"леня"}, "любовь": {"люба"},
	"людмила": {"люда", "люся", "мила"}, "максим": {"макс"}, "мария": {"маша"}, "марина": {"мариша"},
	"михаил": {"миша"}, "надежда": {"надя"}, "наталья": {"наташа"}, "наталия": {"наташа"}, "николай": {"коля", "колян"},
	"нина": {"ниночка"}, "оксана": {"ксюша"}, "олег": {"олежка"}, "ольга": {"оля"}, "павел": {"паша"},
	"петр": {"петя"}, "полина": {"поля"}, "роман": {"рома"}, "светлана": {"света"}, "семен": {"сема"},
	"сергей": {"сережа", "серега"}, "софья": {"соня"}, "станислав": {"стас"}, "степан": {"степа"}, "татьяна": {"таня"},
	"тамара": {"тамарочка"}, "федор": {"федя"}, "юлия": {"юля"}, "юрий": {"юра"}, "яков": {"яша"}, "ярослав": {"слава"},
	"зинаида": {"зина"}, "тимофей": {"тима"}, "эдуард": {"эдик"}, "геннадий": {"гена"}, "виталий": {"виталик"},
	"вадим": {"вадик"}, "руслан": {"русик"}, "рустам": {"рустик"},
}

// hushing letters take "и", not "ы", after them ("Саши", "Маши").
const hushing = "шжчщкгх"

// nameEndings returns the case forms of a name that ends in "а"/"я" (its
// stem and the endings it takes) or, for a consonant ending, the name and
// its forms with the masculine endings.
func nameEndings(form string) (stem string, endings []string) {
	rs := []rune(form)
	last := rs[len(rs)-1]
	switch {
	case last == 'я':
		return string(rs[:len(rs)-1]), []string{"я", "и", "е", "ю", "ей", "ею"}
	case last == 'а' && len(rs) > 1 && strings.ContainsRune(hushing, rs[len(rs)-2]):
		return string(rs[:len(rs)-1]), []string{"а", "и", "е", "у", "ей", "ой", "ею"}
	case last == 'а':
		return string(rs[:len(rs)-1]), []string{"а", "ы", "е", "у", "ой", "ою"}
	case last == 'й' || last == 'ь':
		return string(rs[:len(rs)-1]), []string{string(last), "я", "ю", "ем", "е"}
	}
	return form, []string{"", "а", "у", "ом", "е"}
}

// diminutives are the suffixes of endearment a name stem takes before its
// case ending ("Кол-ьк-а", "Люд-очк-и", "Пет-еньк-а").
var diminutives = []string{"ьк", "к", "очк", "ечк", "еньк", "ушк", "юшк", "ул", "ун"}

// possessiveEndings follow "-ин" of the possessive ("Петин", "Петина").
var possessiveEndings = []string{"", "а", "у", "ы", "ой", "о", "ого", "ому", "ым", "ых", "е"}

// commonWords are case forms of a short name that are everyday words too
// ("не тому звоните", "любой").
var commonWords = map[string]bool{"тому": true, "любой": true, "любое": true, "поле": true}

// NameForms returns every spelling of a first name that its family and
// colleagues use: the name, its short forms, their case forms, diminutives
// and possessives, normalised (lower case, ё as е).
func NameForms(first string) map[string]bool {
	out := map[string]bool{}
	first = Normalize(first)
	if first == "" || strings.ContainsRune(first, ' ') {
		return out
	}
	forms := append([]string{first}, shortNames[first]...)
	for _, f := range forms {
		stem, ends := nameEndings(f)
		for _, e := range ends {
			out[stem+e] = true
		}
		if rs := []rune(f); len(rs) > 3 && rs[len(rs)-2] == 'е' && rs[len(rs)-1] == 'л' {
			// the fleeting vowel: "Павел" → "Павла", "Павлу"
			fl := string(rs[:len(rs)-2]) + "л"
			for _, e := range []string{"а", "у", "ом", "е"} {
				out[fl+e] = true
			}
		}
		if len([]rune(stem)) < 3 {
			continue
		}
		soft := strings.HasSuffix(f, "я")
		for _, d := range diminutives {
			if d == "ьк" && !soft {
				continue // "Колька" from "Коля"; "Людька" is rare and "людк" is not "люди"
			}
			for _, e := range []string{"а", "и", "е", "у", "ой"} {
				out[stem+d+e] = true
			}
			for _, e := range possessiveEndings {
				out[stem+d+"ин"+e] = true // "Петькин сын", "Людочкина мама"
			}
		}
		for _, e := range possessiveEndings {
			out[stem+"ин"+e] = true
		}
	}
	for w := range commonWords {
		delete(out, w)
	}
	return out
}

// NameMatcher returns whether a normalised word is one of the debtor's name
// words: a word of the full name or the first name in any case (compared by
// stem), or an everyday form of the first name (NameForms). first may be
// empty; then the full name's words that are known first names give the
// everyday forms.
func NameMatcher(first, full string) func(string) bool {
	stems := map[string]bool{}
	var whole []string
	everyday := NameForms(first)
	for _, w := range Tokens(full + " " + first) {
		if len([]rune(w)) < 3 {
			continue
		}
		stems[Stem(w)] = true
		whole = append(whole, w)
		if _, ok := shortNames[w]; ok {
			for f := range NameForms(w) {
				everyday[f] = true
			}
		}
	}
	// "Лябинин", "Ломана": the name through a burr or a lisp
	keyed := map[string]bool{}
	for s := range everyday {
		keyed[articulationKey(s)] = true
	}
	for _, w := range whole {
		keyed[Stem(articulationKey(w))] = true
	}
	return func(w string) bool {
		if stems[Stem(w)] || everyday[w] {
			return true
		}
		if k := articulationKey(w); k != w && len([]rune(w)) >= 4 && (keyed[k] || keyed[Stem(k)]) {
			return true
		}
		// the stemmer cuts "Станислав" to "станисла" (a gerund ending to it)
		// but "Станислава" to "станислав": the name itself opening the word
		// with at most two letters of case ending after it is the name too
		for _, n := range whole {
			// "...талья слушаю": a hands-free line clipped the first
			// sound or two of the name
			if wl, nl := len([]rune(w)), len([]rune(n)); wl >= 4 && nl-wl >= 1 && nl-wl <= 2 && strings.HasSuffix(n, w) {
				return true
			}
			if strings.HasPrefix(w, n) && len([]rune(w))-len([]rune(n)) <= 2 {
				return true
			}
		}
		return false
	}
}

// firstNames are the first names of the table and their short forms.
var firstNames = func() map[string]bool {
	m := map[string]bool{}
	for full, short := range shortNames {
		m[full] = true
		for _, f := range short {
			m[f] = true
		}
	}
	return m
}()

// nameFillers may stand between "я" and a name.
var nameFillers = map[string]bool{"вообще": true, "то": true, "же": true, "ж": true, "вот": true, "так": true, "тоже": true}

// OtherName reports whether the speaker gives a first name that is not the
// debtor's: "нет, я Павел", "это Ольга", "меня зовут Ира" — someone else
// answered.
//
// With patronymics set (the debtor's full name has one), a first name of
// the debtor's followed by another patronymic is someone else too.
func OtherName(text string, isName func(string) bool, patronymics bool) bool {
	toks := Tokens(text)
	for i := 0; i+1 < len(toks); i++ {
		switch toks[i] {
		case "я", "это", "зовут":
		default:
			continue
		}
		j := i + 1
		for j+1 < len(toks) && nameFillers[toks[j]] {
			j++ // "я вообще-то Марина"
		}
		w := toks[j]
		if firstNames[w] && (isName == nil || !isName(w)) {
			return true
		}
		if patronymics && isName != nil && isName(w) && j+1 < len(toks) && Patronymic(toks[j+1]) && !isName(toks[j+1]) {
			return true // "я Иван Сергеевич" when Ivan Ivanovich is asked for
		}
		if isName != nil && isName(w) {
			// "я Гусев, только Сергей": the debtor's surname, then another
			// first name
			for k := j + 1; k <= j+2 && k < len(toks); k++ {
				if firstNames[toks[k]] && !isName(toks[k]) {
					return true
				}
			}
		}
	}
	return false
}

// patronymicEnds are the endings of a Russian patronymic in its cases.
var patronymicEnds = []string{"ович", "евич", "ьич", "овн", "евн", "ичн"}

// Patronymic reports a word that is a patronymic in any case ("Сергеевич",
// "Петровича", "Игоревной").
func Patronymic(w string) bool {
	rs := []rune(w)
	for _, e := range patronymicEnds {
		er := []rune(e)
		// the ending, then at most a case ending of up to three letters
		for k := 0; k <= 3 && len(rs)-k-len(er) >= 2; k++ {
			if string(rs[len(rs)-k-len(er):len(rs)-k]) == e {
				return true
			}
		}
	}
	return false
}
