package scripts

import (
	"strings"
	"unicode"
)

// sayingNow are present-tense third-person verbs of saying or thinking: the
// form itself says another person is speaking, so no subject is needed
// ("Говорит, нет его").
var sayingNow = map[string]bool{
	"говорит": true, "говорят": true, "просит": true, "просят": true, "спрашивает": true,
	"спрашивают": true, "подсказывает": true, "подсказывают": true, "напоминает": true,
	"велит": true, "передаёт": true, "передает": true, "думает": true, "считает": true,
	"кричит": true, "шепчет": true, "уточняет": true, "интересуется": true,
	"советует": true, "предлагает": true, "твердит": true, "утверждает": true,
}

// sayingPast are past-tense verbs of saying: the past has no person, so
// they report another's words only with a third-person subject before them
// ("жена сказала"); "сказала" alone may be the caller's own.
var sayingPast = map[string]bool{
	"сказал": true, "сказала": true, "сказали": true, "просил": true, "просила": true,
	"просили": true, "велел": true, "велела": true, "велели": true, "передал": true,
	"передала": true, "передали": true, "говорил": true, "говорила": true, "говорили": true,
}

// reportLinks continue an attribution: "просил передать, что", "говорит, мол".
var reportLinks = map[string]bool{"передать": true, "сказать": true, "что": true, "чтобы": true,
	"мол": true, "вот": true, "тут": true}

// sayerParticles may stand between a sayer and its verb of saying: "муж
// вот говорит", "жена тут подсказывает", "сын же говорит".
var sayerParticles = map[string]bool{"вот": true, "тут": true, "же": true, "ж": true, "вон": true, "и": true}

// sayerOwners may stand before the subject noun: "мой муж говорит".
var sayerOwners = map[string]bool{"мой": true, "моя": true, "мои": true, "наш": true, "наша": true,
	"наши": true, "его": true, "её": true, "ее": true, "их": true, "вот": true}

// sayer reports whether a normalised word can be the subject of a verb of
// saying that is not the caller: a third-person pronoun, a noun of kinship
// or of a role.
func sayer(w string) bool {
	switch w {
	case "он", "она", "они":
		return true
	}
	return IsKinNoun(w) || IsRoleNoun(w)
}

