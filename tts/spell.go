package tts

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// textVersion changes whenever verbalisation or markup handling changes
// what an engine receives; it is part of every engine's cache key.
const textVersion = "t1"

// Gender is the grammatical gender a spelled number agrees with:
// "один рубль", "одна копейка", "одно сообщение".
type Gender int

const (
	Masculine Gender = iota
	Feminine
	Neuter
)

var (
	unitsMasc = [...]string{"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	teens     = [...]string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	tens      = [...]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	hundreds  = [...]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}

	// scales[i] is 1000^i: forms for 1, 2–4, 5+ and the gender they take.
	scales = [...]struct {
		one, few, many string
		g              Gender
	}{
		{},
		{"тысяча", "тысячи", "тысяч", Feminine},
		{"миллион", "миллиона", "миллионов", Masculine},
		{"миллиард", "миллиарда", "миллиардов", Masculine},
		{"триллион", "триллиона", "триллионов", Masculine},
		{"квадриллион", "квадриллиона", "квадриллионов", Masculine},
		{"квинтиллион", "квинтиллиона", "квинтиллионов", Masculine},
	}

	monthsGenitive = [...]string{"", "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
)

// Plural picks the noun form that agrees with n: one for 1, 21, 101…;
// few for 2–4, 22–24…; many for 0, 5–20, 25–30, 111–114….
func Plural(n int64, one, few, many string) string {
	return pluralU(absU(n), one, few, many)
}

func pluralU(n uint64, one, few, many string) string {
	if r := n % 100; r >= 11 && r <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-(n + 1)) + 1 // safe for math.MinInt64
	}
	return uint64(n)
}

// SpellNumber spells n in Russian words agreeing with gender g:
// SpellNumber(21, Feminine) = "двадцать одна", SpellNumber(-2, Masculine) =
// "минус два". A leading single thousand or million is said without "одна"/
// "один" ("тысяча пятьсот", "миллион"), as people say amounts aloud; inner
// groups keep it ("два миллиона одна тысяча").
func SpellNumber(n int64, g Gender) string {
	if n < 0 {
		return "минус " + spellU(absU(n), g)
	}
	return spellU(uint64(n), g)
}

func spellU(n uint64, g Gender) string {
	if n == 0 {
		return "ноль"
	}
	var groups []int
	for v := n; v > 0; v /= 1000 {
		groups = append(groups, int(v%1000))
	}
	var words []string
	for i := len(groups) - 1; i >= 0; i-- {
		grp := groups[i]
		if grp == 0 {
			continue
		}
		if i == 0 {
			words = appendTriple(words, grp, g)
			continue
		}
		sc := scales[i]
		if !(grp == 1 && i == len(groups)-1) {
			words = appendTriple(words, grp, sc.g)
		}
		words = append(words, pluralU(uint64(grp), sc.one, sc.few, sc.many))
	}
	return strings.Join(words, " ")
}

// appendTriple appends the words for 1…999.
func appendTriple(words []string, n int, g Gender) []string {
	if h := n / 100; h > 0 {
		words = append(words, hundreds[h])
	}
	r := n % 100
	switch {
	case r >= 10 && r < 20:
		return append(words, teens[r-10])
	case r >= 20:
		words = append(words, tens[r/10])
	}
	if u := r % 10; u > 0 {
		words = append(words, unitWord(u, g))
	}
	return words
}

func unitWord(u int, g Gender) string {
	switch {
	case u == 1 && g == Feminine:
		return "одна"
	case u == 1 && g == Neuter:
		return "одно"
	case u == 2 && g == Feminine:
		return "две"
	}
	return unitsMasc[u]
}

// SpellMoney spells an amount in kopecks for speech:
// 1234550 → "двенадцать тысяч триста сорок пять рублей пятьдесят копеек".
// Zero kopecks are not said; an amount under a rouble is said in kopecks only.
func SpellMoney(kopecks int64) string {
	prefix := ""
	if kopecks < 0 {
		prefix = "минус "
	}
	u := absU(kopecks)
	rub, kop := u/100, u%100
	var parts []string
	if rub > 0 || kop == 0 {
		parts = append(parts, spellU(rub, Masculine), pluralU(rub, "рубль", "рубля", "рублей"))
	}
	if kop > 0 {
		parts = append(parts, spellU(kop, Feminine), pluralU(kop, "копейка", "копейки", "копеек"))
	}
	return prefix + strings.Join(parts, " ")
}

// FormatMoney writes an amount in kopecks for display, digits grouped by
// thousands: 1234550 → "12 345 рублей 50 копеек", 2100 → "21 рубль".
func FormatMoney(kopecks int64) string {
	prefix := ""
	if kopecks < 0 {
		prefix = "-"
	}
	u := absU(kopecks)
	rub, kop := u/100, u%100
	var parts []string
	if rub > 0 || kop == 0 {
		parts = append(parts, groupThousands(rub), pluralU(rub, "рубль", "рубля", "рублей"))
	}
	if kop > 0 {
		parts = append(parts, strconv.FormatUint(kop, 10), pluralU(kop, "копейка", "копейки", "копеек"))
	}
	return prefix + strings.Join(parts, " ")
}

