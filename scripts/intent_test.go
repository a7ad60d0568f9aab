package scripts

import "testing"

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Да, ЭТО Я!", "да это я"},
		{"Ещё раз?!", "еще раз"},
		{"  в   14:30. ", "в 14:30"},
		{"кто-то звонил…", "кто-то звонил"},
		{"10:", "10"},
		// issue 16: drawn-out and reduplicated words as callers say them
		{"Дааа, нееет", "да нет"},
		{"Да-да-да", "да да да"},
		{"нет-нет, ш-ш-ш", "нет нет ш ш ш"},
		{"касса по-моему", "касса по-моему"},
		{"1000 рублей", "1000 рублей"},
		// round 7: a particle after a hyphen is a word; pronouns with "-то" stay
		{"Колька-то? Денег-то нет", "колька то денег то нет"},
		{"погоди-ка", "погоди ка"},
		{"где-то в пять", "где-то в пять"},
	}
	for _, tc := range tests {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	s, err := Load("verify_contact.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// relative and not_me are globals of the bundled scripts since issue 16
	identify := []string{"third_party", "wrong_person", "no", "yes", "who_calling", "where_number", "repeat", "hello", "human", "stop_calling", "busy",
		"relative", "not_me"}
	tests := []struct {
		text, want string
		negated    bool
	}{
		{"да", "yes", false},
		{"Да, это я.", "yes", false},
		{"конешно", "yes", false}, // ASR garble of "конечно", one edit
		{"правельно", "yes", false},
		{"это не я", "not_me", false}, // an identity correction at any step (issue 16)
		{"нет, не он", "no", false},
		{"не я это", "not_me", false},
		{"вы ошиблись номером", "not_me", false},
		{"я его не знаю", "wrong_person", false},
		{"это его жена", "relative", false},
		{"нет, я её муж", "relative", false},
		{"он умер", "relative", false},
		{"а что вы хотели", "third_party", false},
		// issue 16: kinship and workplace words, readiness fillers, busy in other words
		{"я её мать", "relative", false},
		{"алло, кто это? это его мама", "relative", false},
		{"коллега его, он на совещании", "relative", false},
		{"это бухгалтерия", "relative", false},
		{"я не она", "not_me", false},
		{"говорите", "yes", false},
		{"слушаю", "yes", false},
		{"ага, давайте", "yes", false},
		{"угу", "yes", false},
		// round 7: a heard word of the vocabulary is never another one misheard
		{"девушка, подождите", "", false},
		{"ну допустим", "yes", false},
		{"почему бы и нет", "yes", false},
		{"вы не туда позвонили", "not_me", false},
		// round 7: what follows the last "но" settles it
		{"я не против, но сейчас не могу говорить", "busy", false},
		{"да, но это не я", "not_me", false},
		// round 7: a past call asks for none
		{"мне уже звонили ваши", "", false},
		{"перезвоните вечером", "busy", false},
		{"мне сейчас неудобно", "busy", false},
		{"не сейчас", "busy", false},
		{"это тетка его", "relative", false},
		{"шурин его, он в рейсе", "relative", false},
		// a longer phrase over a shorter one's words wins over priority
		{"вы не туда звоните", "not_me", false},
		{"не звоните мне", "stop_calling", false},
		{"я за рулём", "busy", false},
		{"да, но я сейчас занят", "busy", false},
		{"да отстаньте вы", "stop_calling", false},
		{"хватит мне звонить", "stop_calling", false},
		{"а кто это?", "who_calling", false},
		{"откуда у вас мой номер", "where_number", false},
		{"соедините с оператором", "human", false},
		{"повторите пожалуйста", "repeat", false},
		{"не понял", "repeat", false},
		{"алло", "hello", false},
		{"картошка", "", false},
		{"", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			m := s.Matcher().Classify(tc.text, identify)
			if m.Intent != tc.want {
				t.Errorf("Classify(%q) = %q (phrase %q), want %q", tc.text, m.Intent, m.Phrase, tc.want)
			}
		})
	}
}

