package scripts

import (
	"strings"
	"testing"
	"time"
)

// TestPunctuate: each break rule, on text as a recogniser writes it (lower
// case, no punctuation); every row fails when its rule is taken out.
func TestPunctuate(t *testing.T) {
	for _, c := range []struct{ rule, in, want string }{
		{"opening question ends before the answer", "кто это спрашивает да я", "кто это спрашивает? да я"},
		{"opening question after a lead-in", "а с кем я говорю если из банка то я", "а с кем я говорю? если из банка то я"},
		{"a stuttered question word", "а к-кто это н-ну я", "а к-кто это? н-ну я"},
		{"a question opened mid-turn ends before я", "ну я а что опять из банка я уже всем объясняла", "ну я, а что опять из банка? я уже всем объясняла"},
		{"да after a content word", "муж говорит в пятницу получка да в пятницу заплачу", "муж говорит в пятницу получка. да в пятницу заплачу"},
		{"нет between two times", "заплачу в пятницу нет в понедельник", "заплачу в пятницу, нет, в понедельник"},
		{"нет between two numbers", "пять нет шесть тысяч завтра", "пять, нет, шесть тысяч завтра"},
		{"нет before a stance", "у нас врач в три нет неудобно", "у нас врач в три. нет неудобно"},
		{"a subject after a predicate нет", "она говорит её нет я её мама", "она говорит её нет. я её мама"},
		{"a kin noun after a predicate нет", "сейчас нет внук вот говорит", "сейчас нет. внук вот говорит"},
		{"a subject after an opening нет", "нет я не он", "нет, я не он"},
		{"a restated phrase", "муж говорит пять а я думаю семь тысяч семь тысяч завтра", "муж говорит пять, а я думаю семь тысяч. семь тысяч завтра"},
		{"a restatement with a word between", "не туда попали вы не туда попали", "не туда попали. вы не туда попали"},
		{"a number said again after fillers", "сколько мы можем дать пять ну вот пять тысяч", "сколько мы можем дать пять. ну вот пять тысяч"},
		{"conjunctions", "неудобно так как у меня совещание которое закончится в четыре так что позвоните в пять",
			"неудобно, так как у меня совещание, которое закончится в четыре, так что позвоните в пять"},
		{"но", "я бы рад но денег нет", "я бы рад, но денег нет"},
		{"an address to someone in the room", "да марина девушка пакет не надо", "да марина. девушка пакет не надо"},
		{"an address opening the turn", "девушка я бы рад", "девушка, я бы рад"},
		{"ладно", "а если неудобно то что ладно говорите", "а если неудобно то что. ладно, говорите"},
		{"a bare говорит", "сейчас спрошу сколько можем говорит десять тысяч", "сейчас спрошу сколько можем. говорит десять тысяч"},
		{"a go-ahead after other words", "между сменами стою говорите только коротко", "между сменами стою, говорите только коротко"},
		{"a mid-turn ну", "ситуация такая ну короче денег нет", "ситуация такая, ну короче денег нет"},
		{"a third-person subject with a predicate", "это телефон папы он в гараже", "это телефон папы, он в гараже"},
		{"а between content words", "это номер моей жены а лаптева я не знаю", "это номер моей жены, а лаптева я не знаю"},
	} {
		if got := Punctuate(c.in); got != c.want {
			t.Errorf("%s: Punctuate(%q) = %q, want %q", c.rule, c.in, got, c.want)
		}
	}
}

// TestPunctuateLeavesAlone: what must not get a break, and text that has
// punctuation of its own.
func TestPunctuateLeavesAlone(t *testing.T) {
	for _, in := range []string{
		"Муж говорит, в пятницу получка", // written punctuation is kept as it is
		"ну да я", "да да я", "если да то да",
		"денег нет вообще",                    // a predicate нет with no subject after it
		"мамы нет",                            // the same at the end
		"на работе он",                        // a subject with nothing said of it
		"через пол а часа",                    // a breath inside a time
		"тут какого-то виктора спрашивают",    // спрашивают takes an object
		"в субботу в обед звони в двенадцать", // a call request keeps its times
		"я сказала перезвоните завтра",
		"да",
		"це її а донька мамав лікарні",  // a breath "а" between words
		"дома улица садовая дом ну три", // a breath "ну"
	} {
		if got := Punctuate(in); got != in {
			t.Errorf("Punctuate(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestRulesReadRecogniserText: the rules that read clauses give the same
// reading of a turn with and without its punctuation (each fails without
// Punctuate in Repair or Clauses).
func TestRulesReadRecogniserText(t *testing.T) {
	now := time.Date(2026, 12, 9, 12, 0, 0, 0, time.UTC) // a Wednesday
	kinds := repairKindsForTest(now)
	tp := NewTimeParser()
	for _, in := range []string{"Заплачу в пятницу... нет, в понедельник", "заплачу в пятницу нет в понедельник"} {
		got := Repair(in, kinds)
		if tr, ok := tp.Parse(got, now); !ok || tr.Time.Weekday() != time.Monday || strings.Contains(got, "пятниц") {
			t.Errorf("Repair(%q) = %q, want Monday only", in, got)
		}
	}
	for _, in := range []string{"Пять... нет, шесть тысяч завтра", "пять нет шесть тысяч завтра"} {
		if got := strings.Join(Tokens(Repair(in, kinds)), " "); got != "шесть тысяч завтра" {
			t.Errorf("Repair(%q) = %q, want шесть тысяч завтра", in, got)
		}
	}
	for _, in := range []string{"Муж говорит, в пятницу получка... Да, в пятницу заплачу", "муж говорит в пятницу получка да в пятницу заплачу"} {
		if got := Tokens(OwnAnswer(Repair(in, nil))); strings.Join(got, " ") != "да в пятницу заплачу" {
			t.Errorf("OwnAnswer(%q) = %q, want the caller's own sentence", in, got)
		}
	}
	for _, in := range []string{"Кто это спрашивает? Да, я", "кто это спрашивает да я"} {
		if got := strings.Join(Tokens(AfterQuestion(Repair(in, nil))), " "); got != "да я" {
			t.Errorf("AfterQuestion(%q) = %q, want да я", in, got)
		}
	}
	for _, in := range []string{"Между сменами стою, говорите", "между сменами стою говорите"} {
		if got := Clauses(in); len(got) != 2 || strings.TrimSpace(got[1]) != "говорите" {
			t.Errorf("Clauses(%q) = %q, want the go-ahead as a clause", in, got)
		}
	}
}
