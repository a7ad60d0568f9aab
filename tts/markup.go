package tts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxPause bounds one <pause> so a typo (<pause 3000s>) cannot hold a call
// in silence.
const maxPause = 10 * time.Second

// combiningAcute is U+0301, the stress mark used in Russian dictionaries
// (за́мок); it is accepted as an alternative to the '+' prefix.
const combiningAcute = '\u0301'

var pauseRE = regexp.MustCompile(`(?i)^<pause\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\s*/?>`)

// segment is one piece of a phrase: either text to speak or a pause.
type segment struct {
	text  string
	pause time.Duration
}

// parseMarkup splits a phrase into text and pause segments and normalises
// stress marks to the '+'-before-vowel form. Text segments are trimmed and
// never empty.
func parseMarkup(s string) ([]segment, error) {
	if !utf8.ValidString(s) {
		return nil, fmt.Errorf("text is not valid UTF-8")
	}
	var segs []segment
	var cur strings.Builder
	flush := func() {
		t := strings.TrimSpace(cur.String())
		cur.Reset()
		if t != "" {
			segs = append(segs, segment{text: t})
		}
	}
	for i := 0; i < len(s); {
		if s[i] == '<' && len(s)-i >= 6 && strings.EqualFold(s[i:i+6], "<pause") {
			m := pauseRE.FindStringSubmatch(s[i:])
			if m == nil {
				end := strings.IndexByte(s[i:], '>')
				tag := s[i:]
				if end >= 0 {
					tag = s[i : i+end+1]
				}
				return nil, fmt.Errorf("markup at byte %d: bad pause %q (want <pause 300ms> or <pause 1.5s>)", i, tag)
			}
			v, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				return nil, fmt.Errorf("markup at byte %d: bad pause %q: %w", i, m[0], err)
			}
			d := time.Duration(v * float64(time.Millisecond))
			if strings.EqualFold(m[2], "s") {
				d = time.Duration(v * float64(time.Second))
			}
			if d > maxPause {
				return nil, fmt.Errorf("markup at byte %d: pause %q longer than %s", i, m[0], maxPause)
			}
			flush()
			if d > 0 {
				segs = append(segs, segment{pause: d})
			}
			i += len(m[0])
			continue
		}
		cur.WriteByte(s[i])
		i++
	}
	flush()
	for k := range segs {
		if segs[k].text != "" {
			segs[k].text = acuteToPlus(segs[k].text)
		}
	}
	return segs, nil
}

// isRuVowel reports a Russian vowel letter of either case.
func isRuVowel(r rune) bool {
	return strings.ContainsRune("аеёиоуыэюяАЕЁИОУЫЭЮЯ", r)
}

// acuteToPlus rewrites "за́мок" (vowel + U+0301) as "з+амок".
func acuteToPlus(s string) string {
	if !strings.ContainsRune(s, combiningAcute) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs)+4)
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) && rs[i+1] == combiningAcute && isRuVowel(rs[i]) {
			out = append(out, '+', rs[i])
			i++
			continue
		}
		if rs[i] == combiningAcute {
			continue
		}
		out = append(out, rs[i])
	}
	return string(out)
}

// stripStress removes '+' stress marks (a '+' directly before a Russian
// vowel inside or at the start of a word). Other '+' signs, such as "+7",
// are left alone.
func stripStress(s string) string {
	if !strings.ContainsRune(s, '+') {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i, r := range rs {
		if r == '+' && isStressMark(rs, i) {
			continue
		}
		out = append(out, r)
	}
	return string(out)
}

// isStressMark reports whether rs[i] == '+' marks the stress of the vowel
// after it: the vowel follows directly and the '+' is inside a word or
// starts one.
func isStressMark(rs []rune, i int) bool {
	if rs[i] != '+' || i+1 >= len(rs) || !isRuVowel(rs[i+1]) {
		return false
	}
	return i == 0 || unicode.IsLetter(rs[i-1]) || unicode.IsSpace(rs[i-1]) || unicode.IsPunct(rs[i-1])
}
