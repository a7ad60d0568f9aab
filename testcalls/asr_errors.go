package testcalls

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/agnivade/levenshtein"
	"github.com/dozvon/dozvon/tts"
)

// SimulatedASRErrors is a test double of a Russian recogniser's output (a
// stand-in for Vosk on a real line, not a model of any one engine): it
// rewrites a caller line as lower case without punctuation, numbers as words,
// and then corrupts it word by word, each kind of error at Rate per word,
// seeded so that one seed always gives one text:
//
//   - final devoicing: a word-final д/б/з/в/г/ж written т/п/с/ф/к/ш ("завтрак" stays, "друг" → "друк");
//   - vowel reduction: one о/а or е/и/я of a word of two vowels or more swapped ("гаварить", "вечиром");
//   - a word of five letters or more split in two ("пере звоните"), or glued to the next one ("даэто");
//   - a short function word dropped ("в", "на", "до", "и" …; never "не", "да", "нет": those are the
//     answer, and a case's expectation would no longer be what was said), or "и"/"а"/"ну" inserted;
//   - a word replaced by a similar-sounding word of the vocabulary (the case file's own words and
//     a list of common ones): the same first letter, one sound apart.
//
// Rate 0 returns every line unchanged. Rate is a probability per word and
// kind, so at 0.1 about a third of the words of a line carry some error.
type SimulatedASRErrors struct {
	Rate float64
	Seed uint64
}

// ApplyFile returns a copy of cf whose said and interrupting lines went
// through the channel; cf is not changed. Each line's errors are seeded by
// the seed, the file, the case and the line's place, so they do not depend
// on which other files or cases run.
func (s SimulatedASRErrors) ApplyFile(cf *CaseFile) *CaseFile {
	if s.Rate <= 0 {
		return cf
	}
	vocab := asrVocabulary(cf)
	out := *cf
	out.Cases = make([]Case, len(cf.Cases))
	for i, c := range cf.Cases {
		c.Caller = slices.Clone(c.Caller)
		for j := range c.Caller {
			it := &c.Caller[j]
			salt := cf.File + "\x00" + c.Name + "\x00" + strconv.Itoa(j)
			if it.Say != "" {
				it.Say = s.corrupt(it.Say, vocab, salt+"s")
			}
			if it.Interrupt != "" {
				it.Interrupt = s.corrupt(it.Interrupt, vocab, salt+"i")
			}
		}
		out.Cases[i] = c
	}
	return &out
}

// Corrupt passes one line through the channel with a vocabulary of
// replacement words (nil: the common words only); salt varies the errors
// between lines under one seed.
func (s SimulatedASRErrors) Corrupt(text string, vocabulary []string, salt string) string {
	if s.Rate <= 0 {
		return text
	}
	return s.corrupt(text, indexVocabulary(append(slices.Clone(vocabulary), strings.Fields(commonWords)...)), salt)
}