// Reported separates what the caller says in their own clauses from what
// they report another person saying: a clause introduced by a verb of
// saying or thinking with another subject ("муж говорит, …", "жена сказала
// …", "Сергей просил передать, что …", or "говорит, …" alone) carries that
// person's words up to the end of the sentence or to the caller's own
// clause ("…, а я думаю …"); an attribution set off inside a sentence
// ("Кредитные каникулы, муж говорит, бывают?") makes the whole sentence
// reported. own is text with the attributions and the reported words cut
// out; reported is the reported words alone (attributions cut). With no
// attribution own is text and reported is "".
func Reported(text string) (own, reported string) {
	sp := spans(text)
	if len(sp) == 0 {
		return text, ""
	}
	sentenceStart := make([]bool, len(sp))
	sentenceStart[0] = true
	for i := 1; i < len(sp); i++ {
		sentenceStart[i] = strings.ContainsAny(text[sp[i-1].end:sp[i].start], ".!?…")
	}
	sentenceEnd := func(i int) int { // the index after the sentence holding i
		for j := i + 1; j < len(sp); j++ {
			if sentenceStart[j] {
				return j
			}
		}
		return len(sp)
	}
	var cuts, said [][2]int // span index ranges: cut from own; reported content
	done := 0               // spans before it are cut or kept already
	for i := 0; i < len(sp); i++ {
		w := sp[i].word
		a := i // the attribution's first span
		switch {
		case sayingNow[w]:
			if i > 0 && !sentenceStart[i] && !sp[i].breakBefore {
				if p := sp[i-1].word; p == "кто" || p == "что" || p == "я" || p == "мы" {
					continue // "кто говорит?"
				}
				if sayer(sp[i-1].word) || named(text, sp, sentenceStart, i-1) {
					a = i - 1
				} else if sayerParticles[sp[i-1].word] && i > 1 && !sentenceStart[i-1] && !sp[i-1].breakBefore &&
					(sayer(sp[i-2].word) || named(text, sp, sentenceStart, i-2)) {
					a = i - 2 // "внук вот говорит, …": a particle between the subject and its verb
				}
			}
		case sayingPast[w]:
			if i == 0 || sentenceStart[i] || sp[i].breakBefore || !sayer(sp[i-1].word) && !named(text, sp, sentenceStart, i-1) {
				continue
			}
			a = i - 1
		default:
			continue
		}
		if a > 0 && !sentenceStart[a] && !sp[a].breakBefore && sayerOwners[sp[a-1].word] && a-1 < i {
			a--
		}
		b := i + 1 // past the attribution
		complement := false
		for b < len(sp) && !sentenceStart[b] && reportLinks[sp[b].word] {
			complement = complement || sp[b].word == "что" || sp[b].word == "чтобы" || sp[b].word == "мол"
			b++
		}
		end := sentenceEnd(i)
		if b >= end {
			continue // "Андрей говорит." — nothing reported
		}
		start := max(sentenceStartOf(sentenceStart, a), done)
		if a > start && sp[a].breakBefore && !complement && !wordless(sp[start:a]) {
			// set off inside the sentence: the words before it are the
			// other person's too
			said = append(said, [2]int{start, a})
			cuts = append(cuts, [2]int{start, a})
		}
		stop := end
		for j := b + 1; j < end; j++ {
			if speechParty[sp[j].word] && (sp[j-1].word == "а" || sp[j-1].word == "но") {
				// "…, а я думаю семь", "…дадут а вы перезвоните": a
				// contrast with the caller or the robot as subject is
				// the caller's own clause again
				stop = j - 1
				break
			}
		}
		said = append(said, [2]int{b, stop})
		cuts = append(cuts, [2]int{a, stop})
		i, done = stop-1, stop
	}
	if len(cuts) == 0 {
		return text, ""
	}
	var o, r strings.Builder
	prev := 0
	for _, c := range cuts {
		o.WriteString(text[prev:sp[c[0]].start])
		// the punctuation after the cut goes with it: the next word
		// begins a clause of its own anyway
		prev = len(text)
		if c[1] < len(sp) {
			prev = sp[c[1]].start
		}
	}
	o.WriteString(text[prev:])
	for k, s := range said {
		if k > 0 {
			r.WriteString(". ")
		}
		r.WriteString(spanText(text, sp, s[0], s[1]))
	}
	return o.String(), r.String()
}

// named reports whether span i is a capitalised word inside a sentence (a
// name: "Это соседка, Сергей просил передать"); at a sentence's start a
// capital says nothing.
func named(text string, sp []span, sentenceStart []bool, i int) bool {
	if i < 0 || sentenceStart[i] {
		return false
	}
	r := []rune(text[sp[i].start:sp[i].end])
	return len(r) > 1 && unicode.IsUpper(r[0]) && sp[i].word != "я"
}

// wordless reports whether spans hold only words that answer nothing.
func wordless(sp []span) bool {
	for _, s := range sp {
		if !ownWordless[s.word] {
			return false
		}
	}
	return true
}

func sentenceStartOf(sentenceStart []bool, i int) int {
	for ; i > 0; i-- {
		if sentenceStart[i] {
			return i
		}
	}
	return 0
}

// speechParty are the pronouns of the call's own two parties.
var speechParty = map[string]bool{"я": true, "мы": true, "вы": true, "ты": true}

// ownWordless are words that answer nothing: what is left of a turn whose
// answer was only reported ("Сейчас… Говорит, нет его" leaves "Сейчас").
var ownWordless = map[string]bool{"ну": true, "вот": true, "сейчас": true, "щас": true, "секунду": true,
	"алло": true, "так": true, "а": true, "и": true, "э": true, "эм": true, "мм": true, "минуту": true}

// OwnAnswer returns the part of a turn that answers for the caller: their
// own clauses (Reported's own) if they say anything there, or else the
// reported words, which are then the answer relayed for the caller by a
// third party. A car navigator's announcements joined into the turn are
// another voice too, and go first (WithoutNavigator).
func OwnAnswer(text string) string {
	text = WithoutNavigator(text)
	own, rep := Reported(text)
	if rep == "" {
		return text
	}
	for _, t := range Tokens(own) {
		if !ownWordless[t] {
			return own
		}
	}
	return rep
}
