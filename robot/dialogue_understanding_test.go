package robot_test

import (
	"context"
	"testing"
	"time"

	"github.com/dozvon/dozvon/robot"
	"github.com/dozvon/dozvon/scripts"
	"github.com/dozvon/dozvon/testcalls"
)

// TestDialogueUnderstandingAnyStep covers the runtime rules of issue 16 on the
// bundled scripts: a hang-up after nothing intelligible is its own outcome,
// the debtor's name denied is a correction, a leaving global outranks a slot
// route, and a time said where none is asked for is a callback request.
func TestDialogueUnderstandingAnyStep(t *testing.T) {
	t.Parallel()
	hangup := testcalls.CallerItem{Hangup: true}
	tests := []struct {
		name     string
		script   string
		items    []testcalls.CallerItem
		want     scripts.Outcome
		callback time.Time // zero: not checked
	}{
		{"murmurs then a hang-up", "verify_contact.yaml", append(says("ммм", "кхм"), hangup), scripts.OutcomeUnrecognized, time.Time{}},
		{"only a greeting then a hang-up", "verify_contact.yaml", append(says("алло"), hangup), scripts.OutcomeUnrecognized, time.Time{}},
		{"a hang-up without a word stays hangup", "verify_contact.yaml", []testcalls.CallerItem{hangup}, scripts.OutcomeHangup, time.Time{}},
		{"silence then a hang-up stays hangup", "verify_contact.yaml", []testcalls.CallerItem{{Silence: 7 * time.Second}, hangup}, scripts.OutcomeHangup, time.Time{}},
		{"a key then a hang-up stays hangup", "verify_contact.yaml", []testcalls.CallerItem{{DTMF: "1"}, hangup}, scripts.OutcomeHangup, time.Time{}},
		{"a yes then a hang-up stays hangup", "verify_contact.yaml", append(says("да", "кхм"), hangup), scripts.OutcomeHangup, time.Time{}},
		{"the first name denied after a yes", "verify_contact.yaml", says("да", "я не Иван"), scripts.OutcomeWrongPerson, time.Time{}},
		{"the surname denied, any case", "collection.yaml", says("да", "да", "я никакой не Иванов"), scripts.OutcomeWrongPerson, time.Time{}},
		{"busy with a time at the payment question", "collection.yaml", says("да", "да", "я за рулём, через час"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 12, 0, 0, 0, msk)},
		{"a time alone at the convenience question", "verify_contact.yaml", says("да", "бегу, через два часа"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 13, 0, 0, 0, msk)},
		{"busy where the time is asked keeps the slot", "verify_contact.yaml", says("да", "занят", "занят, в пять"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 17, 0, 0, 0, msk)},
		{"busy, then a hang-up at the time question", "verify_contact.yaml", append(says("да", "давай потом"), hangup), scripts.OutcomeCallback, time.Time{}},
		{"busy, then a time at the callback question", "collection.yaml", says("да", "да", "не вариант щас", "через полчасика"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 11, 30, 0, 0, msk)},
		{"a promise date is still a promise", "collection.yaml", says("да", "да", "заплачу через неделю пять тысяч"), scripts.OutcomePromiseToPay, time.Time{}},
		// round 6: the debtor named in the third person, a role beside a
		// possessive, a denied name over busy, mended split words, [unk]
		{"the name in the third person", "collection.yaml", says("Ивана сейчас нет, он на выезде"), scripts.OutcomeThirdParty, time.Time{}},
		{"the name with where they are", "verify_contact.yaml", says("Салон, Иван с клиентом"), scripts.OutcomeThirdParty, time.Time{}},
		{"a role by its suffix beside a possessive", "collection.yaml", says("это его сменщица"), scripts.OutcomeThirdParty, time.Time{}},
		{"the name said by its owner stays a yes", "verify_contact.yaml", says("Иван слушает", "да"), scripts.OutcomeIdentified, time.Time{}},
		{"a denied name outranks the busy of 'звоните'", "verify_contact.yaml", says("да", "кому вы там звоните, это не Иван"), scripts.OutcomeWrongPerson, time.Time{}},
		{"split words mended", "verify_contact.yaml", says("да", "за нята", "пере звоните за втра в десять"),
			scripts.OutcomeCallback, time.Date(2026, 11, 25, 10, 0, 0, 0, msk)},
		// round 7: the everyday forms of the first name
		{"a short form of the name away", "verify_contact.yaml", says("Вани сейчас нет"), scripts.OutcomeThirdParty, time.Time{}},
		{"a diminutive of the name away", "collection.yaml", says("Ванька в рейсе, это мать"), scripts.OutcomeThirdParty, time.Time{}},
		{"the possessive of the short name", "verify_contact.yaml", says("Ванин отец слушает"), scripts.OutcomeThirdParty, time.Time{}},
		{"the name said to be no one here", "collection.yaml", says("да", "да", "девушка, вы куда звоните? нет тут Ивана"), scripts.OutcomeWrongPerson, time.Time{}},
		{"busy told late with a bare lunch and a spoken duration", "collection.yaml", says("да", "давай", "у меня запарка, обед, давай через полтора часа наберёшь"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 12, 30, 0, 0, msk)},
		{"the debtor's own family in a story is no third party", "collection.yaml", says("да", "да", "у меня жена в больнице, сын болеет, в пятницу заплачу всю сумму"), scripts.OutcomePromiseToPay, time.Time{}},
		{"a kin noun framed after a yes is a third party", "collection.yaml", says("да", "стоп, я не Иван, я его брат"), scripts.OutcomeThirdParty, time.Time{}},
		{"a day alone where no time is asked", "verify_contact.yaml", says("да", "я сейчас не в том состоянии, давайте завтра"),
			scripts.OutcomeCallback, time.Date(2026, 11, 25, 11, 0, 0, 0, msk)},
		{"what follows 'но' settles the payment", "collection.yaml", says("да", "да", "денег нет, но к двадцать пятому скину пять тысяч"), scripts.OutcomePromiseToPay, time.Time{}},
		{"a new owner of the number, words apart", "collection.yaml", says("да", "да", "какой долг, я этот номер месяц назад взял"), scripts.OutcomeWrongPerson, time.Time{}},
		{"another first name given", "verify_contact.yaml", says("ага", "А, Иван? Нет, я Павел"), scripts.OutcomeWrongPerson, time.Time{}},
		{"the father in the dative", "collection.yaml", says("да", "да", "это не мне, это отцу моему звонить надо"), scripts.OutcomeThirdParty, time.Time{}},
		{"minutes from now at the payment question is a call later", "collection.yaml", says("да", "да", "ой, клиент пришёл, давайте минут через пятнадцать"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 11, 15, 0, 0, msk)},
		{"a date with a verb of paying outranks busy words in the story", "collection.yaml",
			says("да", "да", "я на новую работу только устроился, десятого января внесу сразу всё"), scripts.OutcomePromiseToPay, time.Time{}},
		{"past calls are no callback request", "collection.yaml",
			says("да", "да", "мне уже звонили ваши, денег нет, можно растянуть на несколько месяцев"), scripts.OutcomeRestructuring, time.Time{}},
		{"the debtor's own doings in a story are no third party", "collection.yaml",
			says("да", "да", "я уехал на заработки, как вернусь, пятнадцатого, всё отдам"), scripts.OutcomePromiseToPay, time.Time{}},
		// round 16: a reason told with a request answers the question the
		// request leads to; an answer after a yes still waits its question
		{"a reason told with the request answers the next question", "collection.yaml",
			says("да", "да", "Я работу потеряла? Кредитные каникулы можно?"), scripts.OutcomeRestructuring, time.Time{}},
		{"words after a yes wait for their own question", "collection.yaml",
			says("да", "да, и сразу скажу, платить нечем", "платить нечем", "да, давайте реструктуризацию"), scripts.OutcomeRestructuring, time.Time{}},
		// round 17: a verb of hearing does not deny the go-ahead before it;
		// a kin diminutive is kin only where it says whose
		{"a go-ahead and 'не слышу' at the identity question is no denial", "verify_contact.yaml",
			says("Алло, говорите, не слышу", "Да, это я", "да"), scripts.OutcomeIdentified, time.Time{}},
		{"a kin diminutive with a possessive is a third party", "collection.yaml",
			says("Это внученька его, дедушка прилёг"), scripts.OutcomeThirdParty, time.Time{}},
		{"a kin diminutive as an endearment is no kin", "verify_contact.yaml",
			says("Да, я", "Да, доченька, удобно"), scripts.OutcomeIdentified, time.Time{}},
		// round 18: a clock time told before a call request describes the
		// day; the request's own time is the one asked for
		{"a time in the request outranks a time told before it", "verify_contact.yaml",
			says("да", "неудобно, я в очереди к врачу, талончик на девять тридцать, перезвоните через час"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 12, 0, 0, 0, msk)},
		{"a day alone before the request still combines with its hour", "verify_contact.yaml",
			says("да", "неудобно, завтра, перезвоните в десять утра"),
			scripts.OutcomeCallback, time.Date(2026, 11, 25, 10, 0, 0, 0, msk)},
		{"'потому что' is no 'потом'", "collection.yaml",
			says("да", "да", "не могу платить", "нет, потому что я этот долг не признаю"), scripts.OutcomeRefused, time.Time{}},
		// round 16: a workplace desk's greeting asks for the debtor again
		{"a desk's greeting, then a wrong number", "collection.yaml",
			says("Бухгалтерия", "Нет, такого сотрудника у нас нет, вы ошиблись"), scripts.OutcomeWrongPerson, time.Time{}},
		{"a desk's greeting, then the debtor", "verify_contact.yaml",
			says("Приёмная, здравствуйте", "Да, это я", "да"), scripts.OutcomeIdentified, time.Time{}},
		{"a desk's greeting, then a hang-up", "verify_contact.yaml",
			append(says("Отдел кадров, слушаю"), hangup), scripts.OutcomeThirdParty, time.Time{}},
		{"a desk's greeting, a filler, then a hang-up", "collection.yaml",
			append(says("Бухгалтерия", "ммм"), hangup), scripts.OutcomeThirdParty, time.Time{}},
		{"a desk with news of the debtor", "verify_contact.yaml",
			says("Бухгалтерия, Иван в отпуске"), scripts.OutcomeThirdParty, time.Time{}},
		{"only [unk] then a hang-up", "verify_contact.yaml", append(says("[unk]", "[unk] [unk]"), hangup), scripts.OutcomeUnrecognized, time.Time{}},
		// round 12: clause order and answers ahead of their question
		{"the answer after the caller's own question", "verify_contact.yaml", says("А кто спрашивает? Ну я", "да"), scripts.OutcomeIdentified, time.Time{}},
		{"a defence after a question past identity is no correction", "verify_contact.yaml",
			says("да", "А по какому вопросу? Я ничего не брал", "да"), scripts.OutcomeIdentified, time.Time{}},
		{"the next topic taken up says the robot may go on", "collection.yaml",
			says("да", "да, и сразу скажу, платить нечем, с работы сократили", "платить нечем", "давайте реструктуризацию"), scripts.OutcomeRestructuring, time.Time{}},
		{"a place in the conditional mood is a wish", "collection.yaml",
			says("да", "да", "я бы хотел обсудить это на встрече", "завтра в десять", "на Ленина"), scripts.OutcomeMeeting, time.Time{}},
		{"the same place said plainly is busy", "collection.yaml",
			says("да", "да", "я сейчас на встрече, давайте через час"), scripts.OutcomeCallback, time.Date(2026, 11, 24, 12, 0, 0, 0, msk)},
		{"the daughter in the instrumental is a third party", "verify_contact.yaml",
			says("Я являюсь его дочерью, он в больнице"), scripts.OutcomeThirdParty, time.Time{}},
		{"no such person here at all", "verify_contact.yaml", says("Не туда попали, никакого Ивана тут нет"), scripts.OutcomeWrongPerson, time.Time{}},
		{"busy before the next topic stays busy", "verify_contact.yaml", says("да", "я на работе, давайте вечером в семь"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 19, 0, 0, 0, msk)},
		// round 13: an answer given ahead of its question is kept for it;
		// with no more turns after it the promise is made without them
		{"a promise said to the convenience question is kept for the payment question", "collection.yaml",
			append(says("да", "ладно, в пятницу внесу три тысячи"), hangup), scripts.OutcomePromiseToPay, time.Time{}},
		{"a refusal said ahead is not carried as a promise", "collection.yaml",
			says("да", "да, и сразу скажу, платить нечем", "нет", "нет"), scripts.OutcomeRefused, time.Time{}},
		// round 14: a correction inside the turn replaces what it corrects
		{"a corrected hour", "verify_contact.yaml", says("да", "неудобно, в шесть, нет, в семь вечера"),
			scripts.OutcomeCallback, time.Date(2026, 11, 24, 19, 0, 0, 0, msk)},
		{"a corrected no at the identity question", "verify_contact.yaml", says("Нет... то есть да, я", "удобно"), scripts.OutcomeIdentified, time.Time{}},
		{"a word of now inside 'cannot pay' is no busy", "collection.yaml",
			says("да", "да", "не могу сейчас платить, совсем денег нет", "нет"), scripts.OutcomeRefused, time.Time{}},
		{"a wrong number said outright settles a name in the third person", "verify_contact.yaml",
			says("Ивана тут нет, вы номером ошиблись"), scripts.OutcomeWrongPerson, time.Time{}},
		// round 15: another person's words reported are not the caller's answer
		{"a question reported from the husband is not the caller's request", "collection.yaml",
			says("да", "да", "Муж спрашивает, можно ли частями... Да, в понедельник всю сумму"), scripts.OutcomePromiseToPay, time.Time{}},
		{"a relative asking who calls is no third party", "verify_contact.yaml",
			says("Я", "Брат спрашивает, кто это... Да, удобно, говорите"), scripts.OutcomeIdentified, time.Time{}},
		// round 19: an idiom for "it's me", the caller's "вы звоните",
		// "поздно" no "позднее", a line registered to the speaker, a
		// particle inside noise
		{"'you are speaking to him' is it's me", "verify_contact.yaml",
			says("Если вам нужен Иван, то вы с ним и разговариваете", "говорите, мне удобно"), scripts.OutcomeIdentified, time.Time{}},
		{"'if you call so late' is no busy", "verify_contact.yaml",
			says("Я, а в чём дело, если вы звоните так поздно?", "если недолго, то удобно"), scripts.OutcomeIdentified, time.Time{}},
		{"a call request after a late hour stays busy", "verify_contact.yaml",
			says("Я", "Поздно уже, звоните завтра в десять"), scripts.OutcomeCallback, time.Date(2026, 11, 25, 10, 0, 0, 0, msk)},
		{"a line registered to the speaker, the debtor spoken of as another", "verify_contact.yaml",
			says("Какая-то ошибка, у меня на бумажке от оператора записано, что номер оформлен на меня, Ивана тут нет"), scripts.OutcomeWrongPerson, time.Time{}},
		{"a wife's line registered to her stays a third party", "verify_contact.yaml",
			says("Я его жена, номер оформлен на меня, Ивана нет дома"), scripts.OutcomeThirdParty, time.Time{}},
		{"a yes-particle inside noise, then a hang-up, is unrecognized", "verify_contact.yaml",
			append(says("[unk] ага [unk]", "[unk]", "[unk]"), hangup), scripts.OutcomeUnrecognized, time.Time{}},
		{"a yes with one noise mark, then a hang-up, stays hangup", "verify_contact.yaml",
			append(says("[unk] да", "[unk]"), hangup), scripts.OutcomeHangup, time.Time{}},
		// round 20: irony, a second speaker on a speakerphone
		{"the name and 'in person' is it's me", "verify_contact.yaml",
			says("Иван Иванович, собственной персоной", "Ну давайте, говорите"), scripts.OutcomeIdentified, time.Time{}},
		{"'представьте себе' is no request to introduce", "verify_contact.yaml",
			says("Я", "Неудобно, у меня совещание, представьте себе. Позвоните завтра в десять утра"), scripts.OutcomeCallback, time.Date(2026, 11, 25, 10, 0, 0, 0, msk)},
		{"'не переживайте' is no 'не проживает'", "collection.yaml",
			says("Я", "Удобно", "Да заплачу, заплачу, не переживайте вы так. Двадцать пятого всю сумму"), scripts.OutcomePromiseToPay, time.Time{}},
		{"a kin word calling someone in the room says not who answers", "collection.yaml",
			says("Алло? Мам, тут какого-то Ивана спрашивают. Скажи, что не туда попали. Вы не туда попали, у нас Иванов нет"), scripts.OutcomeWrongPerson, time.Time{}},
		{"a name called in the room is no kin word", "collection.yaml",
			says("Да, я", "Удобно", "Света, какого числа зарплата? Двадцатого. Вот двадцатого всю сумму и закрою"), scripts.OutcomePromiseToPay, time.Time{}},
		{"an ironic yes to 'is it convenient?' is busy", "verify_contact.yaml",
			says("Я", "Ну конечно, самое подходящее время, ребёнка купаю", "через час"), scripts.OutcomeCallback, time.Date(2026, 11, 24, 12, 0, 0, 0, msk)},
		{"a go-ahead after the irony settles it", "verify_contact.yaml",
			says("Я", "Да, самое время, говорите"), scripts.OutcomeIdentified, time.Time{}},
		{"a grandson's words relayed with a particle", "verify_contact.yaml",
			says("Я", "Сейчас нет. Внук вот говорит, в шесть вечера будет удобно. Да, в шесть вечера позвоните"), scripts.OutcomeCallback, time.Date(2026, 11, 24, 18, 0, 0, 0, msk)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, _, err := run(t, load(t, tc.script), tc.items)
			if err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tc.want {
				t.Fatalf("outcome %s (%s), want %s; path %v", res.Outcome, res.Reason, tc.want, res.Path)
			}
			if tc.callback.IsZero() {
				return
			}
			got, err := time.Parse(time.RFC3339, res.Slots[scripts.SlotCallbackAt])
			if err != nil || !got.Equal(tc.callback) {
				t.Errorf("callback_at %q, want %s", res.Slots[scripts.SlotCallbackAt], tc.callback.Format(time.RFC3339))
			}
		})
	}
}