// TestClassifyReversedPair covers round 16: a phrase of two content words
// said the other way round, side by side, is the same phrase.
func TestClassifyReversedPair(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"cannot_pay": {Name: "cannot_pay", Phrases: []string{"потеряла работу"}},
		"holiday":    {Name: "holiday", Phrases: []string{"кредитные каникулы"}},
		"yes":        {Name: "yes", Phrases: []string{"это я"}},
		"relative":   {Name: "relative", Phrases: []string{"он спит"}},
		"no_pay":     {Name: "no_pay", Phrases: []string{"не могу"}},
	})
	for _, tc := range []struct{ text, want string }{
		{"я работу потеряла", "cannot_pay"},
		{"каникулы кредитные можно", "holiday"},
		{"потеряла работу", "cannot_pay"},
		// not side by side: the reversed order binds only adjacent words
		{"работу я не потеряла", ""},
		// a short word or a negator keeps the order: its particle is the sense
		{"я это", ""},
		{"спит он", ""},
		{"могу не", ""},
	} {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestClassifyNegationMapsToNegationIntent(t *testing.T) {
	m := NewMatcher(map[string]*Intent{
		"yes": {Name: "yes", Phrases: []string{"это я"}, Negation: "no"},
		"no":  {Name: "no", Phrases: []string{"нет"}},
		"ok":  {Name: "ok", Phrases: []string{"хорошо"}},
	})
	tests := []struct{ text, want string }{
		{"это я", "yes"},
		{"это не я", "no"}, // negator inside the phrase
		{"не это я", "no"}, // negator before the phrase
		{"не хорошо", ""},  // negated, no negation intent: ignored
		{"никакое хорошо не надо, нет", "no"}, // "никакое" denies the word after it as "не" does
		{"хорошо", "ok"},
		// round 12: a negated predicate closing the utterance after the phrase
		{"это я мне не нужно", "no"},
		{"хорошо меня не устраивает", ""},
		{"хорошо не знаю", "ok"},         // a hedge, no denial
		{"хорошо, не буду тянуть", "ok"}, // the predicate is about another verb
		{"хорошо не сразу", "ok"},        // qualifies, does not deny
		// round 17: a verb of hearing after the phrase is about the line
		{"хорошо, не слышу", "ok"},
		{"хорошо не слышно", "ok"},
		{"хорошо, я вас не понимаю", "ok"},
	}
	for _, tc := range tests {
		if got := m.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	// round 13: an infinitive's object between it and the predicate
	pay := NewMatcher(map[string]*Intent{
		"pay_yes":    {Name: "pay_yes", Phrases: []string{"оплачивать"}, Negation: "cannot_pay"},
		"cannot_pay": {Name: "cannot_pay", Phrases: []string{"нечем"}},
	})
	for _, tc := range []struct{ text, want string }{
		{"оплачивать данную задолженность не намерен", "cannot_pay"},
		{"оплачивать этот долг я не буду", "cannot_pay"},
		{"оплачивать буду частями", "pay_yes"},
		{"оплачивать данную задолженность не намерен переводить", "pay_yes"},
	} {
		if got := pay.Classify(tc.text, nil).Intent; got != tc.want {
			t.Errorf("Classify(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // kopecks
		ok   bool
	}{
		{"пять тысяч", 500000, true},
		// round 15: an amount restated in a sentence of its own is the same
		// amount; the first sentence with an amount says it
		{"семь тысяч. Семь тысяч завтра", 700000, true},
		{"а я думаю семь тысяч. Семь тысяч завтра", 700000, true},
		{"Саш, сколько можем? Десять тысяч двадцать пятого", 1000000, true},
		{"семь тысяч семь тысяч", 1400000, true}, // no sentence break: as before
		// round 18: digits read off a paper in groups, then the amount
		// said whole: the sentence that names its unit says it
		{"Сумма... так, читаю: семь, пятьсот. Семь тысяч пятьсот", 750000, true},
		{"Пять. Пять тысяч в пятницу", 500000, true},
		{"Пятьсот. Ну, может, шестьсот", 50000, true}, // no unit anywhere: the first, as before
		{"полторы тысячи рублей", 150000, true},
		// round 12: the oblique cases of the number words
		{"в размере десяти тысяч рублей", 1000000, true},
		{"не более пятнадцати тысяч пятисот рублей", 1550000, true},
		{"суммой в двадцать пять тысяч", 2500000, true},
		{"частями по трём тысячам", 300000, true},
		{"ну пятёрку к понедельнику закину", 500000, true},
		{"двадцатку найду", 2000000, true},
		{"тысячи две-три к концу недели", 200000, true},
		{"заплачу 5000", 500000, true},
		{"5 000 рублей", 500000, true},
		{"полторы тысячи", 150000, true},
		{"десять тысяч пятьсот", 1050000, true},
		{"двенадцать тысяч рублей пятьдесят копеек", 1200050, true},
		{"триста сорок рублей", 34000, true},
		{"два миллиона", 200000000, true},
		{"тысячу", 100000, true},
		{"всю сумму", 1234550, true},
		// issue 16: colloquial thousands and the spoken "about" order
		{"тыщи три закинуть", 300000, true},
		{"пять тыщ", 500000, true},
		{"косарь", 100000, true},
		{"две штуки", 200000, true},
		{"тысяча триста", 130000, true},
		{"все отдам в среду", 1234550, true},
		{"все, до свидания", 0, false},
		// round 7: "всё" beside any verb of paying, and "с половиной"
		{"в четверг всё закрою", 1234550, true},
		{"всё и отдадим", 1234550, true},
		{"да, всё верно, пять тысяч", 500000, true},
		{"две с половиной тыщи", 250000, true},
		{"не всю сумму, а семь тысяч", 700000, true},
		{"тысяч пять, может шесть", 500000, true},
		// round 10: half the debt, "в полном объёме"
		{"половину завтра, половину через месяц", 617275, true},
		{"в половине пятого", 0, false},
		{"оплату произведу в полном объёме", 1234550, true},
		{"всю", 1234550, true},
		{"ну всю сразу", 1234550, true},
		{"всю жизнь плачу", 0, false},
		{"пять тысяч рублей пятьдесят копеек", 500050, true},
		{"три с половиной тысячи", 350000, true},
		{"нет денег", 0, false},
		// round 17: the count said again on a dropping line restates the
		// amount; with "рублей" it is part of the sum
		{"пять тысяч, пять", 500000, true},
		{"переведу три тысячи, три", 300000, true},
		{"пять тысяч пять рублей", 500500, true},
		{"десять тысяч пятьсот", 1050000, true},
		// round 17: to the last kopeck is the whole debt
		{"всё до копейки отдам двадцать пятого", 1234550, true},
		{"верну до последней копейки", 1234550, true},
		{"", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseMoney(tc.in, 1234550)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	s, err := Load("collection.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.Matcher().Classify("да нет, я сейчас за рулём, перезвоните завтра в десять", nil)
	}
}

func TestSettled(t *testing.T) {
	tests := map[string]string{
		"полтинник я вам не дам, а двадцатку к пятнице найду": "двадцатку к пятнице найду",
		"денег нет, но к двадцатому скину пять тысяч":         "к двадцатому скину пять тысяч",
		"а что вы хотели":                       "а что вы хотели", // no negation before the "а"
		"да, а двадцатого пять тысяч":           "да, а двадцатого пять тысяч",
		"сейчас ничего не могу, а в январе всю": "в январе всю",
		// round 15: the raw text after the contrast keeps its sentence ends
		"пять не дам, а семь тысяч. Семь тысяч завтра": "семь тысяч. Семь тысяч завтра",
	}
	for in, want := range tests {
		if got := Settled(in); got != want {
			t.Errorf("Settled(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeLoneNe(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Не, сейчас платить нечем", "нет сейчас платить нечем"},
		{"Ну не. Не могу", "ну не не могу"}, // "не" after a word stays
		{"Не могу", "не могу"},
		{"Да. Ни, не надо", "да нет не надо"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
