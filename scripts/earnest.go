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
