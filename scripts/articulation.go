package scripts

import (
	"strings"
	"unicode/utf8"
)

// A caller with a stutter or a misarticulation reaches the recogniser as
// "д-д-да", "уд-д-добно", "я я я не могу" (stuttered sounds, syllables and
// words), "пелезвоните" (a burr: "р" as "л"), "шейчаш", "жанят" (a lisp:
// "с"/"з" as "ш"/"ж"). The phrase matcher's tolerance (first letter kept, one
// or two edits) does not reach such words; these rules undo them first.

// unstutter collapses stuttered repeats in a token list: a hyphenated
// token whose leading parts open the part after them ("д-д-да" → "да",
// "уд-д-добно" → "удобно"), a repeated word ("я я я" → "я"), and a short
// unknown fragment opening the next word ("пе перезвоните").
func (m *Matcher) unstutter(toks []string) []string {
	out := make([]string, 0, len(toks))
	for i, t := range toks {
		if strings.ContainsRune(t, '-') {
			t = m.collapseHyphen(t)
		}
		if n := len(out); n > 0 && out[n-1] == t {
			continue // "я я я не могу": a word said again is said once
		}
		if i+1 < len(toks) && !m.vocab[t] && len([]rune(t)) <= 3 {
			next := toks[i+1]
			if strings.ContainsRune(next, '-') {
				next = m.collapseHyphen(next)
			}
			if next != t && strings.HasPrefix(next, t) {
				continue // "пе перезвоните": the word's first syllable said first
			}
		}
		out = append(out, t)
	}
	return out
}

// hyphenWordEnds end words that are written with a hyphen ("кто-то",
// "давай-ка"): such a word is no stutter.
var hyphenWordEnds = map[string]bool{"то": true, "либо": true, "нибудь": true, "ка": true, "таки": true, "де": true, "с": true, "тка": true}

// collapseHyphen undoes a stutter written with hyphens: each part of at
// most three letters that opens the part after it is a false start, and
// so is a part repeated whole ("давай-давай"); a short fragment ending on
// the sound the rest begins with ("уд-добно") joins it when the joined
// word is known. Other hyphenated words ("кто-то", "по-моему", "из-за")
// stay as written.
func (m *Matcher) collapseHyphen(t string) string {
	parts := strings.Split(t, "-")
	if hyphenWordEnds[parts[len(parts)-1]] {
		return t
	}
	keep := make([]string, 0, len(parts))
	for i, p := range parts {
		if i+1 < len(parts) && (p == parts[i+1] || len([]rune(p)) <= 3 && strings.HasPrefix(parts[i+1], p)) {
			continue
		}
		keep = append(keep, p)
	}
	if len(keep) == 2 && len([]rune(keep[0])) <= 3 {
		a, b := []rune(keep[0]), []rune(keep[1])
		for k := min(len(a)-1, len(b)-1); k >= 1; k-- {
			if string(a[len(a)-k:]) != string(b[:k]) {
				continue
			}
			j := string(a) + string(b[k:])
			if m.vocab[j] {
				return j
			}
			if w, ok := m.unswap(j); ok {
				return w
			}
		}
	}
	return strings.Join(keep, "-")
}

// swaps are the common misarticulations and their undoing, both ways: a
// burr ("р" as "л"), a lisp ("с" as "ш", "з" as "ж"), a soft "ть" as "ч".
var swaps = map[string][]string{
	"л": {"р"}, "р": {"л"}, "ш": {"с"}, "с": {"ш"}, "ж": {"з"}, "з": {"ж"}, "ч": {"ть"}, "ть": {"ч"},
}

// maxSwaps bounds the letters of one word a misarticulation is taken to
// have changed ("шейчаш": two, "пележвоните": two).
const maxSwaps = 3

// unswap returns the known word an unknown word becomes by the fewest
// swaps, when exactly one known word needs that few; a known word is never
// changed, and a word of fewer than two letters is not tried.
func (m *Matcher) unswap(t string) (string, bool) {
	if m.vocab[t] || len([]rune(t)) < 2 || strings.ContainsRune(t, '-') {
		return "", false
	}
	level := []string{t}
	seen := map[string]bool{t: true}
	for n := 1; n <= maxSwaps; n++ {
		var next []string
		found := ""
		for _, w := range level {
			for _, c := range swapped(w) {
				if seen[c] {
					continue
				}
				seen[c] = true
				if m.vocab[c] {
					if found != "" && found != c {
						return "", false // two words as near: no guess
					}
					found = c
				}
				next = append(next, c)
			}
		}
		if found != "" {
			return found, true
		}
		level = next
	}
	return "", false
}

// swapped returns every spelling of w with one swap made.
func swapped(w string) []string {
	var out []string
	for i := 0; i < len(w); {
		for from, tos := range swaps {
			if !strings.HasPrefix(w[i:], from) {
				continue
			}
			for _, to := range tos {
				out = append(out, w[:i]+to+w[i+len(from):])
			}
		}
		_, size := utf8.DecodeRuneInString(w[i:])
		i += size
	}
	return out
}

// articulationKey spells a word with the burr's and the lisp's letters
// undone ("л" as "р", "ш" as "с", "ж" as "з"), for comparing names:
// "Ломан" and "Роман" have one key.
func articulationKey(w string) string {
	return articulationKeys.Replace(w)
}

var articulationKeys = strings.NewReplacer("л", "р", "ш", "с", "ж", "з")
