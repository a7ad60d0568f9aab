package scripts

import "slices"

// earnestMarks end a joke and begin the real answer: "ага, миллион завтра
// принесу… ладно, если серьёзно: в пятницу пять тысяч". Each is a run of
// normalised words.
var earnestMarks = [][]string{
	{"если", "серьезно"}, {"серьезно", "говоря"}, {"шутки", "в", "сторону"},
	{"кроме", "шуток"}, {"без", "шуток"}, {"а", "по", "делу"},
}

// Earnest returns what follows the last mark that ends a joke, when
// anything follows it: an ironic offer said before it ("миллион прям
// завтра принесу") is no answer, and its dates and sums must not mix with
// the real ones. With no such mark it returns text.
func Earnest(text string) string {
	sp := spans(text)
	toks := make([]string, len(sp))
	for i, s := range sp {
		toks[i] = s.word
	}
	cut := -1
	for i := range toks {
		for _, m := range earnestMarks {
			if i+len(m) < len(toks) && slices.Equal(toks[i:i+len(m)], m) {
				cut = i + len(m)
			}
		}
	}
	if cut < 0 {
		return text
	}
	return text[sp[cut].start:]
}

// ironyMarks say "now is a fine time" in words a caller uses only in irony
// ("о да, самое время", "как вовремя", "нашли время", "удобнее некуда").
var ironyMarks = [][]string{
	{"самое", "время"}, {"самое", "подходящее", "время"}, {"самое", "то", "время"},
	{"как", "вовремя"}, {"очень", "вовремя"}, {"нашли", "время"}, {"нашли", "когда"},
	{"удобнее", "некуда"}, {"удобнее", "не", "бывает"}, {"лучше", "не", "придумаешь"},
}

// Ironic reports whether text holds a mark of irony about the time of the
// call: as an answer to "is it convenient?" it says no, whatever "да" or
// "удобно" came with it, unless a go-ahead is said after it.
func Ironic(text string) bool {
	toks := Tokens(text)
	for i := range toks {
		for _, m := range ironyMarks {
			if i+len(m) <= len(toks) && slices.Equal(toks[i:i+len(m)], m) {
				return true
			}
		}
	}
	return false
}
