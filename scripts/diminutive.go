package scripts

import "strings"

// Polite and elderly callers say the words the parsers read in diminutive
// form: "тысячки три", "в пятничку", "часиков в семь", "через недельку",
// "завтречка", "до копеечки", "это внученька её". Rather than a phrase or a
// parser pattern per form, a diminutive of a word of the classes the parsers
// and the kin frames read (sums, weekdays, hours and days, money, kin) is
// read as its plain word in the same case before anything else sees the
// text. The forms are generated from each word's diminutive stems and its
// declension, so every case of a stem is covered alike.

// Case order of the plain forms below: nominative, genitive, dative,
// accusative, instrumental, prepositional, nominative plural, genitive plural.
const (
	cNom = iota
	cGen
	cDat
	cAcc
	cIns
	cPrep
	cNomPl
	cGenPl
)

// femDim is a feminine word whose diminutive stems end in "к" and decline
// like "пятничка": -а, -и, -е, -у, -ой/-ою, -и (plural), and the genitive
// plural in -ек ("тысячек", "субботок" is listed as its own form).
type femDim struct {
	stems []string    // "пятничк"
	genPl []string    // diminutive genitive plurals: "пятничек"
	plain [8]string   // the plain word's forms
	extra [][2]string // any other form: {diminutive, plain}
}

// mascDim is a masculine word whose diminutive is "часик" / "часочек":
// a nominative of its own and an oblique stem with the hard endings.
type mascDim struct {
	nom   []string // "часик", "часочек"
	stems []string // "часик", "часочк"
	plain [8]string
}

var femDims = []femDim{
	{stems: []string{"тысячк", "тысчонк", "тыщонк"}, genPl: []string{"тысячек"},
		plain: [8]string{"тысяча", "тысячи", "тысяче", "тысячу", "тысячей", "тысяче", "тысячи", "тысяч"}},
	{stems: []string{"пятничк"}, genPl: []string{"пятничек"},
		plain: [8]string{"пятница", "пятницы", "пятнице", "пятницу", "пятницей", "пятнице", "пятницы", "пятниц"}},
	{stems: []string{"субботк", "субботочк"}, genPl: []string{"субботок", "субботочек"},
		plain: [8]string{"суббота", "субботы", "субботе", "субботу", "субботой", "субботе", "субботы", "суббот"}},
	{stems: []string{"средочк"}, genPl: []string{"средочек"},
		plain: [8]string{"среда", "среды", "среде", "среду", "средой", "среде", "среды", "сред"}},
	{stems: []string{"недельк", "неделечк"}, genPl: []string{"неделек", "неделечек"},
		plain: [8]string{"неделя", "недели", "неделе", "неделю", "неделей", "неделе", "недели", "недель"}},
	{stems: []string{"копеечк"}, genPl: []string{"копеечек"},
		plain: [8]string{"копейка", "копейки", "копейке", "копейку", "копейкой", "копейке", "копейки", "копеек"}},
	{stems: []string{"денежк"}, genPl: []string{"денежек"},
		plain: [8]string{"деньги", "деньги", "деньгам", "деньги", "деньгами", "деньгах", "деньги", "денег"}},
	{stems: []string{"зарплатк"}, genPl: []string{"зарплаток"},
		plain: [8]string{"зарплата", "зарплаты", "зарплате", "зарплату", "зарплатой", "зарплате", "зарплаты", "зарплат"}},
	{stems: []string{"пенсийк"}, genPl: []string{"пенсиек"},
		plain: [8]string{"пенсия", "пенсии", "пенсии", "пенсию", "пенсией", "пенсии", "пенсии", "пенсий"}},
	{stems: []string{"половинк", "половиночк"}, genPl: nil,
		plain: [8]string{"половина", "половины", "половине", "половину", "половиной", "половине", "половины", "половин"}},
}

var mascDims = []mascDim{
	{nom: []string{"часик", "часочек"}, stems: []string{"часик", "часочк"},
		plain: [8]string{"час", "часа", "часу", "час", "часом", "часе", "часы", "часов"}},
	{nom: []string{"понедельничек"}, stems: []string{"понедельничк"},
		plain: [8]string{"понедельник", "понедельника", "понедельнику", "понедельник", "понедельником", "понедельнике", "понедельники", "понедельников"}},
	{nom: []string{"вторничек"}, stems: []string{"вторничк"},
		plain: [8]string{"вторник", "вторника", "вторнику", "вторник", "вторником", "вторнике", "вторники", "вторников"}},
	{nom: []string{"четвержок"}, stems: []string{"четвержк"},
		plain: [8]string{"четверг", "четверга", "четвергу", "четверг", "четвергом", "четверге", "четверги", "четвергов"}},
	{nom: []string{"денек", "денечек"}, stems: []string{"деньк", "денечк"},
		plain: [8]string{"день", "дня", "дню", "день", "днем", "дне", "дни", "дней"}},
	{nom: []string{"рублик"}, stems: []string{"рублик"},
		plain: [8]string{"рубль", "рубля", "рублю", "рубль", "рублем", "рубле", "рубли", "рублей"}},
}

// dimAdverbs are the diminutive adverbs of time with a plain word the
// parsers read ("вечерком", "утречком" are read by the part-of-day rule).
var dimAdverbs = map[string]string{
	"завтречка": "завтра", "завтречко": "завтра", "завтрачка": "завтра", "вечерочком": "вечерком",
	"сейчасик": "сейчас", "щасик": "сейчас",
}