// TestDebtorNameIsNoPhraseWord: the debtor's name is masked before
// classification, so a surname that spells a phrase word ("Занятов" has the
// stem of "занят") does not read as that intent.
func TestDebtorNameIsNoPhraseWord(t *testing.T) {
	t.Parallel()
	clock := testcalls.NewClock(time.Date(2026, 11, 24, 11, 0, 0, 0, msk))
	conv := &testcalls.TextConversation{Clock: clock, Items: says("да, Занятов слушает", "да")}
	v := map[string]any{"debtor": map[string]any{"name": "Занятов Пётр Ильич", "first_name": "Пётр"}}
	s := &robot.Session{Script: load(t, "verify_contact.yaml"), Vars: v, Clock: clock, Location: msk, Conv: conv}
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != scripts.OutcomeIdentified {
		t.Errorf("outcome %s, want identified; path %v", res.Outcome, res.Path)
	}
}

// TestDialogueEarnestPromise: an ironic offer before "если серьёзно" gives
// neither the promise's date nor its sum.
func TestDialogueEarnestPromise(t *testing.T) {
	t.Parallel()
	res, _, err := run(t, load(t, "collection.yaml"), says("Я", "Удобно",
		"Ага, щас, миллион прям завтра принесу... Ладно, если серьёзно: в пятницу заплачу пять тысяч"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != scripts.OutcomePromiseToPay {
		t.Fatalf("outcome %s (%s), want promise_to_pay; path %v", res.Outcome, res.Reason, res.Path)
	}
	want := time.Date(2026, 11, 27, 11, 0, 0, 0, msk) // the Friday after Tuesday the 24th, the call's hour
	if got, err := time.Parse(time.RFC3339, res.Slots[scripts.SlotPromiseAt]); err != nil || !got.Equal(want) {
		t.Errorf("promise_at %q, want %s", res.Slots[scripts.SlotPromiseAt], want.Format(time.RFC3339))
	}
	if res.Slots[scripts.SlotAmount] != "5000.00" {
		t.Errorf("amount %q, want 5000.00", res.Slots[scripts.SlotAmount])
	}
}
