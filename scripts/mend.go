package scripts

import "strings"

// Mend repairs the words a recogniser splits or merges ("пере звоните",
// "за втра", "давай те", "немогу", "даэто") against the vocabulary of the
// script's phrases and of spoken time, and returns the normalised text. A pair
// is joined only when the joined word is known and one half is not (so "не
// удобно", two known words, stays as said); a word is split only when it is
// unknown and both halves are known, the first one a short particle ("не",
// "да", "ну") or both at least three letters (so "надо" is not "на до").
func (m *Matcher) Mend(text string) string {
	// sentence ends are kept: a restated amount ("Семь тысяч. Семь тысяч
	// завтра") is read by them, and no word is glued across one
	if ss := sentenceEnds.Split(text, -1); len(ss) > 1 {
		out := make([]string, 0, len(ss))
		for _, s := range ss {
			if s = m.mendSentence(s); s != "" {
				out = append(out, s)
			}
		}
		return strings.Join(out, ". ")
	}
	return m.mendSentence(text)
}

func (m *Matcher) mendSentence(text string) string {
	toks := unbreathe(m.unstutter(Tokens(text)))
	out := make([]string, 0, len(toks))
	impaired := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if i+1 < len(toks) {
			j := t + toks[i+1]
			if m.vocab[j] && (!m.vocab[t] || !m.vocab[toks[i+1]]) && len([]rune(j)) >= 5 {
				out = append(out, j)
				i++
				continue
			}
			if j, ok := m.rejoin(t, toks[i+1]); ok {
				out = append(out, j) // "сес тра", "пе тницу"
				i++
				continue
			}
		}
		if a, b, ok := m.split(t); ok {
			out = append(out, a, b)
			continue
		}
		if h, ok := homophones[t]; ok {
			t = h // the time and money parsers read "завтрева", "тыщ" as said too
		} else if w, ok := m.unswap(t); ok && len([]rune(t)) >= shortWord {
			t = w // "пелезвоните", "шейчаш": a burr or a lisp undone
			impaired = true
		} else if w, ok := m.timeSound(t); ok {
			t = w // "вечирам", "пятнитцу", "восем": the time parser reads exact words
		} else if w, ok := m.soundAlike(t); ok {
			t = w // "черес", "тысеч", "понедильник": devoiced, vowels reduced
		} else if a, b, ok := m.unglue(t); ok {
			out = append(out, a, b) // "черезтриста", "четвергв"
			continue
		}
		out = append(out, t)
	}
	out = unbreathe(out) // "завтрав а девять": the breath shows once the glued "в" is off
	if impaired {
		// a short word is swapped only where a longer one shows the
		// impediment ("жа лулём", "чележ чаш"): alone, "ваш" and "шо" are
		// words of their own, not "вас" and "со" misspoken
		for i, t := range out {
			if w, ok := m.unswap(t); ok && len([]rune(t)) < shortWord {
				out[i] = w
			}
		}
	}
	return strings.Join(out, " ")
}

// shortWord is the length below which a word is swapped only beside a
// longer swapped one.
const shortWord = 4

// splitPrefixes are the particles a recogniser glues to the next word.
var splitPrefixes = map[string]bool{"не": true, "да": true, "ну": true, "вы": true}

func (m *Matcher) split(t string) (string, string, bool) {
	rs := []rune(t)
	if m.vocab[t] || len(rs) < 3 {
		return "", "", false
	}
	if len(rs) == 3 && splitPrefixes[string(rs[:2])] && rs[2] == 'я' {
		return string(rs[:2]), "я", true // "дая", "нуя": a particle glued to "я"
	}
	if len(rs) < 5 {
		return "", "", false
	}
	for k := 2; k <= len(rs)-2; k++ {
		a, b := string(rs[:k]), string(rs[k:])
		if !m.vocab[a] || !m.vocab[b] {
			continue
		}
		if splitPrefixes[a] || (k >= 3 && len(rs)-k >= 3) {
			return a, b, true
		}
	}
	return "", "", false
}

// vocabulary is every word of the intents' phrases and of the time words the
// time parser reads.
func vocabulary(phrases [][]word) map[string]bool {
	v := map[string]bool{}
	for _, p := range phrases {
		for _, w := range p {
			v[w.text] = true
		}
	}
	for _, m := range []map[string]int{hourWords(), minuteWords(), ordinalGenitive(), genitiveHours(), months()} {
		for k := range m {
			for _, w := range strings.Fields(k) {
				v[w] = true
			}
		}
	}
	for k := range durationNumbers() {
		for _, w := range strings.Fields(k) {
			v[w] = true
		}
	}
	for _, w := range strings.Fields(timeWords) {
		v[w] = true
	}
	return v
}

// timeWords are the words of spoken time outside the number tables.
const timeWords = `завтра послезавтра сегодня утром утра вечером вечера днем дня ночью обеда обед после через
часа часов час минут минуты полчаса неделю неделе недели выходных выходные понедельник вторник среду
четверг пятницу субботу воскресенье понедельника вторника среды четверга пятницы субботы работы
позже попозже потом вечерком утречком числа`

// timeSound returns the word of spoken time that an unknown word of four
// letters or more sounds like (soundKey), when exactly one does.
func (m *Matcher) timeSound(t string) (string, bool) {
	rs := []rune(t)
	if len(rs) < 4 || m.vocab[t] {
		return "", false
	}
	key := soundKey(rs)
	found := ""
	for _, w := range timeVocabulary {
		ws := []rune(w)
		if ws[0] != rs[0] || soundKey(ws) != key || w == found {
			continue
		}
		if found != "" {
			return "", false
		}
		found = w
	}
	return found, found != ""
}

// timeVocabulary is every word of spoken time, for timeSound.
var timeVocabulary = func() []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		for _, w := range strings.Fields(s) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	for _, m := range []map[string]int{hourWords(), minuteWords(), ordinalGenitive(), genitiveHours(), months()} {
		for k := range m {
			add(k)
		}
	}
	add(timeWords)
	return out
}()