// Kin words in diminutive form are also the endearments such callers
// address the robot with ("да, доченька, удобно", "я, сынок"): they are read
// as plain kin words only where they say whose kin the speaker is, beside a
// possessive or "это" ("это внученька её", "его сестрёнка"), never where they
// stand as an address between commas.
var kinFemDims = []femDim{
	{stems: []string{"внученьк", "внучечк"}, genPl: nil,
		plain: [8]string{"внучка", "внучки", "внучке", "внучку", "внучкой", "внучке", "внучки", "внучек"}},
	{stems: []string{"доченьк", "дочурк"}, genPl: nil,
		plain: [8]string{"дочка", "дочки", "дочке", "дочку", "дочкой", "дочке", "дочки", "дочек"}},
	{stems: []string{"сестренк", "сестричк"}, genPl: nil,
		plain: [8]string{"сестра", "сестры", "сестре", "сестру", "сестрой", "сестре", "сестры", "сестер"}},
	{stems: []string{"мамочк", "мамулечк"}, genPl: nil,
		plain: [8]string{"мама", "мамы", "маме", "маму", "мамой", "маме", "мамы", "мам"},
		extra: [][2]string{{"мамуля", "мама"}, {"мамули", "мамы"}, {"мамуле", "маме"}, {"мамулю", "маму"}}},
	{stems: []string{"бабулечк", "бабусечк"}, genPl: nil,
		plain: [8]string{"бабушка", "бабушки", "бабушке", "бабушку", "бабушкой", "бабушке", "бабушки", "бабушек"},
		extra: [][2]string{{"бабуля", "бабушка"}, {"бабули", "бабушки"}, {"бабуле", "бабушке"}, {"бабулю", "бабушку"}}},
}

var kinMascDims = []mascDim{
	{nom: []string{"внучек", "внучок"}, stems: []string{"внучк"},
		plain: [8]string{"внук", "внука", "внуку", "внука", "внуком", "внуке", "внуки", "внуков"}},
	{nom: []string{"сыночек", "сынок"}, stems: []string{"сыночк", "сынк"},
		plain: [8]string{"сын", "сына", "сыну", "сына", "сыном", "сыне", "сыновья", "сыновей"}},
	{nom: []string{"братик"}, stems: []string{"братик"},
		plain: [8]string{"брат", "брата", "брату", "брата", "братом", "брате", "братья", "братьев"}},
}

// dimWords maps a diminutive word form (ё spelt е) to its plain form;
// kinDimWords the kin words read only in a kin frame.
var dimWords = buildDimWords(femDims, mascDims, dimAdverbs)
var kinDimWords = buildDimWords(kinFemDims, kinMascDims, nil)

// kinFrame are the words beside a kin word that make it say whose kin the
// speaker is.
var kinFrame = map[string]bool{"это": true, "его": true, "ее": true, "их": true, "моя": true, "мой": true,
	"ваша": true, "ваш": true, "ейная": true, "евонная": true}

func buildDimWords(fems []femDim, mascs []mascDim, adverbs map[string]string) map[string]string {
	m := map[string]string{}
	for _, d := range fems {
		for _, s := range d.stems {
			m[s+"а"] = d.plain[cNom]
			m[s+"и"] = d.plain[cGen] // also the plural nominative, read alike
			m[s+"е"] = d.plain[cDat]
			m[s+"у"] = d.plain[cAcc]
			m[s+"ой"] = d.plain[cIns]
			m[s+"ою"] = d.plain[cIns]
			m[s+"ам"] = d.plain[cDat]
			m[s+"ами"] = d.plain[cIns]
			m[s+"ах"] = d.plain[cPrep]
		}
		for _, g := range d.genPl {
			m[g] = d.plain[cGenPl]
		}
		for _, e := range d.extra {
			m[e[0]] = e[1]
		}
	}
	for _, d := range mascs {
		for _, n := range d.nom {
			m[n] = d.plain[cNom]
		}
		for _, s := range d.stems {
			for _, e := range [][2]string{{"а", d.plain[cGen]}, {"у", d.plain[cDat]}, {"ом", d.plain[cIns]},
				{"е", d.plain[cPrep]}, {"и", d.plain[cNomPl]}, {"ов", d.plain[cGenPl]}} {
				if _, nom := m[s+e[0]]; !nom {
					m[s+e[0]] = e[1]
				}
			}
		}
	}
	for k, v := range adverbs {
		m[k] = v
	}
	return m
}

// undiminish rewrites the diminutives of one lower-case text as their plain
// words, keeping its punctuation.
func undiminish(s string) string {
	fields := strings.Fields(s)
	changed := false
	for i, f := range fields {
		core, tail := splitTail(f)
		key := strings.ReplaceAll(core, "ё", "е")
		if r, ok := dimWords[key]; ok && r != core {
			fields[i] = r + tail
			changed = true
		} else if r, ok := kinDimWords[key]; ok && kinFramedAt(fields, i, tail) {
			fields[i] = r + tail
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(fields, " ")
}

// kinFramedAt reports a frame word right before fields[i] with no break
// between ("это внученька"), or right after it ("внученька её").
func kinFramedAt(fields []string, i int, tail string) bool {
	if i > 0 {
		if p, ptail := splitTail(fields[i-1]); ptail == "" && kinFrame[strings.ReplaceAll(p, "ё", "е")] {
			return true
		}
	}
	if i+1 < len(fields) && tail == "" {
		n, _ := splitTail(fields[i+1])
		return kinFrame[strings.ReplaceAll(n, "ё", "е")]
	}
	return false
}