func (s SimulatedASRErrors) corrupt(text string, vocab map[rune][]string, salt string) string {
	h := fnv.New64a()
	h.Write([]byte(salt))
	rng := rand.New(rand.NewPCG(s.Seed, h.Sum64()))
	hit := func() bool { return rng.Float64() < s.Rate }
	words := recogniserWords(text)
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "[unk]" {
			out = append(out, w)
			continue
		}
		if dropWords[w] && hit() {
			continue
		}
		if hit() {
			out = append(out, insertWords[rng.IntN(len(insertWords))])
		}
		if hit() {
			if r, ok := soundAlike(w, vocab, rng); ok {
				w = r
			}
		}
		if hit() {
			w = devoice(w)
		}
		if hit() {
			w = reduceVowel(w, rng)
		}
		if hit() {
			if rs := []rune(w); len(rs) >= 5 {
				k := 2 + rng.IntN(len(rs)-3)
				out = append(out, string(rs[:k]), string(rs[k:]))
				continue
			}
		}
		if hit() && i+1 < len(words) && words[i+1] != "[unk]" {
			w += words[i+1]
			i++
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// recogniserWords writes a line as a recogniser prints it: numbers as words,
// lower case, no punctuation ("[unk]" and a hyphen inside a word kept).
func recogniserWords(text string) []string {
	text = strings.ToLower(tts.Verbalize(text))
	text = strings.NewReplacer("[unk]", " \x01 ", "<unk>", " \x01 ").Replace(text)
	rs := []rune(text)
	for i, r := range rs {
		inWordHyphen := r == '-' && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\x01' && !inWordHyphen {
			rs[i] = ' '
		}
	}
	ws := strings.Fields(string(rs))
	for i, w := range ws {
		if w == "\x01" {
			ws[i] = "[unk]"
		}
	}
	return ws
}

// dropWords are the short function words a recogniser loses on a bad line.
var dropWords = map[string]bool{"в": true, "во": true, "на": true, "до": true, "с": true, "со": true, "к": true,
	"по": true, "за": true, "у": true, "о": true, "и": true, "а": true, "же": true, "ли": true, "бы": true,
	"то": true, "вот": true, "ну": true, "что": true, "уже": true, "так": true}

// insertWords are what a recogniser makes of a breath or a click.
var insertWords = []string{"и", "а", "ну"}

// devoicing maps a voiced consonant to the voiceless one it sounds as at a
// word's end.
var devoicing = map[rune]rune{'д': 'т', 'б': 'п', 'з': 'с', 'в': 'ф', 'г': 'к', 'ж': 'ш'}

func devoice(w string) string {
	rs := []rune(w)
	if len(rs) < 2 {
		return w
	}
	if d, ok := devoicing[rs[len(rs)-1]]; ok {
		rs[len(rs)-1] = d
	}
	return string(rs)
}

// reductions are the swaps of unstressed vowels.
var reductions = map[rune][]rune{'о': {'а'}, 'а': {'о'}, 'е': {'и'}, 'и': {'е'}, 'я': {'е', 'и'}}

func reduceVowel(w string, rng *rand.Rand) string {
	rs := []rune(w)
	var at []int
	vowels := 0
	for i, r := range rs {
		if strings.ContainsRune("аеёиоуыэюя", r) {
			vowels++
			if _, ok := reductions[r]; ok {
				at = append(at, i)
			}
		}
	}
	if vowels < 2 || len(at) == 0 {
		return w // one vowel is the stressed one
	}
	i := at[rng.IntN(len(at))]
	to := reductions[rs[i]]
	rs[i] = to[rng.IntN(len(to))]
	return string(rs)
}

// soundAlike picks a vocabulary word one sound from w (the same first
// letter; one letter changed, added or dropped after the voiced/voiceless
// and vowel spelling is set aside).
func soundAlike(w string, vocab map[rune][]string, rng *rand.Rand) (string, bool) {
	rs := []rune(w)
	if len(rs) < 3 {
		return "", false
	}
	key := []rune(asrSoundKey(rs))
	var cands []string
	for _, c := range vocab[rs[0]] {
		cr := []rune(c)
		if c == w || len(cr) < 3 || absInt(len(cr)-len(rs)) > 1 {
			continue
		}
		if levenshtein.ComputeDistance(string(key), asrSoundKey(cr)) <= 1 && levenshtein.ComputeDistance(string(rs), string(cr)) <= 2 {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	return cands[rng.IntN(len(cands))], true
}

// asrSoundKey spells a word as heard: vowels reduced, consonants devoiced.
func asrSoundKey(rs []rune) string {
	out := make([]rune, 0, len(rs))
	for _, r := range rs {
		switch r {
		case 'о':
			r = 'а'
		case 'е', 'ё', 'э', 'ы', 'я':
			r = 'и'
		case 'ю':
			r = 'у'
		case 'ь', 'ъ':
			continue
		}
		if d, ok := devoicing[r]; ok {
			r = d
		}
		out = append(out, r)
	}
	return string(out)
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// asrVocabulary is the replacement vocabulary for one case file: its own
// callers' words and the common words, by first letter, sorted.
func asrVocabulary(cf *CaseFile) map[rune][]string {
	var ws []string
	for _, c := range cf.Cases {
		for _, it := range c.Caller {
			ws = append(ws, recogniserWords(it.Say)...)
			ws = append(ws, recogniserWords(it.Interrupt)...)
		}
	}
	return indexVocabulary(append(ws, strings.Fields(commonWords)...))
}

func indexVocabulary(ws []string) map[rune][]string {
	seen := map[string]bool{}
	idx := map[rune][]string{}
	for _, w := range ws {
		if w == "[unk]" || seen[w] {
			continue
		}
		seen[w] = true
		r := []rune(w)[0]
		idx[r] = append(idx[r], w)
	}
	for _, l := range idx {
		slices.Sort(l)
	}
	return idx
}

// commonWords are frequent spoken words a recogniser may put in place of a
// similar one; they are not taken from any evaluation source.
const commonWords = `да нет не это я вы он она они мы мне меня вам вас его ее их кто что где когда как так там тут
сейчас потом завтра сегодня вчера утром вечером днем ночью час часа часов минут неделю месяц год
понедельник вторник среду четверг пятницу субботу воскресенье числа числе первого второго третьего
тысяч тысячи тысяча рублей рубля рубль деньги денег долг долга кредит банк карту карта платить заплачу
заплатить оплачу оплатить плачу могу может можете мочь буду будет будем было были был была
занят занята работе работаю работа дома дом домой позже перезвоните звоните позвоните звонить
удобно неудобно говорить говорите слушаю слышу слышно знаю знаете хорошо ладно ну вот все всё
муж жена сын дочь мама папа брат сестра бабушка дедушка номер номером ошиблись ошибка нету
давайте давай ждите подождите минутку секунду сказать скажу скажите передам передать
нужно надо нельзя можно хочу хотите хотел хотела пять шесть семь восемь девять десять две три четыре
один одна двадцать тридцать сорок пятьдесят сто двести триста пятьсот`