// groupThousands writes n with a space between groups of three digits.
func groupThousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// FormatDate writes day and month for display: "25 ноября".
func FormatDate(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), monthsGenitive[t.Month()])
}

// SpellDate spells day and month for speech in the nominative:
// "двадцать пятое ноября" ("сегодня двадцать пятое ноября").
func SpellDate(t time.Time) string {
	return spellOrdinal(uint64(t.Day()), ordNeuterNom) + " " + monthsGenitive[t.Month()]
}

// SpellDateGenitive spells day and month in the genitive, as after "до",
// "с", "после" or when naming a date of an event: "двадцать пятого ноября".
func SpellDateGenitive(t time.Time) string {
	return spellOrdinal(uint64(t.Day()), ordGenitive) + " " + monthsGenitive[t.Month()]
}

// SpellTime spells the clock time of t: "десять часов тридцать минут",
// "двадцать один час одна минута"; whole hours have no minutes part.
func SpellTime(t time.Time) string {
	return spellClock(t.Hour(), t.Minute(), false)
}

func spellClock(h, m int, genitive bool) string {
	var parts []string
	if genitive {
		parts = append(parts, cardinalGenitive(h, Masculine), pluralGenitive(h, "часа", "часов"))
	} else {
		parts = append(parts, SpellNumber(int64(h), Masculine), Plural(int64(h), "час", "часа", "часов"))
	}
	if m > 0 {
		if genitive {
			parts = append(parts, cardinalGenitive(m, Feminine), pluralGenitive(m, "минуты", "минут"))
		} else {
			parts = append(parts, SpellNumber(int64(m), Feminine), Plural(int64(m), "минута", "минуты", "минут"))
		}
	}
	return strings.Join(parts, " ")
}

// ordForm is the grammatical form of an ordinal.
type ordForm int

const (
	ordNeuterNom     ordForm = iota // двадцать пятое (число)
	ordGenitive                     // двадцать пятого (masculine and neuter)
	ordMascNom                      // двадцать пятый (год)
	ordPrepositional                // (в) двадцать пятом (году)
)

// ordinal stems; the ending is added by ordEnding.
var (
	ordUnits    = [...]string{"", "перв", "втор", "трет", "четвёрт", "пят", "шест", "седьм", "восьм", "девят"}
	ordTeens    = [...]string{"десят", "одиннадцат", "двенадцат", "тринадцат", "четырнадцат", "пятнадцат", "шестнадцат", "семнадцат", "восемнадцат", "девятнадцат"}
	ordTens     = [...]string{"", "", "двадцат", "тридцат", "сороков", "пятидесят", "шестидесят", "семидесят", "восьмидесят", "девяност"}
	ordHundreds = [...]string{"", "сот", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот", "девятисот"}
	// genitive cardinals used as the first part of compound ordinals
	// ("двухтысячного") and after prepositions ("до восемнадцати часов").
	genUnits    = [...]string{"ноля", "одного", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти"}
	genTeens    = [...]string{"десяти", "одиннадцати", "двенадцати", "тринадцати", "четырнадцати", "пятнадцати", "шестнадцати", "семнадцати", "восемнадцати", "девятнадцати"}
	genTens     = [...]string{"", "", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти", "восьмидесяти", "девяноста"}
	genHundreds = [...]string{"", "ста", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот", "девятисот"}
	// compound prefixes: "двух|тысячного", "пяти|сот", "сто|тысячного".
	compUnits    = [...]string{"", "одно", "двух", "трёх", "четырёх", "пяти", "шести", "семи", "восьми", "девяти"}
	compHundreds = [...]string{"", "сто", "двухсот", "трёхсот", "четырёхсот", "пятисот", "шестисот", "семисот", "восьмисот", "девятисот"}
	ordScales    = [...]string{"", "тысячн", "миллионн", "миллиардн", "триллионн", "квадриллионн", "квинтиллионн"}
)

func ordEnding(stem string, f ordForm) string {
	soft := stem == "трет" // третье, третьего, третий, третьем
	switch f {
	case ordNeuterNom:
		if soft {
			return stem + "ье"
		}
		return stem + "ое"
	case ordMascNom:
		switch stem {
		case "трет":
			return "третий"
		case "втор", "шест", "седьм", "восьм", "сороков", "нулев":
			return stem + "ой" // stressed ending
		}
		return stem + "ый"
	case ordPrepositional:
		if soft {
			return stem + "ьем"
		}
		return stem + "ом"
	}
	if soft {
		return stem + "ьего"
	}
	return stem + "ого"
}

// spellOrdinal spells n ≥ 1 as an ordinal: only the last word changes
// ("две тысячи двадцать шестого"), round thousands fuse into one word
// ("двухтысячного").
func spellOrdinal(n uint64, f ordForm) string {
	if n == 0 {
		return ordEnding("нулев", f)
	}
	// Find the lowest non-zero group.
	scale := 0
	v := n
	for v%1000 == 0 {
		v /= 1000
		scale++
	}
	grp := int(v % 1000)
	head := (v / 1000) * pow1000(scale+1) // everything above that group
	var words []string
	if head > 0 {
		words = append(words, spellU(head, Masculine))
	}
	if scale > 0 {
		prefix := ""
		if grp != 1 || head > 0 {
			prefix = compoundPrefix(grp)
		}
		return strings.TrimSpace(strings.Join(append(words, prefix+ordEnding(ordScales[scale], f)), " "))
	}
	// scale 0: ordinal inside the last group
	if h := grp / 100; h > 0 && grp%100 == 0 {
		return strings.Join(append(words, ordEnding(ordHundreds[h], f)), " ")
	} else if h > 0 {
		words = append(words, hundreds[h])
	}
	r := grp % 100
	switch {
	case r >= 10 && r < 20:
		words = append(words, ordEnding(ordTeens[r-10], f))
	case r%10 == 0:
		words = append(words, ordEnding(ordTens[r/10], f))
	default:
		if r >= 20 {
			words = append(words, tens[r/10])
		}
		words = append(words, ordEnding(ordUnits[r%10], f))
	}
	return strings.Join(words, " ")
}

// compoundPrefix is the genitive stem of 1…999 fused with a scale word:
// 2 → "двух", 25 → "двадцатипяти", 100 → "сто".
func compoundPrefix(n int) string {
	var b strings.Builder
	b.WriteString(compHundreds[n/100])
	r := n % 100
	switch {
	case r >= 10 && r < 20:
		b.WriteString(genTeens[r-10])
	default:
		b.WriteString(genTens[r/10])
		b.WriteString(compUnits[r%10])
	}
	return b.String()
}

func pow1000(k int) uint64 {
	p := uint64(1)
	for ; k > 0; k-- {
		p *= 1000
	}
	return p
}

// spellGenitive spells n in the genitive: 15000 → "пятнадцати тысяч",
// 1000 → "тысячи", 21 (feminine) → "двадцати одной".
func spellGenitive(n uint64, g Gender) string {
	if n == 0 {
		return genUnits[0]
	}
	var groups []int
	for v := n; v > 0; v /= 1000 {
		groups = append(groups, int(v%1000))
	}
	var words []string
	for i := len(groups) - 1; i >= 0; i-- {
		grp := groups[i]
		if grp == 0 {
			continue
		}
		if i == 0 {
			words = append(words, cardinalGenitive(grp, g))
			continue
		}
		if !(grp == 1 && i == len(groups)-1) {
			words = append(words, cardinalGenitive(grp, scales[i].g))
		}
		// genitive of the scale word: singular after 1, 21…, plural otherwise
		if i == 1 {
			words = append(words, pluralGenitive(grp, "тысячи", "тысяч"))
		} else {
			words = append(words, pluralGenitive(grp, scales[i].few, scales[i].many))
		}
	}
	return strings.Join(words, " ")
}

// spellMoneyGenitive is SpellMoney in the genitive, as after "более", "до",
// "от": "более пятнадцати тысяч рублей", "до одного рубля".
func spellMoneyGenitive(kopecks int64) string {
	prefix := ""
	if kopecks < 0 {
		prefix = "минус "
	}
	u := absU(kopecks)
	rub, kop := u/100, u%100
	var parts []string
	if rub > 0 || kop == 0 {
		parts = append(parts, spellGenitive(rub, Masculine), pluralGenitive(int(rub%100), "рубля", "рублей"))
	}
	if kop > 0 {
		parts = append(parts, spellGenitive(kop, Feminine), pluralGenitive(int(kop), "копейки", "копеек"))
	}
	return prefix + strings.Join(parts, " ")
}

// cardinalGenitive spells 0…999 in the genitive: 18 → "восемнадцати",
// 21 (feminine) → "двадцати одной".
func cardinalGenitive(n int, g Gender) string {
	if n == 0 {
		return genUnits[0]
	}
	var words []string
	if h := n / 100; h > 0 {
		words = append(words, genHundreds[h])
	}
	r := n % 100
	switch {
	case r >= 10 && r < 20:
		words = append(words, genTeens[r-10])
	default:
		if r >= 20 {
			words = append(words, genTens[r/10])
		}
		if u := r % 10; u == 1 && g == Feminine {
			words = append(words, "одной")
		} else if u > 0 {
			words = append(words, genUnits[u])
		}
	}
	return strings.Join(words, " ")
}

// pluralGenitive picks the genitive noun form: singular after 1, 21…
// ("одного часа"), plural otherwise ("двух часов").
func pluralGenitive(n int, sing, plur string) string {
	if n%10 == 1 && n%100 != 11 {
		return sing
	}
	return plur
}
